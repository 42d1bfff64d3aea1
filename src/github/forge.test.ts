import { describe, expect, it } from 'vitest';
import { forgeFor, uniqueRepo, useEmulator } from '../../test/emulator/testing.ts';
import { AuthError, ConflictError, NotFoundError } from '../forge/errors.ts';
import { checkApprovals } from '../forge/approvals.ts';
import { stickyMarker } from '../forge/sticky.ts';
import type { CheckAnnotation } from '../forge/port.ts';

const github = useEmulator();
const bot = { name: 'gitops-ml[bot]', email: 'bot@gitops-ml.dev' };

async function repoWithPull(files: Record<string, string> = { 'params.yaml': 'lr: 0.2\n' }) {
  const gh = github();
  const name = uniqueRepo();
  await gh.createRepo(name, { files: { 'params.yaml': 'lr: 0.1\n', 'README.md': '# ml\n' } });
  await gh.commit(name, 'tune', files, { author: 'alice', message: 'tune lr' });
  const pr = await gh.openPullRequest(name, {
    head: 'tune',
    title: 'Tune lr',
    body: 'body',
    user: 'alice',
  });
  const token = gh.issueToken('github-actions[bot]');
  return { gh, name, pr, token, forge: forgeFor(gh, name, token) };
}

describe('GitHubForge against the emulator: pull requests', () => {
  it('reads a pull request, and tells a fork PR apart', async () => {
    const { gh, name, pr, forge } = await repoWithPull();
    const got = await forge.getPullRequest(pr.number);
    expect(got).toMatchObject({
      number: pr.number,
      title: 'Tune lr',
      body: 'body',
      state: 'open',
      author: 'alice',
      head: { ref: 'tune', sha: pr.headSha, repo: name },
      base: { ref: 'main', repo: name },
      fromFork: false,
      merged: false,
    });
    const fork = await gh.forkRepo(name, 'mallory');
    await gh.commit(fork.fullName, 'evil', { 'train.py': 'import os\n' }, { author: 'mallory' });
    const forked = await gh.openPullRequest(name, {
      head: 'mallory:evil',
      title: 'x',
      user: 'mallory',
    });
    expect(await forge.getPullRequest(forked.number)).toMatchObject({
      fromFork: true,
      head: { repo: fork.fullName, ref: 'evil' },
    });
  });

  it('maps 404 to NotFoundError that says what was asked', async () => {
    const { name, forge } = await repoWithPull();
    const error = await forge.getPullRequest(999).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).message).toBe(
      `cannot get pull request ${name}#999: GitHub answered 404 Not Found`,
    );
    expect((error as NotFoundError).status).toBe(404);
    expect((error as NotFoundError).exitCode).toBe(3);
  });

  it('lists every changed file across pages', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 130; i++) files[`data/f${String(i).padStart(3, '0')}.csv`] = `${i}\n`;
    const { gh, pr, forge } = await repoWithPull(files);
    const before = gh.log.length;
    const changed = await forge.listChangedFiles(pr.number);
    expect(changed).toHaveLength(130);
    expect(changed[0]).toEqual({
      path: 'data/f000.csv',
      status: 'added',
      additions: 1,
      deletions: 0,
    });
    expect(gh.apiRequests(before).map((e) => e.route)).toEqual([
      '/repos/{owner}/{repo}/pulls/{pull_number}/files',
      '/repos/{owner}/{repo}/pulls/{pull_number}/files',
    ]);
  });
});

