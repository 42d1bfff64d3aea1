import { fsErrorUnder } from './fs-errors.ts';
import { BATCH_FILES, HashPool, MIN_PARALLEL_FILES } from './hash-pool.ts';
import type { IgnoreRules } from './ignore-rules.ts';
import type { HashOptions } from './hash-path.ts';
import { ManifestSlots } from './manifest.ts';
import { StampList } from './stamps.ts';
import { visitFilesUnstated, walkBase } from './walk.ts';

/** A directory hashed by hashUnstated: its files and their md5s (walk order), the manifest. */
export interface UnstatedTree {
  stamps: StampList;
  md5s: string[];
  manifest: ManifestSlots;
  skippedDirLinks: string[];
}

/**
 * Hash a directory with nothing to look up in the state cache: the walk only lists names (no
 * stat on this thread), and batches of relpaths go to hashing threads that stat each file where
 * they open it. This thread is then nearly idle while the cores hash: it keeps no object per
 * file, and lays the manifest out while they work, each md5 going into its slot as its batch
 * comes back, so only the manifest's own md5 is left once the last one is in. `undefined` when
 * the directory holds too few files to pay for threads (the caller walks it as usual).
 */
export async function hashUnstated(
  root: string,
  rel: string,
  rules: IgnoreRules,
  threads: number,
  progress: Pick<HashOptions, 'onStart' | 'onBytes' | 'onFiles'>,
): Promise<UnstatedTree | undefined> {
  const relpaths: string[] = [];
  const md5s: string[] = [];
  const replies: Promise<void>[] = [];
  let pool: HashPool | undefined;
  let flushed = 0;
  const base = walkBase(root, rel);
  // Both made once the walk is done: batches come back only after it (the walk does not yield).
  let stamps: StampList | undefined;
  let manifest: ManifestSlots | undefined;
  const takeIn = (start: number, got: string[], numbers: Float64Array): void => {
    stamps!.setStamps(start, numbers);
    for (let k = 0; k < got.length; k++) {
      md5s[start + k] = got[k]!;
      manifest!.set(start + k, got[k]!);
    }
    if (progress.onBytes) progress.onBytes(StampList.sizeOf(numbers));
    progress.onFiles?.(got.length);
  };
  // Batches of at most BATCH_FILES, so that files found before the threads existed are shared out.
  const flush = (): void => {
    while (flushed < relpaths.length) send(Math.min(relpaths.length, flushed + BATCH_FILES));
  };
  const send = (end: number): void => {
    const start = flushed;
    flushed = end;
    replies.push(
      pool!
        .submitPaths(base, relpaths.slice(start, end))
        .then(({ md5s: got, stamps: numbers }) => takeIn(start, got, numbers)),
    );
  };
  try {
    const skippedDirLinks = visitFilesUnstated(root, rel, rules, (relpath) => {
      relpaths.push(relpath);
      if (!pool && relpaths.length >= MIN_PARALLEL_FILES) pool = new HashPool(threads);
      if (pool && relpaths.length - flushed >= BATCH_FILES) flush();
    });
    if (!pool) return undefined;
    stamps = new StampList(relpaths);
    flush();
    manifest = new ManifestSlots(relpaths);
    progress.onStart?.(0, relpaths.length);
    try {
      await Promise.all(replies);
    } catch (error) {
      throw fsErrorUnder(error, root);
    }
    return { stamps, md5s, skippedDirLinks, manifest };
  } finally {
    pool?.close();
  }
}
