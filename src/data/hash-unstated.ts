import { fsErrorUnder } from './fs-errors.ts';
import { BATCH_FILES, HashPool, MIN_PARALLEL_FILES } from './hash-pool.ts';
import type { IgnoreRules } from './ignore-rules.ts';
import type { HashOptions } from './hash-path.ts';
import { StampList } from './stamps.ts';
import { visitFilesUnstated, walkBase, type WalkedFile, type WalkResult } from './walk.ts';

/**
 * Hash a directory with nothing to look up in the state cache: the walk only lists names (no
 * stat on this thread), and batches of paths go to hashing threads that stat each file where
 * they open it. This thread is then free while the cores hash; stat'ing 20,000 files here would
 * cost as much as a third of md5'ing them. `undefined` when the directory holds too few files to
 * pay for threads (the caller walks it as usual).
 */
export async function hashUnstated(
  root: string,
  rel: string,
  rules: IgnoreRules,
  threads: number,
  onHashed: (file: WalkedFile, md5: string) => void,
  progress: Pick<HashOptions, 'onStart' | 'onBytes' | 'onFiles'>,
): Promise<(WalkResult & { md5s: string[] }) | undefined> {
  const relpaths: string[] = [];
  const paths: string[] = [];
  const md5s: string[] = [];
  const files: WalkedFile[] = [];
  const replies: Promise<void>[] = [];
  let pool: HashPool | undefined;
  let flushed = 0;
  const base = walkBase(root, rel);
  // Made once the walk is done: batches come back only after it (the walk does not yield).
  let stamps: StampList | undefined;
  // Each batch is taken in as it comes back, while the threads still hash the others: by the time
  // the last one is in, this thread has little left to do.
  const takeIn = (start: number, got: string[], numbers: Float64Array): void => {
    stamps!.setStamps(start, numbers);
    let bytes = 0;
    for (let k = 0; k < got.length; k++) {
      const file = stamps!.file(start + k, base);
      files[start + k] = file;
      md5s[start + k] = got[k]!;
      bytes += file.size;
      onHashed(file, got[k]!);
    }
    progress.onBytes?.(bytes);
    progress.onFiles?.(got.length);
  };
  const flush = (): void => {
    if (flushed === paths.length) return;
    const start = flushed;
    flushed = paths.length;
    replies.push(
      pool!
        .submitPaths(paths.slice(start))
        .then(({ md5s: got, stamps: numbers }) => takeIn(start, got, numbers)),
    );
  };
  try {
    const skippedDirLinks = visitFilesUnstated(root, rel, rules, (relpath, abs) => {
      relpaths.push(relpath);
      paths.push(abs);
      if (!pool && paths.length >= MIN_PARALLEL_FILES) pool = new HashPool(threads);
      if (pool && paths.length - flushed >= BATCH_FILES) flush();
    });
    if (!pool) return undefined;
    stamps = new StampList(relpaths);
    flush();
    progress.onStart?.(0, paths.length);
    try {
      await Promise.all(replies);
    } catch (error) {
      throw fsErrorUnder(error, root);
    }
    return { files, skippedDirLinks, md5s };
  } finally {
    pool?.close();
  }
}