describe('GitHubForge: sticky comments', () => {
  const marker = stickyMarker('report', 'penguins');

  it('creates once, edits in place, and writes nothing when the body is the same', async () => {
    const { gh, name, pr, forge } = await repoWithPull();
    const first = await forge.upsertStickyComment(pr.number, marker, 'accuracy 0.91');
    const second = await forge.upsertStickyComment(pr.number, marker, 'accuracy 0.93');
    const before = gh.log.length;
    const third = await forge.upsertStickyComment(pr.number, marker, 'accuracy 0.93');
    expect([first.action, second.action, third.action]).toEqual([
      'created',
      'updated',
      'unchanged',
    ]);
    expect(second.id).toBe(first.id);
    expect(gh.comments(name, pr.number).map((c) => c.body)).toEqual([`${marker}\naccuracy 0.93`]);
    expect(gh.apiRequests(before).map((e) => e.method)).toEqual(['GET']);
  });

  it('finds its comment on a later page among many others', async () => {
    const { gh, name, pr, forge } = await repoWithPull();
    await forge.upsertStickyComment(pr.number, marker, 'v1');
    for (let i = 0; i < 120; i++) gh.addComment(name, pr.number, `chatter ${i}`, 'carol');
    const result = await forge.upsertStickyComment(pr.number, marker, 'v2');
    expect(result.action).toBe('updated');
    const mine = gh.comments(name, pr.number).filter((c) => c.body.startsWith(marker));
    expect(mine.map((c) => c.body)).toEqual([`${marker}\nv2`]);
  });

  it('converges on one comment when ten writers race', async () => {
    const { gh, name, pr, token } = await repoWithPull();
    const forges = Array.from({ length: 10 }, () => forgeFor(gh, name, token));
    await Promise.all(forges.map((f, i) => f.upsertStickyComment(pr.number, marker, `run ${i}`)));
    const left = gh.comments(name, pr.number).filter((c) => c.body.startsWith(marker));
    expect(left).toHaveLength(1);
    expect(left[0]!.body).toMatch(new RegExp(`^${marker}\\nrun \\d$`));
  });

  it('removes duplicates an earlier race left behind, keeping the oldest', async () => {
    const { gh, name, pr, forge } = await repoWithPull();
    gh.addComment(name, pr.number, `${marker}\nold A`, 'github-actions[bot]');
    gh.addComment(name, pr.number, `${marker}\nold B`, 'github-actions[bot]');
    const oldest = gh.comments(name, pr.number)[0]!.id;
    const result = await forge.upsertStickyComment(pr.number, marker, 'fresh');
    expect(result).toMatchObject({ id: oldest, action: 'updated' });
    expect(gh.comments(name, pr.number).map((c) => c.body)).toEqual([`${marker}\nfresh`]);
  });

  it('leaves alone a person who pastes the marker', async () => {
    const { gh, name, pr, forge } = await repoWithPull();
    gh.addComment(name, pr.number, `${marker}\nnot the bot`, 'mallory');
    const result = await forge.upsertStickyComment(pr.number, marker, 'report');
    expect(result.action).toBe('created');
    expect(gh.comments(name, pr.number).map((c) => `${c.user.login}: ${c.body}`)).toEqual([
      `mallory: ${marker}\nnot the bot`,
      `github-actions[bot]: ${marker}\nreport`,
    ]);
  });

  it('survives a write whose reply was lost (the retry creates a twin, which is removed)', async () => {
    const { gh, name, pr, forge } = await repoWithPull();
    gh.faults.failNext('lost-reply', {
      match: (method, path) => method === 'POST' && path.endsWith('/comments'),
    });
    const result = await forge.upsertStickyComment(pr.number, marker, 'once');
    expect(result.action).toBe('updated');
    expect(gh.comments(name, pr.number).map((c) => c.body)).toEqual([`${marker}\nonce`]);
  });
});

describe('GitHubForge: check runs', () => {
  it('sends 120 annotations in batches of 50 and completes with the last batch', async () => {
    const { gh, name, pr, forge } = await repoWithPull();
    const annotations: CheckAnnotation[] = Array.from({ length: 120 }, (_, i) => ({
      path: 'pipelines/p.yaml',
      startLine: i + 1,
      endLine: i + 1,
      startColumn: 3,
      endColumn: 9,
      level: i % 2 ? 'warning' : 'failure',
      message: `problem ${i}`,
    }));
    const before = gh.log.length;
    const run = await forge.publishCheckRun({
      name: 'gitops-ml / penguins',
      headSha: pr.headSha,
      conclusion: 'failure',
      title: '3 checks failed',
      summary: '## Summary',
      annotations,
    });
    expect(run.requests).toBe(3);
    expect(gh.apiRequests(before).map((e) => `${e.method} ${e.status}`)).toEqual([
      'POST 201',
      'PATCH 200',
      'PATCH 200',
    ]);
    const [stored] = gh.checkRuns(name, pr.headSha);
    expect(stored).toMatchObject({
      status: 'completed',
      conclusion: 'failure',
      title: '3 checks failed',
    });
    expect(stored!.annotations).toHaveLength(120);
    expect(stored!.annotations[119]).toEqual({
      path: 'pipelines/p.yaml',
      start_line: 120,
      end_line: 120,
      start_column: 3,
      end_column: 9,
      annotation_level: 'warning',
      message: 'problem 119',
    });
  });
});

