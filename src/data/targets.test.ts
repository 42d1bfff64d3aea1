import { describe, expect, it } from 'vitest';
import { gitIn, tempDir, writeFiles } from '../../test/support/temp.ts';
import { SpecError } from '../errors.ts';
import { loadDataConfig } from './config.ts';
import { StateCache, stateDirOf } from './state.ts';
import { listTracked } from './targets.ts';

const dvcFile = (md5: string, path = 'data.csv') =>
  `outs:\n- md5: ${md5}\n  size: 3\n  hash: md5\n  path: ${path}\n`;
const lock = (md5: string) =>
  `schema: '2.0'\nstages:\n  train:\n    cmd: python train.py\n    outs:\n    - path: model.bin\n      hash: md5\n      md5: ${md5}\n      size: 1\n`;

/** A state cache as a later process sees it: what the previous one saved, read back. */
async function nextProcess(root: string, state: StateCache): Promise<StateCache> {
  await state.save();
  return StateCache.load(stateDirOf(root));
}

describe('listing tracked outputs through the state cache', () => {
  it('answers an unchanged repository from the memo and re-reads any file that changed', async () => {
    const root = tempDir();
    gitIn(root, 'init', '-q');
    writeFiles(root, {
      'data.csv.dvc': dvcFile('acbd18db4cc2f85cedef654fccc4a4d8'),
      'dvc.lock': lock('37b51d194a7513e45b56f6524f2d51f2'),
      'pipelines/train.yaml': 'stages:\n  train:\n    outs:\n    - model.bin: {cache: false}\n',
    });
    let state = StateCache.load(stateDirOf(root));
    const first = await listTracked(root, state);
    expect(first.map((t) => [t.path, t.md5, t.cache])).toEqual([
      ['data.csv', 'acbd18db4cc2f85cedef654fccc4a4d8', true],
      ['model.bin', '37b51d194a7513e45b56f6524f2d51f2', false],
    ]);
    state = await nextProcess(root, state);
    expect(await listTracked(root, state)).toEqual(first);

    // Each source counts: the .dvc file, the lock, the spec that says `cache: false`, a new file.
    writeFiles(root, { 'data.csv.dvc': dvcFile('d3b07384d113edec49eaa6238ad5ff00') });
    expect((await listTracked(root, state))[0]!.md5).toBe('d3b07384d113edec49eaa6238ad5ff00');
    writeFiles(root, { 'dvc.lock': lock('c157a79031e1c40f85931829bc5fc552') });
    expect((await listTracked(root, state))[1]!.md5).toBe('c157a79031e1c40f85931829bc5fc552');
    writeFiles(root, { 'pipelines/train.yaml': 'stages:\n  train:\n    outs: [model.bin]\n' });
    expect((await listTracked(root, state))[1]!.cache).toBe(true);
    writeFiles(root, { 'more.dvc': dvcFile('acbd18db4cc2f85cedef654fccc4a4d8', 'more') });
    expect((await listTracked(root, state)).map((t) => t.path)).toEqual([
      'data.csv',
      'more',
      'model.bin',
    ]);
  });

  it('never remembers a file that does not parse: the error comes back every time', async () => {
    const root = tempDir();
    gitIn(root, 'init', '-q');
    writeFiles(root, { 'data.csv.dvc': 'outs:\n- md5: 1\n  bogus: true\n  path: data.csv\n' });
    let state = StateCache.load(stateDirOf(root));
    await expect(listTracked(root, state)).rejects.toBeInstanceOf(SpecError);
    state = await nextProcess(root, state);
    await expect(listTracked(root, state)).rejects.toMatchObject({
      diagnostics: [{ file: 'data.csv.dvc', span: { line: 3 } }],
    });
  });

  it('remembers gitops-ml.yaml data settings by its text, and reports a broken file', async () => {
    const root = tempDir();
    writeFiles(root, {
      'gitops-ml.yaml': 'remotes:\n  a: {url: s3://one/x}\ndefaults: {remote: a}\n',
    });
    let state = StateCache.load(stateDirOf(root));
    expect((await loadDataConfig(root, state)).remotes.get('a')?.url).toBe('s3://one/x');
    state = await nextProcess(root, state);
    expect((await loadDataConfig(root, state)).defaultRemote).toBe('a');
    writeFiles(root, {
      'gitops-ml.yaml': 'remotes:\n  a: {url: s3://two/y}\ndefaults: {remote: a}\n',
    });
    expect((await loadDataConfig(root, state)).remotes.get('a')?.url).toBe('s3://two/y');
    writeFiles(root, { 'gitops-ml.yaml': 'remotes:\n  a: {url: 3}\n' });
    await expect(loadDataConfig(root, state)).rejects.toMatchObject({
      diagnostics: [{ file: 'gitops-ml.yaml', span: { line: 2 } }],
    });
  });
});
