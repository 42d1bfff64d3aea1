import { describe, expect, it } from 'vitest';
import { baseRepo } from '../../test/support/memory-repo.ts';
import { tempDir, writeFiles } from '../../test/support/temp.ts';
import { nodeRepoReader } from './node-reader.ts';
import { validateRepo } from './validate.ts';

describe('nodeRepoReader outside git', () => {
  it('counts every file on disk except .git, .dvc and node_modules', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      ...baseRepo(),
      'node_modules/x/index.js': '',
      '.dvc/cache/files/md5/ab/cd': '',
    });
    const files = await nodeRepoReader(dir).worktreeFiles();
    expect(files.sort()).toEqual([
      'data/raw.csv',
      'models/m.yaml',
      'params.yaml',
      'pipelines/p.yaml',
      'prep.mjs',
      'train.mjs',
    ]);
    expect((await validateRepo(nodeRepoReader(dir))).valid).toBe(true);
  });

  it('reads a missing file as undefined and a missing directory as empty', async () => {
    const reader = nodeRepoReader(tempDir());
    expect(await reader.readText('nope.yaml')).toBeUndefined();
    expect(await reader.listFiles('pipelines')).toEqual([]);
  });
});