describe('GitHubForge: commits, fast-forward only', () => {
  it('adds one commit with the files by the bot, on top of the branch', async () => {
    const { gh, name, pr, forge } = await repoWithPull();
    const head = pr.headSha;
    const result = await forge.commitFiles({
      branch: 'tune',
      message: 'gitops-ml: metrics for penguins [skip ci]',
      files: [
        { path: 'metrics/penguins.json', content: '{"accuracy":0.93}\n' },
        { path: 'README.md', content: null },
      ],
      author: bot,
    });
    expect(result.retries).toBe(0);
    expect(result.sha).toBe(await gh.branchSha(name, 'tune'));
    expect(gh.pull(name, pr.number).headSha).toBe(result.sha);
    expect(await gh.readFile(name, 'tune', 'metrics/penguins.json')).toBe('{"accuracy":0.93}\n');
    expect(await gh.readFile(name, 'tune', 'README.md')).toBeUndefined();
    const commit = await gh.repo(name).git.commit(result.sha!);
    expect(commit.parents).toEqual([head]);
    expect(commit.author).toMatchObject(bot);
    expect(commit.message).toBe('gitops-ml: metrics for penguins [skip ci]\n');
  });

  it('makes no commit when the branch already holds those files', async () => {
    const { gh, name, forge } = await repoWithPull();
    const tip = await gh.branchSha(name, 'tune');
    const result = await forge.commitFiles({
      branch: 'tune',
      message: 'm',
      files: [{ path: 'params.yaml', content: 'lr: 0.2\n' }],
      author: bot,
    });
    expect(result).toEqual({ sha: null, head: tip, retries: 0 });
  });

  it('rebuilds on the new tip when others push meanwhile, never dropping their commits', async () => {
    const { gh, name, token } = await repoWithPull();
    const writers = Array.from({ length: 3 }, (_, i) =>
      forgeFor(gh, name, token).commitFiles({
        branch: 'tune',
        message: `writer ${i}`,
        files: [{ path: `out/${i}.json`, content: `${i}\n` }],
        author: bot,
      }),
    );
    const results = await Promise.all(writers);
    expect(results.some((r) => r.retries > 0)).toBe(true);
    for (let i = 0; i < 3; i++)
      expect(await gh.readFile(name, 'tune', `out/${i}.json`)).toBe(`${i}\n`);
    const log = await gh.repo(name).git.run(['rev-list', '--count', 'refs/heads/tune']);
    expect(Number(log.trim())).toBe(2 + 3);
  });

  it('retries git requests that failed in transport', async () => {
    const { gh, name, forge } = await repoWithPull();
    gh.faults.failNext('server-error', {
      match: (m, p) => m === 'POST' && p.endsWith('/git-upload-pack'),
    });
    gh.faults.failNext('server-error', {
      match: (m, p) => m === 'POST' && p.endsWith('/git-receive-pack'),
    });
    const result = await forge.commitFiles({
      branch: 'tune',
      message: 'm',
      files: [{ path: 'x.txt', content: 'x\n' }],
      author: bot,
    });
    expect(result.sha).toBe(await gh.branchSha(name, 'tune'));
  });

  it('refuses with a read-only token (what a fork PR gets)', async () => {
    const { gh, name } = await repoWithPull();
    const readOnly = forgeFor(gh, name, gh.issueToken('github-actions[bot]', 'read'));
    const error = await readOnly
      .commitFiles({
        branch: 'tune',
        message: 'm',
        files: [{ path: 'x', content: 'x' }],
        author: bot,
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
  });
});

describe('GitHubForge: bot pull requests', () => {
  const spec = (content: string) => ({
    branch: 'gitops-ml/promote/penguins--production',
    base: 'main',
    title: 'Promote penguins v1.3.0 to production',
    body: 'Compared with v1.2.0: accuracy +0.02',
    commitMessage: 'Promote penguins v1.3.0 to production',
    files: [{ path: 'deployments/production.yaml', content }],
    author: bot,
    labels: ['gitops-ml: promotion'],
  });

  it('opens once, is idempotent, and updates with a lease', async () => {
    const { gh, name, forge } = await repoWithPull();
    const first = await forge.upsertBotPullRequest(spec('version: v1.3.0\n'));
    expect(first.action).toBe('created');
    expect(gh.pull(name, first.number).labels.map((l) => l.name)).toEqual(['gitops-ml: promotion']);
    const before = gh.log.length;
    const again = await forge.upsertBotPullRequest(spec('version: v1.3.0\n'));
    expect(again).toEqual({ ...first, action: 'unchanged' });
    expect(gh.log.slice(before).filter((e) => e.path.endsWith('git-receive-pack'))).toEqual([]);
    const changed = await forge.upsertBotPullRequest(spec('version: v1.4.0\n'));
    expect(changed).toMatchObject({ number: first.number, action: 'updated' });
    expect(await gh.readFile(name, spec('').branch, 'deployments/production.yaml')).toBe(
      'version: v1.4.0\n',
    );
    expect(
      gh.state.pulls.filter((p) => p.base.repo.fullName === name && p.head.ref === spec('').branch),
    ).toHaveLength(1);
  });

  it('will not overwrite a commit someone else pushed to the bot branch', async () => {
    const { gh, name, forge } = await repoWithPull();
    await forge.upsertBotPullRequest(spec('version: v1.3.0\n'));
    await gh.commit(
      name,
      spec('').branch,
      { 'deployments/production.yaml': 'hand edit\n' },
      { author: 'carol' },
    );
    const error = await forge
      .upsertBotPullRequest(spec('version: v1.4.0\n'))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).message).toMatch(/has a commit by .*carol.*will not overwrite/);
  });
});

