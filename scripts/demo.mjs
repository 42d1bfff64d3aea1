// npm run demo: the main job on the bundled penguins example, as far as gitops-ml goes today.
// 1. validate the example specs (pipelines/, models/, deployments/, gitops-ml.yaml, params.yaml);
// 2. show what a reviewer sees when a pull request breaks a spec.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const bin = join(root, 'bin', 'gitops-ml.js');

function step(title) {
  process.stderr.write(`\n\u001b[1m== ${title}\u001b[22m\n`);
}

function gitopsMl(cwd, ...args) {
  process.stderr.write(`$ gitops-ml ${args.join(' ')}\n`);
  return spawnSync(process.execPath, [bin, ...args], { cwd, stdio: 'inherit' }).status;
}

step('Validate the example repository (penguins classifier)');
const ok = gitopsMl(root, 'validate');
if (ok !== 0) {
  process.stderr.write(`demo: the example specs should be valid, but validate exited ${ok}\n`);
  process.exit(1);
}

step('A pull request with three mistakes in the specs');
const scratch = mkdtempSync(join(tmpdir(), 'gitops-ml-demo-'));
try {
  for (const path of [
    'gitops-ml.yaml',
    'params.yaml',
    'pipelines',
    'models',
    'deployments',
    'data',
    'examples',
    'deploy',
  ]) {
    cpSync(join(root, path), join(scratch, path), { recursive: true });
  }
  const edit = (file, from, to) => {
    const path = join(scratch, file);
    writeFileSync(path, readFileSync(path, 'utf8').replace(from, to));
  };
  edit('pipelines/penguins.yaml', '--epochs ${train.epochs}', '--epochs ${train.epoch}');
  edit('pipelines/penguins.yaml', '    outs: [data/prepared]', '    out: [data/prepared]');
  edit('models/penguins.yaml', '- { metric: accuracy, min: 0.9 }', '- { metric: acc, min: 0.9 }');
  const code = gitopsMl(scratch, 'validate');
  process.stderr.write(
    `(exit code ${code}: 2 means the specs are invalid; a workflow step fails and annotates these lines)\n`,
  );
  if (code !== 2) process.exit(1);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
