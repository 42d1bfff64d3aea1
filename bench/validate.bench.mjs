// `gitops-ml validate` on a generated repository of 200 pipelines and 200 models, and
// `gitops-ml --version`, each against bare `node -e ''` startup measured in the same run.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { commitAll, report, timeCommand } from './lib.mjs';

const PIPELINES = 200;
const MODELS = 200;

function write(root, path, text) {
  mkdirSync(join(root, path, '..'), { recursive: true });
  writeFileSync(join(root, path), text);
}

/** A repository shaped like a large real one: templated stages, shared params, models with gates. */
export function generateRepo(root) {
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  const params = ['seed: 7'];
  for (let i = 0; i < PIPELINES; i++)
    params.push(`p${i}:`, `  lr: 0.0${(i % 9) + 1}`, `  epochs: ${10 + (i % 50)}`, '  split: 0.2');
  write(root, 'params.yaml', params.join('\n') + '\n');
  write(
    root,
    'gitops-ml.yaml',
    'version: 1\ndefaults: {runner: cpu}\nrunners:\n  cpu: {runs-on: ubuntu-latest, price: {hour: 0.48}}\n  gpu: {runs-on: [self-hosted, gpu], gpu: {count: 4, type: a100}, price: {hour: 12}}\n',
  );
  for (let i = 0; i < PIPELINES; i++) {
    write(root, `data/raw${i}.csv`, 'a,b\n1,2\n');
    write(root, `src/p${i}/prepare.py`, '');
    write(root, `src/p${i}/train.py`, '');
    write(root, `src/p${i}/evaluate.py`, '');
    write(
      root,
      `pipelines/p${i}.yaml`,
      `# yaml-language-server: $schema=../schemas/pipeline.schema.json
name: p${i}
datasets:
  raw: {path: data/raw${i}.csv}
validation:
  - dataset: raw
    columns:
      a: {type: integer, nullable: false, min: 0}
      b: {type: number, max: 100}
    checks:
      - rows: {min: 1}
      - unique: [a]
stages:
  prepare:
    cmd: python src/p${i}/prepare.py --seed \${seed} --split \${p${i}.split}
    deps: [data/raw${i}.csv, src/p${i}/prepare.py]
    params: [seed, p${i}.split]
    outs: [out/p${i}/prepared]
  train:
    cmd: python src/p${i}/train.py --lr \${p${i}.lr} --epochs \${p${i}.epochs}
    deps: [out/p${i}/prepared, src/p${i}/train.py]
    params: [p${i}.lr, p${i}.epochs]
    outs: [out/p${i}/model.bin]
    resources: {gpu: ${i % 3}, timeout: 2h}
    runner: ${i % 3 ? 'gpu' : 'cpu'}
  evaluate:
    foreach: [val, test]
    do:
      cmd: python src/p${i}/evaluate.py --split \${item}
      deps: [out/p${i}/model.bin, out/p${i}/prepared, src/p${i}/evaluate.py]
      metrics:
        - out/p${i}/metrics-\${item}.json: {cache: false}
`,
    );
  }
  for (let i = 0; i < MODELS; i++) {
    write(
      root,
      `models/m${i}.yaml`,
      `name: model-${i}
pipeline: p${i % PIPELINES}
artifact: out/p${i % PIPELINES}/model.bin
owners: ["@acme/team-${i % 7}"]
metrics:
  file: out/p${i % PIPELINES}/metrics-test.json
  primary: accuracy
  goal: maximize
  tracked: {f1: maximize, loss: minimize}
gates:
  - {metric: accuracy, min: 0.8}
  - {metric: f1, notWorseThan: production, tolerance: 0.02}
environments:
  staging: {approvals: 1, auto: true}
  production: {approvals: 2, after: staging}
`,
    );
  }
  const state = ['models:'];
  for (let i = 0; i < MODELS; i += 2) {
    state.push(
      `  model-${i}:`,
      `    version: v1.${i}.0`,
      `    commit: ${'0123456789abcdef'.repeat(3).slice(0, 40)}`,
      `    artifact: {path: out/p${i % PIPELINES}/model.bin, md5: ${'ab'.repeat(16)}, size: 1024}`,
    );
  }
  write(root, 'deployments/production.yaml', state.join('\n') + '\n');
  write(root, 'deployments/staging.yaml', state.join('\n') + '\n');
  commitAll(root);
}

export function run({ root }) {
  const repo = join(root, '.bench', 'validate-repo');
  generateRepo(repo);
  const bin = join(root, 'bin', 'gitops-ml.js');
  const node = process.execPath;
  const bare = timeCommand([node, '-e', '']);
  const versionTime = timeCommand([node, bin, '--version']);
  const validateTime = timeCommand([node, bin, 'validate', '-C', repo], { runs: 9 });
  console.log(
    `\nvalidate: ${PIPELINES} pipelines (${PIPELINES * 4} stages), ${MODELS} models, 2 deployments; medians of repeated runs`,
  );
  return [
    report({
      name: 'gitops-ml --version',
      value: versionTime.median,
      baseline: bare.median,
      baselineName: "node -e ''",
      target: '<= 2x',
      pass: versionTime.median <= 2 * bare.median,
    }),
    report({
      name: 'gitops-ml validate (whole process)',
      value: validateTime.median,
      baseline: bare.median,
      baselineName: "node -e ''",
      target: '<= 1000 ms',
      pass: validateTime.median <= 1000,
    }),
  ];
}
