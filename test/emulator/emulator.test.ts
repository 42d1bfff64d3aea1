import { Octokit } from '@octokit/rest';
import { describe, expect, it } from 'vitest';
import { GitHubForge } from '../../src/github/forge.ts';
import { Faults } from './faults.ts';
import { checkoutAuth, git, scratchDir } from './runner.ts';
import { testPacing, uniqueRepo, useEmulator } from './testing.ts';

const github = useEmulator();

async function setup() {
  const gh = github();
  const name = uniqueRepo();
  const [owner, repo] = name.split('/') as [string, string];
  await gh.createRepo(name, { files: { 'a.txt': 'a\n' } });
  await gh.commit(name, 'feature', { 'b.txt': 'b\n' }, { author: 'alice' });
  const pr = await gh.openPullRequest(name, { head: 'feature', title: 'F', user: 'alice' });
  const token = gh.issueToken('github-actions[bot]');
  const octokit = new Octokit({
    auth: token,
    baseUrl: gh.apiUrl,
    log: { debug() {}, info() {}, warn() {}, error() {} },
  });
  return { gh, name, owner, repo, pr, token, octokit };
}

async function failure(promise: Promise<unknown>) {
  const e = (await promise.catch((error: unknown) => error)) as {
    status: number;
    response: { data: unknown; headers: Record<string, string> };
  };
  return { status: e.status, body: e.response.data };
}

describe('the GitHub emulator: REST behaviour', () => {
  it('paginates with a Link header', async () => {
    const { gh, name, owner, repo, pr, octokit } = await setup();
    for (let i = 0; i < 25; i++) gh.addComment(name, pr.number, `c${i}`, 'bob');
    const page = await octokit.rest.issues.listComments({
      owner,
      repo,
      issue_number: pr.number,
      per_page: 10,
      page: 2,
    });
    expect(page.data.map((c) => c.body)).toEqual(
      Array.from({ length: 10 }, (_, i) => `c${i + 10}`),
    );
    const base = `${gh.apiUrl}/repos/${name}/issues/${pr.number}/comments`;
    expect(page.headers.link).toBe(
      `<${base}?per_page=10&page=1>; rel="prev", <${base}?per_page=10&page=3>; rel="next", <${base}?per_page=10&page=3>; rel="last", <${base}?per_page=10&page=1>; rel="first"`,
    );
  });

  it("answers with GitHub's status codes and error bodies", async () => {
    const { gh, owner, repo, pr, octokit } = await setup();
    expect(await failure(octokit.rest.pulls.get({ owner, repo, pull_number: 99 }))).toEqual({
      status: 404,
      body: {
        message: 'Not Found',
        documentation_url: 'https://docs.github.com/rest',
        status: '404',
      },
    });
    expect(
      await failure(
        octokit.rest.issues.createComment({
          owner,
          repo,
          issue_number: pr.number,
          body: 'x'.repeat(65537),
        }),
      ),
    ).toEqual({
      status: 422,
      body: {
        message: 'Validation Failed',
        documentation_url: 'https://docs.github.com/rest',
        errors: [
          {
            resource: 'IssueComment',
            code: 'custom',
            field: 'body',
            message: 'body is too long (maximum is 65536 characters)',
          },
        ],
      },
    });
    const annotations = Array.from({ length: 51 }, () => ({
      path: 'a.txt',
      start_line: 1,
      end_line: 1,
      annotation_level: 'notice' as const,
      message: 'm',
    }));
    const tooMany = await failure(
      octokit.rest.checks.create({
        owner,
        repo,
        name: 'c',
        head_sha: pr.headSha,
        output: { title: 't', summary: 's', annotations },
      }),
    );
    expect(tooMany.status).toBe(422);
    const main = (await gh.branchSha(`${owner}/${repo}`, 'main'))!;
    expect(
      await failure(octokit.rest.git.updateRef({ owner, repo, ref: 'heads/feature', sha: main })),
    ).toMatchObject({
      status: 422,
      body: { message: 'Update is not a fast forward' },
    });
    const anonymous = new Octokit({
      baseUrl: gh.apiUrl,
      log: { debug() {}, info() {}, warn() {}, error() {} },
    });
    expect(
      (await failure(anonymous.rest.pulls.get({ owner, repo, pull_number: pr.number }))).status,
    ).toBe(401);
    const content = await octokit.rest.repos.getContent({
      owner,
      repo,
      path: 'a.txt',
      ref: 'main',
    });
    const sha = (content.data as { sha: string }).sha;
    const put = (blob: string) =>
      octokit.rest.repos.createOrUpdateFileContents({
        owner,
        repo,
        path: 'a.txt',
        message: 'm',
        content: Buffer.from('z').toString('base64'),
        sha: blob,
      });
    expect((await failure(put('0'.repeat(40)))).status).toBe(409);
    expect((await put(sha)).status).toBe(200);
  });

  it('serves the API under /api/v3 in Enterprise mode, and the forge works there', async () => {
    const { GitHubEmulator } = await import('./index.ts');
    const ghes = await GitHubEmulator.start({ enterprise: true });
    try {
      expect(ghes.apiUrl).toBe(`${ghes.serverUrl}/api/v3`);
      await ghes.createRepo('corp/ml', { files: { 'a.txt': 'a\n' } });
      await ghes.commit('corp/ml', 'f', { 'b.txt': 'b\n' });
      const pr = await ghes.openPullRequest('corp/ml', { head: 'f', title: 'x', user: 'dev' });
      const forge = new GitHubForge({
        repo: { owner: 'corp', repo: 'ml' },
        token: ghes.issueToken('ci[bot]'),
        apiUrl: ghes.apiUrl,
        serverUrl: ghes.serverUrl,
        pacing: testPacing,
      });
      expect((await forge.getPullRequest(pr.number)).head.ref).toBe('f');
      await forge.commitFiles({
        branch: 'f',
        message: 'm',
        files: [{ path: 'c.txt', content: 'c\n' }],
        author: { name: 'ci', email: 'ci@corp' },
      });
      expect(await ghes.readFile('corp/ml', 'f', 'c.txt')).toBe('c\n');
      expect(ghes.apiRequests().every((e) => e.status === 200)).toBe(true);
    } finally {
      await ghes.close();
    }
  });
});

