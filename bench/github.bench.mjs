// GitHub API requests used by one `gitops-ml report` on a pull request with 60 comments, counted
// from the emulator's request log (target: at most 5), and its wall time next to bare node.
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { report, timeCommand } from './lib.mjs';

const COMMENTS = 60;

function run(cmd, args, options) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c) => (err += c));
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')}: ${code} ${err}`)),
    );
  });
}

function count(name, value, baseline, baselineName, target, pass) {
  console.log(
    `${name.padEnd(44)} ${String(value).padStart(10)}   ${baselineName} ${String(baseline).padStart(9)}   ratio ${(value / baseline).toFixed(2)}x   target ${target}${pass ? '  ok' : '  MISSED'}`,
  );
  return { name, value, baseline, ratio: value / baseline, pass };
}

export async function run_({ root }) {
  const dir = join(root, '.bench', 'github');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  await build({
    entryPoints: [join(root, 'bench/github-setup.ts')],
    outfile: join(dir, 'setup.mjs'),
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    define: { __GITOPS_ML_VERSION__: '"bench"' },
    logLevel: 'warning',
  });
  const setup = await import(join(dir, 'setup.mjs'));
  const { gh, payload, token } = await setup.pullRequestWithComments(root, COMMENTS);
  const results = [];
  try {
    const workspace = join(dir, 'workspace');
    const auth = {
      ...process.env,
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: 'http.extraheader',
      GIT_CONFIG_VALUE_0: `AUTHORIZATION: basic ${setup.basicCredential(token)}`,
    };
    await run(
      'git',
      ['clone', '-q', '--branch', 'tune', `${gh.serverUrl}/acme/ml.git`, workspace],
      { env: auth },
    );
    const event = join(dir, 'event.json');
    writeFileSync(event, JSON.stringify(payload));
    const env = {
      PATH: process.env.PATH,
      HOME: dir,
      GITHUB_TOKEN: token,
      GITHUB_REPOSITORY: 'acme/ml',
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: event,
      GITHUB_API_URL: gh.apiUrl,
      GITHUB_SERVER_URL: gh.serverUrl,
    };
    const results_ = async (accuracy) => {
      mkdirSync(join(workspace, 'metrics'), { recursive: true });
      writeFileSync(join(workspace, 'metrics/penguins.json'), JSON.stringify({ accuracy }) + '\n');
      const model = setup.penguinsReport();
      model.metrics.rows[1].value = accuracy;
      await setup.writeReportModel(workspace, { ...model, files: ['metrics/penguins.json'] });
    };
    const once = async (args) => {
      const since = gh.log.length;
      const start = process.hrtime.bigint();
      await run(process.execPath, [join(root, 'bin/gitops-ml.js'), 'report', ...args], {
        cwd: workspace,
        env,
      });
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      const entries = gh.log.slice(since);
      return {
        ms,
        rest: entries.filter((e) => e.kind === 'rest'),
        git: entries.filter((e) => e.kind === 'git').length,
        gitPaths: entries
          .filter((e) => e.kind === 'git')
          .map((e) => `${e.method} ${e.path.split('.git')[1]}`),
      };
    };
    await results_(0.9855);
    const first = await once([]);
    await results_(0.9913);
    const rerun = await once([]);
    const noCommit = await once(['--no-commit']);
    const bare = timeCommand([process.execPath, '-e', ''], { runs: 5 });
    console.log(
      `\nreport on a pull request with ${COMMENTS} comments (REST requests from the emulator log; git HTTP requests apart)`,
    );
    console.log(
      `  first run:  ${first.rest.map((e) => `${e.method} ${e.route}`).join(', ')}; git ${first.git}`,
    );
    console.log(
      `  re-run:     ${rerun.rest.map((e) => `${e.method} ${e.route}`).join(', ')}; git ${rerun.git}`,
    );
    console.log(`  git:        ${rerun.gitPaths.join(', ')}`);
    results.push(
      count(
        'API requests, first report (creates)',
        first.rest.length,
        5,
        'target',
        '<= 5',
        first.rest.length <= 5,
      ),
      count(
        'API requests, re-run (edits in place)',
        rerun.rest.length,
        5,
        'target',
        '<= 5',
        rerun.rest.length <= 5,
      ),
      count('git HTTP requests for the commit-back', rerun.git, 4, 'fetch+push', '(info)', true),
      report({
        name: 'report, first run (wall, incl. commit-back)',
        value: first.ms,
        baseline: bare.median,
        baselineName: "node -e ''",
        target: '(info: writes are paced 1 s apart)',
      }),
      report({
        name: 'report --no-commit (comment + check run)',
        value: noCommit.ms,
        baseline: bare.median,
        baselineName: "node -e ''",
        target: '(info)',
      }),
    );
  } finally {
    await gh.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}

export { run_ as run };
