import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gitIn, gitRepo, tempDir } from '../../test/support/temp.ts';
import { worktreeFiles } from './worktree.ts';

describe('worktreeFiles', () => {
  it('lists tracked and untracked files but not ignored ones, relative to the directory', async () => {
    const repo = gitRepo({
      '.gitignore': 'data/*.bin\n',
      'a.txt': 'a',
      'ml/params.yaml': 'x: 1\n',
    });
    writeFileSync(join(repo, 'new.txt'), 'n');
    mkdirSync(join(repo, 'data'));
    writeFileSync(join(repo, 'data/big.bin'), 'b');
    gitIn(repo, 'rm', '-q', '--cached', 'a.txt');
    expect((await worktreeFiles(repo))!.sort()).toEqual([
      '.gitignore',
      'a.txt',
      'ml/params.yaml',
      'new.txt',
    ]);
    expect(await worktreeFiles(join(repo, 'ml'))).toEqual(['params.yaml']);
  });

  it('answers undefined outside a git work tree', async () => {
    expect(await worktreeFiles(tempDir())).toBeUndefined();
  });
});
