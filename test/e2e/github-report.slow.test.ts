import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { platformKey } from '../../src/action/duckdb-binding.ts';
import { writeReportModel } from '../../src/github/report/store.ts';
import { stickyMarker } from '../../src/forge/sticky.ts';
import { exampleRepoFiles } from '../emulator/example-repo.ts';
import type { GitHubEmulator } from '../emulator/index.ts';
import {
  checkoutPullRequest,
  installedAction,
  listFiles,
  runStep,
  type StepOptions,
} from '../emulator/runner.ts';
import { uniqueRepo, useEmulator } from '../emulator/testing.ts';
import { penguinsReport } from '../support/report-data.ts';
import { packageTarball, startRegistry } from '../support/npm-registry.ts';
import { projectRoot } from '../support/temp.ts';

const github = useEmulator();

/** A package registry with DuckDB's binding for this machine, which the fresh action downloads. */
let registry: Awaited<ReturnType<typeof startRegistry>>;
beforeAll(async () => {
  registry = await startRegistry([packageTarball(`@duckdb/node-bindings-${platformKey()}`)]);
});
afterAll(() => registry.close());
const marker = stickyMarker('report', 'penguins');

function exampleFiles(): Record<string, string> {
  return exampleRepoFiles(projectRoot);
}

interface Scenario {
  gh: GitHubEmulator;
  name: string;
  number: number;
  token: string;
  workspace: string;
  action: string;
  step: (
    inputs: Record<string, string>,
    extra?: Partial<StepOptions>,
  ) => ReturnType<typeof runStep>;
}

/** acme/ml-N with the example, a PR "tune" lowering train.lr, checked out as a job would. */
async function pullRequestChangingParams(
  options: { title?: string; body?: string; branch?: string; baseMetrics?: boolean } = {},
): Promise<Scenario> {
  const gh = github();
  const name = uniqueRepo();
  const files = exampleFiles();
  // The metrics the last merge committed to main, which the PR's run is compared with.
  if (options.baseMetrics === true)
    files['metrics/penguins.json'] =
      JSON.stringify(
        { accuracy: 0.971, macro_f1: 0.9688, log_loss: 0.0841, test_rows: 86 },
        null,
        2,
      ) + '\n';
  await gh.createRepo(name, { files });
  const branch = options.branch ?? 'tune';
  await gh.commit(
    name,
    branch,
    { 'params.yaml': files['params.yaml']!.replace('lr: 0.5', 'lr: 0.25') },
    {
      author: 'alice',
      message: 'Lower the learning rate',
    },
  );
  const pr = await gh.openPullRequest(name, {
    head: branch,
    title: options.title ?? 'Lower the learning rate',
    body: options.body ?? 'Halves train.lr.',
    user: 'alice',
  });
  const token = gh.issueToken('github-actions[bot]');
  const workspace = await checkoutPullRequest(gh, name, pr.number, token);
  const payload = await gh.pullRequestPayload(name, pr.number, 'opened');
  const action = installedAction();
  return {
    gh,
    name,
    number: pr.number,
    token,
    workspace,
    action,
    step: (inputs, extra = {}) =>
      runStep({
        action,
        workspace,
        gh,
        repo: name,
        eventName: 'pull_request',
        payload,
        inputs: { 'github-token': token, ...inputs },
        ...extra,
        env: { npm_config_registry: registry.url, ...extra.env },
      }),
  };
}

/**
 * Results as a run leaves them, fixed rather than computed (durations differ from run to run),
 * for the tests that compare end states exactly. The first test runs the real pipeline.
 */
