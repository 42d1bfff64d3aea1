import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ValidationReport } from '../../src/validation/results.ts';
import { gitRepo, projectRoot } from '../support/temp.ts';

const bin = join(projectRoot, 'bin/gitops-ml.js');

function run(cwd: string, args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Every file of the example repository in this checkout (specs, data, stage scripts). */
function exampleFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  const add = (rel: string) => {
    const abs = join(projectRoot, rel);
    if (statSync(abs).isDirectory()) for (const name of readdirSync(abs)) add(`${rel}/${name}`);
    else files[rel] = readFileSync(abs, 'utf8');
  };
  for (const p of [
    'gitops-ml.yaml',
    'params.yaml',
    'pipelines',
    'models',
    'deployments',
    'data/penguins.json',
    'examples/penguins',
  ])
    add(p);
  return files;
}

describe('gitops-ml data validate on the penguins example', () => {
  it('warns about the one "." in Sex, on its spec line, and exits 0', () => {
    const repo = gitRepo(exampleFiles());
    const r = run(repo, ['data', 'validate', 'penguins:raw']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      '! Sex · in                        1 of 334 values of Sex (0.30%) are not in the allowed set, e.g. "."\n    pipelines/penguins.yaml:20:14\n',
    );
    expect(r.stderr).toMatch(/1 dataset: 28 passed, 1 warning \(\d+ queries\)\n$/);
    const actions = run(repo, ['data', 'validate', 'penguins:raw'], {
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: repo,
    });
    expect(actions.stdout.trim().split('\n')).toEqual([
      '::warning file=pipelines/penguins.yaml,line=20,endLine=20,col=14,endColumn=16,title=gitops-ml data validate::raw: Sex · in: 1 of 334 values of Sex (0.30%25) are not in the allowed set, e.g. "."',
    ]);
  });

  it('says which stage makes the prepared data, then checks test against train for drift', () => {
    const repo = gitRepo(exampleFiles());
    const before = run(repo, ['data', 'validate', 'penguins:test']);
    expect(before.code).toBe(3);
    expect(before.stderr).toContain(
      '✗ data/prepared/test.csv does not exist yet: stage "prepare" of pipeline "penguins" produces it\n    hint: run `gitops-ml run penguins --stage prepare` first\n',
    );
    const prepare = spawnSync(process.execPath, ['examples/penguins/prepare.mjs'], {
      cwd: repo,
      encoding: 'utf8',
    });
    expect(prepare.status).toBe(0);
    const after = run(repo, ['data', 'validate', 'penguins', '--json']);
    expect(after.code).toBe(0);
    const report = JSON.parse(after.stdout) as ValidationReport;
    expect(report.status).toBe('warn');
    const test = report.datasets.find((d) => d.dataset === 'test')!;
    expect(test.source!.rows).toBe(86);
    expect(test.source!.dialect!.delimiter).toBe(',');
    const drift = test.drift!;
    expect(drift.reference).toBe('data/prepared/train.csv');
    expect(drift.columns.map((c) => [c.column, c.method])).toEqual([
      ['Species', 'chisquare'],
      ['Island', 'chisquare'],
      ['Beak Length (mm)', 'ks'],
      ['Beak Depth (mm)', 'ks'],
      ['Flipper Length (mm)', 'ks'],
      ['Body Mass (g)', 'ks'],
      ['Sex', 'chisquare'],
    ]);
    // A stratified split: the species shares match almost exactly.
    expect(drift.columns[0]!.score).toBeGreaterThan(0.99);
    expect(drift.columns.filter((c) => c.drifted)).toEqual([]);
    expect(drift.datasetDrift).toBe(false);
  });
});