describe('the GitHub emulator: git and the API share one repository', () => {
  it('moves a PR head on a git push, records the check suite, and shapes the payloads', async () => {
    const { gh, name, pr, token, octokit, owner, repo } = await setup();
    const auth = checkoutAuth(token);
    const dir = `${scratchDir('emu-clone-')}/r`;
    await git(
      scratchDir('emu-cwd-'),
      ['clone', '-q', '--branch', 'feature', `${gh.serverUrl}/${name}.git`, dir],
      auth,
    );
    await git(
      dir,
      [
        '-c',
        'user.name=alice',
        '-c',
        'user.email=a@x',
        'commit',
        '-q',
        '--allow-empty',
        '-m',
        'more',
      ],
      auth,
    );
    const before = pr.headSha;
    await git(dir, ['push', '-q', 'origin', 'feature'], auth);
    const after = (await git(dir, ['rev-parse', 'HEAD'])).trim();
    expect(gh.pull(name, pr.number).headSha).toBe(after);
    const suites = await octokit.rest.checks.listSuitesForRef({ owner, repo, ref: after });
    expect(suites.data.check_suites.map((s) => s.head_sha)).toEqual([after]);
    const sync = await gh.pullRequestPayload(name, pr.number, 'synchronize', { before });
    expect(sync).toMatchObject({
      action: 'synchronize',
      before,
      after,
      pull_request: { head: { sha: after, ref: 'feature' } },
    });
    const push = await gh.pushPayload(name, 'refs/heads/feature', 'alice');
    expect(push).toMatchObject({
      ref: 'refs/heads/feature',
      before,
      after,
      head_commit: { id: after, message: 'more' },
    });
    const review = gh.submitReview(name, pr.number, { user: 'bob', state: 'APPROVED' });
    expect(await gh.pullRequestReviewPayload(name, pr.number, review)).toMatchObject({
      action: 'submitted',
      review: { state: 'approved', commit_id: after, user: { login: 'bob' } },
    });
  });

  it('lets git fetch what the API wrote, and refuses pushes without a token', async () => {
    const { gh, name, owner, repo, octokit, token } = await setup();
    await octokit.rest.repos.createOrUpdateFileContents({
      owner,
      repo,
      path: 'docs/api.md',
      message: 'via the API',
      content: Buffer.from('written by the API\n').toString('base64'),
      branch: 'main',
    });
    const dir = `${scratchDir('emu-clone-')}/r`;
    await git(
      scratchDir('emu-cwd-'),
      ['clone', '-q', `${gh.serverUrl}/${name}.git`, dir],
      checkoutAuth(token),
    );
    expect((await git(dir, ['show', 'HEAD:docs/api.md'])).toString()).toBe('written by the API\n');
    await expect(git(dir, ['push', 'origin', 'HEAD:refs/heads/x'])).rejects.toThrow(
      /Authentication failed|could not read Username|401/,
    );
  });
});

describe('fault injection', () => {
  it('is reproducible from its seed', () => {
    const sequence = () => {
      const f = new Faults();
      f.inject({ rate: 0.3, seed: 42, kinds: ['server-error', 'too-many-requests', 'lost-reply'] });
      return Array.from({ length: 20 }, () => f.pick('POST', '/x', 'rest') ?? '-');
    };
    expect(sequence()).toEqual(sequence());
    expect(sequence().filter((k) => k !== '-').length).toBeGreaterThan(0);
  });

  it('queues targeted faults before random ones; GETs never lose a write', () => {
    const f = new Faults();
    f.inject({ rate: 1, kinds: ['lost-reply'] });
    f.failNext('secondary-rate-limit', { match: (m) => m === 'PATCH' });
    expect(f.pick('GET', '/a', 'rest')).toBe('bad-gateway');
    expect(f.pick('PATCH', '/a', 'rest')).toBe('secondary-rate-limit');
    expect(f.pick('PATCH', '/a', 'rest')).toBe('lost-reply');
    expect(f.pick('GET', '/a.git/info/refs', 'git')).toBeUndefined();
  });
});