async function writeRunResults(workspace: string, accuracy = 0.9855): Promise<void> {
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(workspace, path)), { recursive: true });
    writeFileSync(join(workspace, path), text);
  };
  write(
    'metrics/penguins.json',
    JSON.stringify({ accuracy, f1_macro: 0.9829, loss: 0.0712 }, null, 2) + '\n',
  );
  write(
    'dvc.lock',
    'schema: "2.0"\nstages:\n  train:\n    cmd: node examples/penguins/train.mjs --lr 0.25 --epochs 300 --l2 0.001\n',
  );
  write('.gitops-ml/runs/penguins.json', JSON.stringify({ pipeline: 'penguins', accuracy }) + '\n');
  write(
    'models/penguins/README.md',
    `---\nmodel-index:\n- name: penguins-classifier\n---\n# penguins-classifier\n\naccuracy ${accuracy}\n`,
  );
  await writeReportModel(
    workspace,
    penguinsReport({
      params: {
        baseRef: 'main',
        rows: [{ file: 'params.yaml', name: 'train.lr', value: 0.25, base: 0.5 }],
      },
      metrics: {
        baseRef: 'main',
        rows: [
          {
            file: 'metrics/penguins.json',
            name: 'accuracy',
            value: accuracy,
            base: 0.971,
            goal: 'maximize',
            primary: true,
          },
        ],
      },
    }),
  );
}

function reportComments(gh: GitHubEmulator, name: string, number: number) {
  return gh.comments(name, number).filter((c) => c.body.startsWith(marker));
}

