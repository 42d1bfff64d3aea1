import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gitIn, gitRepo } from '../../test/support/temp.ts';
import { resolveRevision, revisionReader } from './revision.ts';

describe('revisionReader', () => {
  it('reads files and listings as they were at a commit, relative to a subdirectory', async () => {
    const repo = gitRepo({
      'ml/params.yaml': 'lr: 1\n',
      'ml/pipelines/a.yaml': 'stages: {}\n',
      'top.txt': 't',
    });
    const first = await resolveRevision(repo, 'HEAD');
    writeFileSync(join(repo, 'ml/params.yaml'), 'lr: 2\n');
    mkdirSync(join(repo, 'ml/models'));
    writeFileSync(join(repo, 'ml/models/m.yaml'), 'name: m\n');
    gitIn(repo, 'add', '-A');
    gitIn(repo, 'commit', '-q', '-m', 'second');
    const reader = await revisionReader(join(repo, 'ml'), first);
    try {
      expect(await reader.readText('params.yaml')).toBe('lr: 1\n');
      expect(await reader.readText('models/m.yaml')).toBeUndefined();
      expect(await reader.listFiles('pipelines')).toEqual(['a.yaml']);
      expect((await reader.worktreeFiles()).sort()).toEqual(['params.yaml', 'pipelines/a.yaml']);
      const many = await Promise.all(
        Array.from({ length: 50 }, () => reader.readText('params.yaml')),
      );
      expect(new Set(many)).toEqual(new Set(['lr: 1\n']));
    } finally {
      reader.close();
    }
  });

  it('refuses a revision that names nothing', async () => {
    const repo = gitRepo({ a: 'a' });
    await expect(resolveRevision(repo, 'nope')).rejects.toThrow('unknown revision "nope"');
    await expect(resolveRevision(repo, '--output=x')).rejects.toThrow('is not a revision');
  });
});