describe('GitHubForge: reviews, files, tags, labels', () => {
  it('lists reviews; approvals count only on the head commit', async () => {
    const { gh, name, pr, forge } = await repoWithPull();
    gh.submitReview(name, pr.number, { user: 'bob', state: 'APPROVED', commitId: 'f'.repeat(40) });
    gh.submitReview(name, pr.number, { user: 'carol', state: 'APPROVED' });
    gh.submitReview(name, pr.number, { user: 'carol', state: 'COMMENTED' });
    gh.submitReview(name, pr.number, { user: 'dave', state: 'APPROVED' });
    gh.submitReview(name, pr.number, { user: 'dave', state: 'DISMISSED' });
    const reviews = await forge.listReviews(pr.number);
    expect(reviews.map((r) => `${r.reviewer}:${r.state}`)).toEqual([
      'bob:APPROVED',
      'carol:APPROVED',
      'carol:COMMENTED',
      'dave:APPROVED',
      'dave:DISMISSED',
    ]);
    expect(checkApprovals(reviews, pr.headSha, { author: 'alice' })).toEqual({
      approvedAtHead: ['carol'],
      stale: ['bob'],
      changesRequested: [],
    });
  });

  it('reads text and binary files at a ref; a missing one is undefined', async () => {
    const { gh, name, forge } = await repoWithPull();
    const binary = new Uint8Array([0, 255, 10, 13, 128, 1]);
    await gh.commit(name, 'main', { 'model.bin': binary });
    expect(await forge.readFile('model.bin', 'main')).toEqual(binary);
    expect(new TextDecoder().decode(await forge.readFile('params.yaml', 'tune'))).toBe('lr: 0.2\n');
    expect(await forge.readFile('nope.txt', 'main')).toBeUndefined();
  });

  it('creates an annotated tag that git sees; a second one with that name conflicts', async () => {
    const { gh, name, forge } = await repoWithPull();
    const main = (await gh.branchSha(name, 'main'))!;
    const tag = await forge.createAnnotatedTag({
      name: 'penguins@v1.0.0',
      sha: main,
      message: 'Registering penguins v1.0.0',
      tagger: bot,
    });
    const repo = gh.repo(name);
    expect((await repo.git.refs()).get('refs/tags/penguins@v1.0.0')).toBe(tag.sha);
    expect(await repo.git.readTag(tag.sha)).toMatchObject({
      object: main,
      type: 'commit',
      tag: 'penguins@v1.0.0',
      tagger: { name: bot.name, email: bot.email },
      message: 'Registering penguins v1.0.0\n',
    });
    const again = await forge
      .createAnnotatedTag({ name: 'penguins@v1.0.0', sha: main, message: 'x', tagger: bot })
      .catch((e: unknown) => e);
    expect(again).toBeInstanceOf(ConflictError);
  });

  it('labels, label events in order, and when a head was first seen', async () => {
    const { gh, name, pr, forge } = await repoWithPull();
    await forge.addLabels(pr.number, ['safe-to-run']);
    gh.removeLabel(name, pr.number, 'safe-to-run', 'maintainer');
    gh.addLabel(name, pr.number, 'safe-to-run', 'maintainer');
    const events = await forge.listLabelEvents(pr.number);
    expect(events.map((e) => `${e.action}:${e.label}:${e.actor}`)).toEqual([
      'labeled:safe-to-run:github-actions[bot]',
      'unlabeled:safe-to-run:maintainer',
      'labeled:safe-to-run:maintainer',
    ]);
    const seen = await forge.firstSeenAt(pr.headSha);
    expect(seen).toBe(gh.state.checkSuites.find((s) => s.headSha === pr.headSha)!.createdAt);
    expect(Date.parse(events[0]!.at)).toBeGreaterThan(Date.parse(seen!));
    expect(await forge.firstSeenAt('0'.repeat(40))).toBeUndefined();
  });

  it('finds the pull request of a merge commit', async () => {
    const { gh, name, pr, forge } = await repoWithPull();
    const merge = await gh.mergePullRequest(name, pr.number);
    const found = await forge.pullRequestsForCommit(merge);
    expect(found.map((p) => [p.number, p.merged, p.mergeCommitSha])).toEqual([
      [pr.number, true, merge],
    ]);
  });
});