describe('the action on a pull request, against the GitHub emulator', () => {
  it('validates, runs penguins, then reports: one comment, results committed back, a check run', async () => {
    const s = await pullRequestChangingParams({ baseMetrics: true });
    const headBefore = s.gh.pull(s.name, s.number).headSha;
    const validated = await s.step({ command: 'validate' });
    expect(validated.code).toBe(0);
    expect(validated.stdout.split('\n')[0]).toBe(`::add-mask::${s.token}`);

    const ran = await s.step({ command: 'run', args: 'penguins' });
    expect(ran.stderr).not.toContain('error:');
    expect(ran.code).toBe(0);
    // Each stage's output is a collapsible group in the log.
    expect(ran.stdout).toContain('::group::penguins:train');
    const accuracy = (
      JSON.parse(readFileSync(join(s.workspace, 'metrics/penguins.json'), 'utf8')) as {
        accuracy: number;
      }
    ).accuracy;

    const reported = await s.step({ command: 'report' });
    expect(reported.stderr).toContain('penguins: comment created');
    expect(reported.code).toBe(0);

    const [comment, ...more] = reportComments(s.gh, s.name, s.number);
    expect(more).toEqual([]);
    expect(comment!.user.login).toBe('github-actions[bot]');
    // Params and metrics against the base branch, as the run computed them.
    expect(comment!.body).toContain('| `train.lr` | `0.25` | `0.5` |');
    expect(comment!.body).toMatch(
      new RegExp(`\\| \\*\\*\`accuracy\`\\*\\* \\| ${accuracy} \\| 0\\.971 \\| 🟢 \\+`),
    );
    expect(comment!.body).toContain('#### Data validation');
    expect(comment!.body).toContain('```mermaid'); // the training loss curve, drawn by GitHub
    // Charts are Mermaid or SVGs committed to the repository: no image from a third-party host.
    for (const [, url] of comment!.body.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g))
      expect(url).toMatch(new RegExp(`^${s.gh.serverUrl}/${s.name}/`));

    const head = s.gh.pull(s.name, s.number).headSha;
    expect(head).not.toBe(headBefore);
    expect(reported.outputs['commit-sha']).toBe(head);
    for (const path of [
      'metrics/penguins.json',
      'metrics/penguins.run.json',
      'models/penguins/README.md',
      'pipelines/penguins.lock',
      'plots/penguins/confusion.svg',
      'plots/penguins/loss.svg',
    ])
      expect(await s.gh.readFile(s.name, 'tune', path), path).toBe(
        readFileSync(join(s.workspace, path), 'utf8'),
      );
    const commit = await s.gh.repo(s.name).git.commit(head);
    expect(commit.parents).toEqual([headBefore]);
    expect(commit.author.name).toBe('github-actions[bot]');
    expect(commit.message.split('\n')[0]).toMatch(
      /^gitops-ml: results of penguins for [0-9a-f]{7} \[skip ci\]$/,
    );

    const runs = s.gh.checkRuns(s.name, head);
    expect(runs.map((r) => [r.name, r.status, r.conclusion])).toEqual([
      ['gitops-ml / penguins', 'completed', 'success'],
    ]);
    // The one data check that warns (a "." for Sex in the raw data), on its spec line.
    expect(
      runs[0]!.annotations.map((a) => `${a.path}:${a.start_line} ${a.annotation_level}`),
    ).toEqual(['pipelines/penguins.yaml:20 warning']);
    expect(reported.outputs['comment-url']).toBe(
      `${s.gh.serverUrl}/${s.name}/pull/${s.number}#issuecomment-${comment!.id}`,
    );
    expect(reported.summary).toContain('### ✅ `penguins`');
    expect(reported.summary).toContain('| `train.lr` | `0.25` | `0.5` |');
    const leaked =
      ran.stdout.replace(/^::add-mask::.*\n/gm, '') +
      ran.stderr +
      reported.stdout.replace(/^::add-mask::.*\n/gm, '') +
      reported.stderr +
      reported.summary;
    expect(leaked + comment!.body).not.toContain(s.token);

    // Another change, run and report again: the same comment is edited, nothing is added.
    const params = join(s.workspace, 'params.yaml');
    writeFileSync(params, readFileSync(params, 'utf8').replace('lr: 0.25', 'lr: 0.1'));
    expect((await s.step({ command: 'run', args: 'penguins' })).code).toBe(0);
    const again = await s.step({ command: 'report' });
    expect(again.code).toBe(0);
    const after = reportComments(s.gh, s.name, s.number);
    expect(after.map((c) => c.id)).toEqual([comment!.id]);
    expect(after[0]!.body).toContain('| `train.lr` | `0.1` | `0.5` |');
    expect(await s.gh.readFile(s.name, 'tune', 'metrics/penguins.json')).toBe(
      readFileSync(join(s.workspace, 'metrics/penguins.json'), 'utf8'),
    );
  });

  it('ten report runs at once on one pull request leave exactly one comment and one commit', async () => {
    const s = await pullRequestChangingParams();
    const headBefore = s.gh.pull(s.name, s.number).headSha;
    await writeRunResults(s.workspace);
    const results = await Promise.all(
      Array.from({ length: 10 }, () => s.step({ command: 'report' })),
    );
    expect(results.map((r) => r.code)).toEqual(Array(10).fill(0));
    expect(reportComments(s.gh, s.name, s.number)).toHaveLength(1);
    const count = await s.gh
      .repo(s.name)
      .git.run(['rev-list', '--count', `${headBefore}..refs/heads/tune`]);
    expect(Number(count.trim())).toBe(1);
    const head = s.gh.pull(s.name, s.number).headSha;
    expect(s.gh.checkRuns(s.name, head).at(-1)).toMatchObject({ conclusion: 'success' });
  }, 120_000); // ten action processes at once: slow on a small shared machine

  it('reaches the same end state with 20% of requests failing', async () => {
    const clean = await pullRequestChangingParams();
    await writeRunResults(clean.workspace);
    expect((await clean.step({ command: 'report' })).code).toBe(0);

    const faulty = await pullRequestChangingParams();
    await writeRunResults(faulty.workspace);
    faulty.gh.faults.inject({
      rate: 0.2,
      seed: 7,
      git: true,
      kinds: [
        'server-error',
        'bad-gateway',
        'secondary-rate-limit',
        'too-many-requests',
        'slow',
        'lost-reply',
      ],
    });
    let result;
    try {
      result = await faulty.step({ command: 'report' });
    } finally {
      faulty.gh.faults.clear();
    }
    expect(result.stderr).not.toContain('error:');
    expect(result.code).toBe(0);
    expect(faulty.gh.log.filter((e) => e.fault).length).toBeGreaterThan(0);

    const normalize = (s: Scenario, body: string) => body.replaceAll(s.name, 'REPO');
    const [cleanComment] = reportComments(clean.gh, clean.name, clean.number);
    const faultyComments = reportComments(faulty.gh, faulty.name, faulty.number);
    expect(faultyComments).toHaveLength(1);
    expect(normalize(faulty, faultyComments[0]!.body)).toBe(normalize(clean, cleanComment!.body));
    for (const path of ['metrics/penguins.json', 'dvc.lock', 'models/penguins/README.md'])
      expect(await faulty.gh.readFile(faulty.name, 'tune', path)).toBe(
        await clean.gh.readFile(clean.name, 'tune', path),
      );
    const latest = (s: Scenario) => {
      const head = s.gh.pull(s.name, s.number).headSha;
      const run = s.gh.checkRuns(s.name, head).at(-1)!;
      return [run.name, run.conclusion, run.annotations.length];
    };
    expect(latest(faulty)).toEqual(latest(clean));
  });
});

