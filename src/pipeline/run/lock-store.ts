import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatLock, parseLock, type Lock, type LockStage } from '../../data/index.ts';
import { writeFileAtomic } from '../../data/atomic.ts';
import type { LockedStage } from '../status.ts';
import { lockPathFor, type LockFiles } from './lockfiles.ts';

/** Locks in dvc.lock format (schema 2.0), written in DVC's layout and key order, atomically. */
export function lockFiles(root: string): LockFiles {
  const loaded = new Map<string, Lock>();
  const load = async (specFile: string): Promise<Lock> => {
    const cached = loaded.get(specFile);
    if (cached) return cached;
    const path = lockPathFor(specFile);
    let lock: Lock = { stages: {} };
    try {
      lock = parseLock(await readFile(join(root, path), 'utf8'), path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    loaded.set(specFile, lock);
    return lock;
  };
  return {
    async read(specFile) {
      return new Map(Object.entries((await load(specFile)).stages) as [string, LockedStage][]);
    },
    async update(specFile, stage, entry) {
      const lock = await load(specFile);
      // Values come from the params files through the data layer, so they are YAML values.
      lock.stages[stage] = entry as LockStage;
      await writeFileAtomic(join(root, lockPathFor(specFile)), formatLock(lock));
    },
  };
}
