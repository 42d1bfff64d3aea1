import type { ObjectRef } from './cache.ts';
import { checkoutPath, type CheckoutResult } from './checkout.ts';
import { isDirOid } from './hash-info.ts';
import { objectsOf } from './objects.ts';
import type { RemoteStore } from './remote/store.ts';
import type { DataRepo } from './repo.ts';
import type { Tracked } from './targets.ts';
import {
  pullObjects,
  pushObjects,
  type PullResult,
  type PushResult,
  type TransferOptions,
} from './transfer.ts';

function cached(tracked: readonly Tracked[]): Tracked[] {
  return tracked.filter((t) => t.cache && t.md5 !== undefined);
}

/** Every cache object the cached outputs among `tracked` need (as far as their manifests are at hand). */
async function refsOf(repo: DataRepo, tracked: readonly Tracked[]): Promise<ObjectRef[]> {
  const refs: ObjectRef[] = [];
  for (const t of cached(tracked)) refs.push(...(await objectsOf(repo, t)).refs);
  return refs;
}

/** Directory manifests the local cache lacks, fetched (and verified) from the remote. */
export async function fetchManifests(
  repo: DataRepo,
  tracked: readonly Tracked[],
  remote: RemoteStore,
  options: TransferOptions = {},
): Promise<PullResult> {
  const manifests = cached(tracked)
    .filter((t) => isDirOid(t.md5!))
    .map((t): ObjectRef => ({ oid: t.md5!, name: t.hashName }));
  const quiet: TransferOptions = {};
  if (options.jobs !== undefined) quiet.jobs = options.jobs;
  if (options.retry !== undefined) quiet.retry = options.retry;
  return pullObjects(repo.cache, remote, manifests, quiet);
}

/** Push the cache objects of tracked outputs (those with `push: false` stay local). */
export async function pushTracked(
  repo: DataRepo,
  tracked: readonly Tracked[],
  remote: RemoteStore,
  options: TransferOptions = {},
): Promise<PushResult> {
  return pushObjects(
    repo.cache,
    remote,
    await refsOf(
      repo,
      tracked.filter((x) => x.push),
    ),
    options,
  );
}

/** Fetch what tracked outputs need into the cache: manifests first, then every file they list. */
export async function fetchTracked(
  repo: DataRepo,
  tracked: readonly Tracked[],
  remote: RemoteStore,
  options: TransferOptions = {},
): Promise<PullResult> {
  const first = await fetchManifests(repo, tracked, remote, options);
  const rest = await pullObjects(repo.cache, remote, await refsOf(repo, tracked), options);
  return {
    downloaded: [...first.downloaded, ...rest.downloaded],
    // Manifests fetched in the first round count as downloaded, not as already present.
    present: rest.present - first.downloaded.length,
    missing: dedupe([...first.missing, ...rest.missing]),
    corrupt: dedupe([...first.corrupt, ...rest.corrupt]),
    failed: [...first.failed, ...rest.failed],
  };
}

function dedupe(refs: ObjectRef[]): ObjectRef[] {
  return [...new Map(refs.map((r) => [`${r.name}:${r.oid}`, r])).values()];
}

export interface TrackedCheckout extends CheckoutResult {
  path: string;
}

/** Check every tracked output out of the cache (see checkoutPath). */
export async function checkoutTracked(
  repo: DataRepo,
  tracked: readonly Tracked[],
  options: { force?: boolean } = {},
): Promise<TrackedCheckout[]> {
  const results: TrackedCheckout[] = [];
  for (const t of cached(tracked)) {
    const target = { md5: t.md5!, hashName: t.hashName, isExec: t.isExec };
    results.push({ path: t.path, ...(await checkoutPath(repo, t.path, target, options)) });
  }
  return results;
}