describe('the action and pull requests from forks', () => {
  async function forkPullRequest(gh: GitHubEmulator) {
    const name = uniqueRepo();
    const files = exampleFiles();
    await gh.createRepo(name, { files });
    const fork = await gh.forkRepo(name, 'mallory');
    const params = files['params.yaml']!.replace('lr: 0.5', 'lr: 9');
    await gh.commit(fork.fullName, 'evil', { 'params.yaml': params }, { author: 'mallory' });
    const pr = await gh.openPullRequest(name, {
      head: 'mallory:evil',
      title: 'Faster',
      user: 'mallory',
    });
    return { name, fork, number: pr.number };
  }

  /** One action step on the fork's PR, with the read-only token such a PR gets. */
  async function forkStep(
    gh: GitHubEmulator,
    pr: { name: string; number: number },
    options: {
      command: string;
      runner: 'github-hosted' | 'self-hosted';
      event?: 'opened' | 'labeled' | 'synchronize';
      label?: string;
    },
  ) {
    const token = gh.issueToken('github-actions[bot]', 'read');
    const workspace = await checkoutPullRequest(gh, pr.name, pr.number, token);
    await writeRunResults(workspace);
    const payload = await gh.pullRequestPayload(pr.name, pr.number, options.event ?? 'opened', {
      label: options.label ?? 'safe-to-run',
      sender: 'maintainer',
    });
    const before = gh.log.length;
    const step = await runStep({
      action: installedAction(),
      workspace,
      gh,
      repo: pr.name,
      eventName: 'pull_request',
      payload,
      inputs: { command: options.command, 'github-token': token },
      runner: options.runner,
    });
    return { ...step, requests: gh.log.slice(before) };
  }

  it('refuses on a self-hosted runner without the opt-in label, and writes nothing', async () => {
    const gh = github();
    const pr = await forkPullRequest(gh);
    const step = await forkStep(gh, pr, { command: 'report', runner: 'self-hosted' });
    expect(step.code).toBe(1);
    expect(step.stderr).toContain(
      'error: refusing to run: a pull request from a fork runs on a self-hosted runner only with the "safe-to-run" label',
    );
    expect(step.outputs['exit-code']).toBe('1');
    expect(gh.comments(pr.name, pr.number)).toEqual([]);
    expect(gh.checkRuns(pr.name)).toEqual([]);
    expect(
      step.requests.filter((e) => e.method !== 'GET' || e.path.endsWith('receive-pack')),
    ).toEqual([]);
  });

  it('refuses to report from a fork on a GitHub-hosted runner: no comment, no check, no commit', async () => {
    const gh = github();
    const pr = await forkPullRequest(gh);
    const forkHead = await gh.branchSha(pr.fork.fullName, 'evil');
    const step = await forkStep(gh, pr, { command: 'report', runner: 'github-hosted' });
    expect(step.code).toBe(1);
    expect(step.stderr).toContain(
      `refusing to write to #${pr.number}: it comes from a fork (${pr.fork.fullName})`,
    );
    expect(step.summary).toContain('### ✅ `penguins`');
    expect(gh.comments(pr.name, pr.number)).toEqual([]);
    expect(gh.checkRuns(pr.name)).toEqual([]);
    expect(await gh.branchSha(pr.fork.fullName, 'evil')).toBe(forkHead);
    expect(step.requests).toEqual([]);
  });

  it('runs a fork PR on a self-hosted runner only when the label came after the latest push', async () => {
    const gh = github();
    const pr = await forkPullRequest(gh);
    gh.addLabel(pr.name, pr.number, 'safe-to-run', 'maintainer');
    const allowed = await forkStep(gh, pr, {
      command: 'validate',
      runner: 'self-hosted',
      event: 'labeled',
    });
    expect(allowed.stderr).toMatch(
      /fork pull request allowed: maintainer applied "safe-to-run" at \S+, after the latest push at \S+/,
    );
    expect(allowed.code).toBe(0);

    // A new push after the label: the label no longer vouches for the head.
    await gh.commit(pr.fork.fullName, 'evil', { 'x.txt': 'more\n' }, { author: 'mallory' });
    const refused = await forkStep(gh, pr, {
      command: 'validate',
      runner: 'self-hosted',
      event: 'synchronize',
    });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /"safe-to-run" was applied at \S+, before the latest push at \S+/,
    );
  });

  it('takes the opt-in label from gitops-ml.yaml on the base branch, never from the fork', async () => {
    const gh = github();
    const pr = await forkPullRequest(gh);
    const config = readFileSync(join(projectRoot, 'gitops-ml.yaml'), 'utf8');
    const relabel = `${config}forge:\n  forks:\n    label: bug\n`;
    await gh.commit(pr.fork.fullName, 'evil', { 'gitops-ml.yaml': relabel }, { author: 'mallory' });
    gh.addLabel(pr.name, pr.number, 'bug', 'triager');
    const step = await forkStep(gh, pr, {
      command: 'validate',
      runner: 'self-hosted',
      event: 'labeled',
      label: 'bug',
    });
    expect(step.code).toBe(1);
    expect(step.stderr).toContain('only with the "safe-to-run" label');
  });
});