describe('GitHubForge: faults and tokens', () => {
  it('rides out 5xx, secondary rate limits and 429 with retry-after', async () => {
    const { gh, name, pr, forge } = await repoWithPull();
    const marker = stickyMarker('report', 'x');
    for (const kind of [
      'server-error',
      'secondary-rate-limit',
      'too-many-requests',
      'bad-gateway',
    ] as const)
      gh.faults.failNext(kind);
    const result = await forge.upsertStickyComment(pr.number, marker, 'ok');
    expect(result.action).toBe('created');
    expect(gh.comments(name, pr.number)).toHaveLength(1);
    const statuses = gh.log
      .filter((e) => e.fault)
      .slice(-4)
      .map((e) => e.status);
    expect(statuses).toEqual([500, 403, 429, 502]);
  });

  it('says how to fix a bad token and a missing permission', async () => {
    const { gh, name, pr } = await repoWithPull();
    const bad = forgeFor(gh, name, 'ghs_not_a_token');
    const unauthorized = await bad.getPullRequest(pr.number).catch((e: unknown) => e);
    expect(unauthorized).toBeInstanceOf(AuthError);
    expect((unauthorized as AuthError).hint).toMatch(/github-token input or GITHUB_TOKEN/);
    const readOnly = forgeFor(gh, name, gh.issueToken('reader', 'read'));
    const forbidden = await readOnly.addLabels(pr.number, ['x']).catch((e: unknown) => e);
    expect(forbidden).toBeInstanceOf(AuthError);
    expect((forbidden as AuthError).message).toBe(
      `cannot label ${name}#${pr.number}: GitHub answered 403 Resource not accessible by integration`,
    );
  });
});
