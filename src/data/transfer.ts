import { statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { objectKey, type ObjectCache, type ObjectRef } from './cache.ts';
import { isDirOid } from './hash-info.ts';
import { hashFile } from './hasher.ts';
import { mapLimit } from './pool.ts';
import type { RemoteStore } from './remote/store.ts';
import { isNotFound } from './remote/store.ts';
import { withRetry, type RetryOptions } from './retry.ts';

export interface TransferOptions {
  /** Parallel transfers (default 4 × cores, at most 32), as DVC's default jobs. */
  jobs?: number;
  retry?: RetryOptions;
  /** Called once what must move is known. */
  onStart?: (bytes: number, objects: number) => void;
  onBytes?: (bytes: number) => void;
  onObject?: () => void;
}

export interface TransferFailure {
  ref: ObjectRef;
  error: unknown;
}

export interface PushResult {
  uploaded: ObjectRef[];
  /** Already on the remote. */
  present: number;
  /** Not in the local cache (or corrupt there, and deleted): could not be pushed. */
  missing: ObjectRef[];
  failed: TransferFailure[];
}

export interface PullResult {
  downloaded: ObjectRef[];
  /** Already in the local cache. */
  present: number;
  /** Not on the remote. */
  missing: ObjectRef[];
  /** On the remote but not hashing to their name: never installed. */
  corrupt: ObjectRef[];
  failed: TransferFailure[];
}

export function defaultJobs(cores: number): number {
  return Math.min(32, Math.max(4, 4 * cores));
}

function localSize(cache: ObjectCache, ref: ObjectRef): number | undefined {
  try {
    return statSync(cache.path(ref)).size;
  } catch {
    return undefined;
  }
}

function unique(refs: readonly ObjectRef[]): ObjectRef[] {
  const seen = new Map<string, ObjectRef>();
  for (const r of refs) seen.set(objectKey(r), r);
  return [...seen.values()];
}

/**
 * Upload what the remote lacks. Each local object is checked by hash first (a corrupt object is
 * never uploaded), file objects go before `.dir` manifests, and a manifest goes only once every
 * file went, so a remote never has a directory it cannot serve. Interrupted and run again, it
 * uploads only what is still missing; stores never expose partial objects.
 */
export async function pushObjects(
  cache: ObjectCache,
  remote: RemoteStore,
  refs: readonly ObjectRef[],
  options: TransferOptions = {},
): Promise<PushResult> {
  const jobs = options.jobs ?? 8;
  const all = unique(refs);
  const onRemote = await withRetry(() => remote.has(all.map(objectKey), jobs), options.retry);
  // An object counts as there only if its size matches ours (a store that is not atomic can keep
  // a partial object from a killed upload; it is uploaded again, replacing it).
  const todo = all.filter((r) => {
    const key = objectKey(r);
    if (!onRemote.has(key)) return true;
    const size = onRemote.get(key);
    return size !== undefined && size !== localSize(cache, r);
  });
  const statuses = await cache.verifyMany(todo);
  const result: PushResult = {
    uploaded: [],
    present: all.length - todo.length,
    missing: [],
    failed: [],
  };
  const ready = todo.filter((r) => {
    if (statuses.get(objectKey(r)) === 'ok') return true;
    result.missing.push(r);
    return false;
  });
  const sizes = new Map(ready.map((r) => [objectKey(r), statSync(cache.path(r)).size]));
  options.onStart?.(
    [...sizes.values()].reduce((a, b) => a + b, 0),
    ready.length,
  );
  const upload = async (ref: ObjectRef): Promise<void> => {
    const key = objectKey(ref);
    try {
      await withRetry(
        () => remote.put(key, cache.path(ref), sizes.get(key)!, options.onBytes),
        options.retry,
      );
      result.uploaded.push(ref);
    } catch (error) {
      result.failed.push({ ref, error });
    }
    options.onObject?.();
  };
  await mapLimit(
    ready.filter((r) => !isDirOid(r.oid)),
    jobs,
    upload,
  );
  const manifests = ready.filter((r) => isDirOid(r.oid));
  if (result.failed.length === 0 && result.missing.length === 0)
    await mapLimit(manifests, jobs, upload);
  return result;
}

/**
 * Download what the local cache lacks. Each object lands in a temporary file next to its place,
 * is hashed, and is renamed into the cache only if the hash matches its name: a killed pull leaves
 * at most temporary files, never a wrong object.
 */
export async function pullObjects(
  cache: ObjectCache,
  remote: RemoteStore,
  refs: readonly ObjectRef[],
  options: TransferOptions = {},
): Promise<PullResult> {
  const jobs = options.jobs ?? 8;
  const all = unique(refs);
  const local = await cache.verifyMany(all);
  const todo = all.filter((r) => local.get(objectKey(r)) !== 'ok');
  const result: PullResult = {
    downloaded: [],
    present: all.length - todo.length,
    missing: [],
    corrupt: [],
    failed: [],
  };
  const onRemote = await withRetry(() => remote.has(todo.map(objectKey), jobs), options.retry);
  const available = todo.filter((r) => {
    if (onRemote.has(objectKey(r))) return true;
    result.missing.push(r);
    return false;
  });
  options.onStart?.(0, available.length);
  await mapLimit(available, jobs, async (ref) => {
    const key = objectKey(ref);
    let temp: string | undefined;
    try {
      await withRetry(async () => {
        if (temp !== undefined) await rm(temp, { force: true });
        temp = await cache.tempFor(ref);
        await remote.get(key, temp, options.onBytes);
      }, options.retry);
      const digest = await hashFile(temp!, isDirOid(ref.oid) ? 'md5' : ref.name);
      if (digest !== (isDirOid(ref.oid) ? ref.oid.slice(0, -4) : ref.oid)) {
        result.corrupt.push(ref);
        await rm(temp!, { force: true });
      } else {
        await cache.install(temp!, ref);
        result.downloaded.push(ref);
      }
    } catch (error) {
      if (temp !== undefined) await rm(temp, { force: true });
      if (isNotFound(error)) result.missing.push(ref);
      else result.failed.push({ ref, error });
    }
    options.onObject?.();
  });
  return result;
}
