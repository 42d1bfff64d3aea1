import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureIo } from '../../../test/support/io.ts';
import { baseRepo } from '../../../test/support/memory-repo.ts';
import { gitIn, gitRepo } from '../../../test/support/temp.ts';
import { main } from '../main.ts';

function repoWithHistory(): string {
  const repo = gitRepo({
    ...baseRepo(),
    'metrics.json': '{"accuracy": 0.8, "loss": 1.0, "n": 100}\n',
  });
  writeFileSync(join(repo, 'params.yaml'), 'seed: 1\ntrain:\n  lr: 0.2\n  epochs: 10\n');
  writeFileSync(
    join(repo, 'metrics.json'),
    '{"accuracy": 0.9, "loss": 0.75, "n": 100, "f1": 0.85}\n',
  );
  gitIn(repo, 'commit', '-qam', 'tune');
  writeFileSync(join(repo, 'metrics.json'), '{"accuracy": 0.93, "loss": 0.5, "n": 120}\n');
  return repo;
}

async function run(repo: string, ...args: string[]) {
  const io = captureIo(repo);
  const code = await main(args, io);
  return { code, out: io.out(), err: io.err() };
}

describe('gitops-ml metrics diff / params diff', () => {
  it('compares HEAD with the workspace by default', async () => {
    const r = await run(repoWithHistory(), 'metrics', 'diff');
    expect(r.code).toBe(0);
    expect(r.err).toBe(
      [
        'Path          Metric    HEAD    workspace    Change',
        'metrics.json  accuracy  0.9     0.93         0.03',
        'metrics.json  f1        0.85    -            -',
        'metrics.json  loss      0.75    0.5          -0.25',
        'metrics.json  n         100     120          20',
        '',
      ].join('\n'),
    );
    expect(r.out).toBe('');
  });

  it('compares two commits, as JSON (floats as Python writes them) and Markdown', async () => {
    const repo = repoWithHistory();
    const json = await run(repo, 'metrics', 'diff', 'HEAD~1', 'HEAD', '--json');
    expect(JSON.parse(json.out)).toEqual({
      'metrics.json': {
        accuracy: { old: 0.8, new: 0.9, diff: 0.09999999999999998 },
        f1: { old: null, new: 0.85 },
        loss: { old: 1, new: 0.75, diff: -0.25 },
      },
    });
    expect(json.out).toContain('"old": 1.0');
    const md = await run(repo, 'metrics', 'diff', 'HEAD~1', 'HEAD', '--md', '--no-path');
    expect(md.out).toBe(
      [
        '| Metric   | HEAD~1   | HEAD   | Change   |',
        '|----------|----------|--------|----------|',
        '| accuracy | 0.8      | 0.9    | 0.1      |',
        '| f1       | -        | 0.85   | -        |',
        '| loss     | 1.0      | 0.75   | -0.25    |',
        '',
        '',
      ].join('\n'),
    );
  });

  it('compares params, all keys of the params file or only stage dependencies', async () => {
    const repo = repoWithHistory();
    const all = await run(repo, 'params', 'diff', 'HEAD~1', '--all', '--md');
    expect(all.out).toBe(
      [
        '| Path        | Param        | HEAD~1   | workspace   |',
        '|-------------|--------------|----------|-------------|',
        '| params.yaml | seed         | 1        | 1           |',
        '| params.yaml | train.epochs | 10       | 10          |',
        '| params.yaml | train.lr     | 0.1      | 0.2         |',
        '',
        '',
      ].join('\n'),
    );
    const deps = await run(repo, 'params', 'diff', 'HEAD~1', '--json');
    expect(JSON.parse(deps.out)).toEqual({
      'params.yaml': { 'train.lr': { old: 0.1, new: 0.2, diff: 0.1 } },
    });
  });

  it('refuses an unknown revision with exit 2', async () => {
    const r = await run(repoWithHistory(), 'metrics', 'diff', 'no-such-branch');
    expect(r.code).toBe(2);
    expect(r.err).toContain('error: unknown revision "no-such-branch"');
  });
});