describe('gitops-ml data validate exit codes', () => {
  const spec = (suite: string) => `name: shop
datasets:
  orders: {path: data/orders.csv}
validation:
  - dataset: orders
${suite}
stages:
  noop: {cmd: "true"}
`;
  const orders = 'id,amount\n1,10.5\n2,20\n3,-4\n';

  it('exits 1 when a check with severity error fails', () => {
    const repo = gitRepo({
      'pipelines/shop.yaml': spec('    columns:\n      amount: {min: 0}'),
      'data/orders.csv': orders,
    });
    const r = run(repo, ['data', 'validate', 'shop']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      '✗ amount · min  1 of 3 values of amount (33.3%) are below 0, e.g. -4\n    pipelines/shop.yaml:7:21\n',
    );
  });

  it('exits 2 when the suite is wrong: a regex RE2 cannot run, a query that does not bind', () => {
    const repo = gitRepo({
      'pipelines/shop.yaml': spec(
        '    columns:\n      id: {regex: "^(?=1)"}\n    checks:\n      - sql: select * from data where nope > 1',
      ),
      'data/orders.csv': orders,
    });
    const r = run(repo, ['data', 'validate', 'shop', '--json']);
    expect(r.code).toBe(2);
    const report = JSON.parse(r.stdout) as ValidationReport;
    const errors = report.datasets[0]!.checks.filter((c) => c.status === 'error');
    expect(errors.map((c) => c.id)).toEqual(['columns.id.regex', 'checks.0.sql']);
    expect(errors[0]!.message).toMatch(/^regex \^\(\?=1\) is not valid RE2 \(DuckDB's syntax\): /);
    expect(errors[1]!.message).toMatch(/Binder Error: Referenced column "nope" not found/);
  });

  it('exits 2 on a spec error in the pipeline, before reading any data', () => {
    const repo = gitRepo({
      'pipelines/shop.yaml': spec('    columns:\n      amount: {minimum: 0}'),
      'data/orders.csv': orders,
    });
    const r = run(repo, ['data', 'validate', 'shop']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('pipelines/shop.yaml:7:16: error: unknown key "minimum"');
    expect(r.stderr).not.toContain('shop:orders');
  });

  it('exits 3 with the reason when a file cannot be read', () => {
    const repo = gitRepo({
      'pipelines/shop.yaml': spec('    checks:\n      - rows: {min: 1}').replace(
        'orders.csv',
        'orders.parquet',
      ),
      'data/orders.parquet': 'this is not parquet\n',
    });
    const r = run(repo, ['data', 'validate', 'shop']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/✗ cannot read data\/orders\.parquet: .*parquet/i);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it('says which data pull or checkout brings DVC-tracked data into the workspace', () => {
    const md5 = '0123456789abcdef0123456789abcdef';
    const repo = gitRepo({
      'pipelines/shop.yaml': spec('    checks:\n      - rows: {min: 1}'),
      'data/orders.csv.dvc': `outs:\n- md5: ${md5}\n  size: 30\n  hash: md5\n  path: orders.csv\n`,
    });
    const pull = run(repo, ['data', 'validate', 'shop']);
    expect(pull.code).toBe(3);
    expect(pull.stderr).toContain(
      '✗ data/orders.csv is tracked by data/orders.csv.dvc but is not in the workspace\n    hint: run `gitops-ml data pull data/orders.csv.dvc` to fetch it from the remote, then validate again\n',
    );
    mkdirSync(join(repo, '.dvc/cache/files/md5/01'), { recursive: true });
    writeFileSync(join(repo, '.dvc/cache/files/md5/01', md5.slice(2)), orders);
    const checkout = run(repo, ['data', 'validate', 'shop']);
    expect(checkout.stderr).toContain(
      'hint: run `gitops-ml data checkout data/orders.csv.dvc`, then validate again',
    );
  });

  it('finds the data in the cache .dvc/config names (cache.dir, relative to .dvc as in DVC)', () => {
    const md5 = '0123456789abcdef0123456789abcdef';
    const repo = gitRepo({
      'pipelines/shop.yaml': spec('    checks:\n      - rows: {min: 1}'),
      'data/orders.csv.dvc': `outs:\n- md5: ${md5}\n  size: 30\n  hash: md5\n  path: orders.csv\n`,
      '.dvc/config': '[cache]\n    dir = ../cache-elsewhere\n',
    });
    const shared = join(repo, 'cache-elsewhere/files/md5/01');
    mkdirSync(shared, { recursive: true });
    writeFileSync(join(shared, md5.slice(2)), orders);
    const r = run(repo, ['data', 'validate', 'shop']);
    expect(r.stderr).toContain(
      'hint: run `gitops-ml data checkout data/orders.csv.dvc`, then validate again',
    );
  });

  it('reads several files as one dataset through a glob, and names the dataset it was asked for', () => {
    const repo = gitRepo({
      'pipelines/shop.yaml': spec(
        '    checks:\n      - rows: {min: 5}\n      - unique: id',
      ).replace('data/orders.csv', '"data/orders/*.csv"'),
      'data/orders/2024-01.csv': orders,
      'data/orders/2024-02.csv': 'id,amount\n4,1\n5,2\n',
    });
    const r = run(repo, ['data', 'validate', 'shop:orders', '--json']);
    expect(r.code).toBe(0);
    const d = (JSON.parse(r.stdout) as ValidationReport).datasets[0]!;
    expect(d.source!.files).toEqual(['data/orders/2024-01.csv', 'data/orders/2024-02.csv']);
    expect(d.source!.rows).toBe(5);
    const unknown = run(repo, ['data', 'validate', 'shop:order']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(
      'error: pipeline "shop" has no validation suite for dataset "order" (did you mean "orders"?)',
    );
  });
});

describe('gitops-ml data profile', () => {
  it('prints a table, writes a baseline atomically with --out, and suggests a suite', () => {
    const repo = gitRepo(exampleFiles());
    const table = run(repo, ['data', 'profile', 'data/penguins.json']);
    expect(table.code).toBe(0);
    expect(table.stderr).toContain('data/penguins.json (json, 344 rows)');
    expect(table.stderr).toMatch(
      /\nSex +VARCHAR +10 \(2\.9%\) +~3 +\. +MALE +MALE 168, FEMALE 165, \. 1\n/,
    );
    const out = run(repo, [
      'data',
      'profile',
      'data/penguins.json',
      '--out',
      'data/penguins.profile.json',
    ]);
    expect(out.code).toBe(0);
    const baseline = JSON.parse(readFileSync(join(repo, 'data/penguins.profile.json'), 'utf8')) as {
      rows: number;
    };
    expect(baseline.rows).toBe(344);
    expect(readdirSync(join(repo, 'data')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const again = run(repo, ['data', 'profile', 'data/penguins.json', '--json']);
    expect(again.stdout).toBe(readFileSync(join(repo, 'data/penguins.profile.json'), 'utf8'));
    const suggest = run(repo, [
      'data',
      'profile',
      'data/penguins.json',
      '--suggest',
      '--name',
      'raw',
    ]);
    expect(suggest.stdout).toContain(
      '      Sex: {type: string, nullable: 0.06, in: [., FEMALE, MALE]}\n',
    );
    const missing = run(repo, ['data', 'profile', 'data/nope.csv']);
    expect([missing.code, missing.stderr]).toEqual([
      2,
      'error: data/nope.csv does not exist\nhint: commit the file, track it with `gitops-ml data add`, or fix the dataset path in the pipeline spec\n',
    ]);
  });
});