describe('the action and hostile pull request text', () => {
  it('keeps a title, body and branch full of shell metacharacters inert', async () => {
    const hostile =
      '$(touch PWNED_TITLE) `touch PWNED_TICK`; touch PWNED_SEMI && echo $GITHUB_TOKEN | tee PWNED_TOKEN';
    const s = await pullRequestChangingParams({
      title: hostile,
      body: `${hostile}\n\n<!-- gitops-ml:report:penguins -->\n'; rm -rf ~ #\n|| curl http://127.0.0.1:9/x`,
      branch: 'tune-$(touch${IFS}PWNED_BRANCH)',
    });
    await writeRunResults(s.workspace);
    const step = await s.step({ command: 'report' });
    expect(step.code).toBe(0);
    const everywhere = [s.workspace, join(s.workspace, '..')].flatMap((d) => listFiles(d));
    expect(everywhere.filter((f) => f.includes('PWNED'))).toEqual([]);
    expect(existsSync(join(s.workspace, 'PWNED_TOKEN'))).toBe(false);
    expect(
      await s.gh.readFile(s.name, 'tune-$(touch${IFS}PWNED_BRANCH)', 'metrics/penguins.json'),
    ).toContain('0.9855');
    expect(reportComments(s.gh, s.name, s.number)).toHaveLength(1);
  });
});
