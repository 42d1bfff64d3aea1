// npm run demo: the main job on the bundled penguins example, end to end, in a scratch repository.
// 1. validate the example specs (pipelines/, models/, deployments/, gitops-ml.yaml, params.yaml);
// 2. run the penguins pipeline: validate raw data → prepare → validate the split → train → evaluate;
// 3. run it again: everything is up to date;
// 4. change a hyperparameter as a pull request would, run again: only train and evaluate run;
//    metrics and params diff against the last commit, and the PR comment `report` would post;
// 5. sweep the learning rate and L2 as the pipeline's `sweep:` says; the best trial is applied;
// 6. what a reviewer sees when a pull request breaks a spec.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const bin = join(root, 'bin', 'gitops-ml.js');
const EXAMPLE = [
  'gitops-ml.yaml',
  'params.yaml',
  'pipelines',
  'models',
  'deployments',
  'data',
  'examples',
  'deploy',
  '.gitignore',
];

function step(title) {
  process.stderr.write(`\n\u001b[1m== ${title}\u001b[22m\n`);
}

function gitopsMl(cwd, ...args) {
  process.stderr.write(`$ gitops-ml ${args.join(' ')}\n`);
  return spawnSync(process.execPath, [bin, ...args], { cwd, stdio: 'inherit' }).status;
}

function expectCode(code, wanted, what) {
  if (code === wanted) return;
  process.stderr.write(`demo: ${what} should exit ${wanted}, but exited ${code}\n`);
  process.exit(1);
}

function git(cwd, ...args) {
  const r = spawnSync('git', ['-c', 'init.defaultBranch=main', ...args], {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'demo',
      GIT_AUTHOR_EMAIL: 'demo@example.com',
      GIT_COMMITTER_NAME: 'demo',
      GIT_COMMITTER_EMAIL: 'demo@example.com',
    },
  });
  if (r.status !== 0) {
    process.stderr.write(`demo: git ${args.join(' ')} failed: ${r.stderr}`);
    process.exit(1);
  }
}

/** A fresh git repository holding the example, so the demo never touches this checkout. */
function exampleRepo() {
  const dir = mkdtempSync(join(tmpdir(), 'gitops-ml-demo-'));
  for (const path of EXAMPLE) cpSync(join(root, path), join(dir, path), { recursive: true });
  rmSync(join(dir, 'pipelines/digits-gpu.yaml'), { force: true }); // needs a GPU runner
  git(dir, 'init', '-q');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'The penguins example');
  return dir;
}

const edit = (dir, file, from, to) => {
  const path = join(dir, file);
  writeFileSync(path, readFileSync(path, 'utf8').replace(from, to));
};

step('Validate the example repository (penguins classifier)');
expectCode(gitopsMl(root, 'validate'), 0, 'validate on the example');

const repo = exampleRepo();
try {
  step('Run the penguins pipeline: data checks, prepare, train, evaluate (CPU, Node)');
  expectCode(gitopsMl(repo, 'run', 'penguins'), 0, 'the first run');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'Results of the first run');

  step('Run it again: nothing changed, nothing runs');
  expectCode(gitopsMl(repo, 'run', 'penguins'), 0, 'the cached run');

  step('A pull request lowers the learning rate: only the stages it affects run');
  edit(repo, 'params.yaml', 'lr: 0.5', 'lr: 0.05');
  expectCode(gitopsMl(repo, 'run', 'penguins'), 0, 'the run after a params change');
  expectCode(gitopsMl(repo, 'params', 'diff'), 0, 'params diff');
  expectCode(gitopsMl(repo, 'metrics', 'diff'), 0, 'metrics diff');

  step('The pull request comment `gitops-ml report` posts (rendered here, not posted)');
  expectCode(gitopsMl(repo, 'report'), 0, 'report');

  step('A sweep over the learning rate and L2 (grid of 6): leaderboard, best trial applied');
  expectCode(gitopsMl(repo, 'run', 'penguins', '--sweep'), 0, 'the sweep');

  step('A pull request with three mistakes in the specs');
  edit(repo, 'pipelines/penguins.yaml', '--epochs ${train.epochs}', '--epochs ${train.epoch}');
  edit(repo, 'pipelines/penguins.yaml', '    outs: [data/prepared]', '    out: [data/prepared]');
  edit(
    repo,
    'models/penguins.yaml',
    '- { metric: accuracy, min: 0.9 }',
    '- { metric: acc, min: 0.9 }',
  );
  const code = gitopsMl(repo, 'validate');
  process.stderr.write(
    `(exit code ${code}: 2 means the specs are invalid; a workflow step fails and annotates these lines)\n`,
  );
  expectCode(code, 2, 'validate on broken specs');
} finally {
  rmSync(repo, { recursive: true, force: true });
}
