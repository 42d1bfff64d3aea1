import { cp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ResolvedStage } from '../../spec/expand.ts';
import type { LockedStage } from '../status.ts';
import { lockFiles } from './lock-store.ts';
import type { ArtifactStore } from './store.ts';

/** What a successful trial left, to put back if it wins: its lock entries and uncached outputs. */
export interface KeptTrial {
  locks: { stage: ResolvedStage; entry: LockedStage }[];
  /** Where copies of its `cache: false` outputs wait (the cache holds the others). */
  dir: string;
}

const uncached = (stages: readonly ResolvedStage[]) =>
  stages.flatMap((s) => s.outs.filter((o) => !o.cache).map((o) => o.path));

/** Copy a trial's `cache: false` outputs (metrics, plots) aside: the next trial replaces them. */
export async function keepTrial(
  root: string,
  dir: string,
  locks: KeptTrial['locks'],
): Promise<KeptTrial> {
  for (const path of uncached(locks.map((l) => l.stage))) {
    if (existsSync(join(root, path)))
      await cp(join(root, path), join(dir, path), { recursive: true });
  }
  return { locks, dir };
}

/**
 * Make a kept trial the workspace's state, as `dvc exp apply` does: its outputs checked out from
 * the cache (or copied back when uncached), then its lock entries written, so that a run with its
 * params finds every stage up to date. Outputs go first: a crash in between leaves a lock that
 * disagrees with the outputs, and the stage runs again.
 */
export async function applyTrial(
  root: string,
  kept: KeptTrial,
  store: ArtifactStore,
): Promise<void> {
  for (const { stage, entry } of kept.locks) {
    for (const out of entry.outs ?? []) {
      const declared = stage.outs.find((o) => o.path === out.path);
      if (!declared || out.md5 === undefined) continue;
      if ((await store.hash(out.path))?.md5 === out.md5) continue;
      if (declared.cache) {
        await store.checkout(out.path, { md5: out.md5, size: out.size ?? 0, nfiles: out.nfiles });
      } else {
        await rm(join(root, out.path), { recursive: true, force: true });
        await cp(join(kept.dir, out.path), join(root, out.path), { recursive: true });
      }
    }
  }
  const locks = lockFiles(root);
  for (const { stage, entry } of kept.locks)
    await locks.update(stage.source.file, stage.name, entry);
}
