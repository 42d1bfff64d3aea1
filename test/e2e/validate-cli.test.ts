import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cloneOf, gitRepo, projectRoot } from '../support/temp.ts';

const bin = join(projectRoot, 'bin/gitops-ml.js');

function run(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd,
    encoding: 'utf8',
    env: { PATH: process.env.PATH },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('gitops-ml validate, as a user runs it in a fresh clone', () => {
  it('prints file:line:col for every error of a broken repository, exits 2, no stack trace', () => {
    const clone = cloneOf(gitRepo({}, join(projectRoot, 'test/fixtures/broken-repo')));
    const { code, stdout, stderr } = run(clone, 'validate');
    expect(code).toBe(2);
    expect(stdout).toBe('');
    const heads = stderr.split('\n').filter((l) => /^\S+:\d+:\d+: (error|warning): /.test(l));
    expect(heads).toEqual([
      'deployments/production.yaml:3:14: error: expected a string, got 1.0',
      'gitops-ml.yaml:5:5: error: unknown key "gpus" (did you mean "gpu"?)',
      'models/churn.yaml:3:11: error: artifact "model/churn.onnx" is not an output of any stage of pipeline "churn"; its outputs: data/features, model/churn.pkl',
      'models/churn.yaml:7:14: error: gate metric "recall" is not declared: add it to "metrics.tracked"',
      'pipelines/churn.yaml:7:56: error: ${train.epoch}: "epoch" is not a key of "train" (did you mean "epochs"?)',
      'pipelines/churn.yaml:9:24: error: param "train.batch" is not in params.yaml',
    ]);
    expect(stderr).toContain('✗ 6 errors in 4 files');
    expect(stderr).not.toMatch(/^\s+at /m);
  });

  it('exits 0 on the example repository and prints the version fast path', () => {
    expect(run(projectRoot, 'validate').code).toBe(0);
    const v = run(projectRoot, '--version');
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});
