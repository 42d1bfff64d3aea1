import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gitIn, gitRepo, tempDir } from '../../test/support/temp.ts';
import { gitState } from './info.ts';

describe('gitState', () => {
  it('gives the commit and branch, and is dirty only when tracked files changed', async () => {
    const repo = gitRepo({ 'a.txt': 'a' });
    const commit = gitIn(repo, 'rev-parse', 'HEAD').trim();
    expect(await gitState(repo)).toEqual({ commit, branch: 'main', dirty: false });
    writeFileSync(join(repo, 'untracked.txt'), 'u');
    expect((await gitState(repo)).dirty).toBe(false);
    writeFileSync(join(repo, 'a.txt'), 'changed');
    expect(await gitState(repo)).toEqual({ commit, branch: 'main', dirty: true });
  });

  it('has no branch on a detached HEAD', async () => {
    const repo = gitRepo({ 'a.txt': 'a' });
    gitIn(repo, 'checkout', '-q', '--detach');
    expect(await gitState(repo)).toMatchObject({ branch: null, dirty: false });
    expect((await gitState(repo)).commit).toMatch(/^[0-9a-f]{40}$/);
  });

  it('answers nulls before the first commit and outside a repository', async () => {
    const fresh = tempDir();
    gitIn(fresh, 'init', '-q');
    writeFileSync(join(fresh, 'a.txt'), 'a');
    gitIn(fresh, 'add', 'a.txt');
    const none = { commit: null, branch: null, dirty: false };
    expect(await gitState(fresh)).toEqual(none);
    expect(await gitState(tempDir())).toEqual(none);
  });
});
