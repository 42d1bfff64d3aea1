import { statSync } from 'node:fs';
import { posix } from 'node:path';
import { objectKey } from './cache.ts';
import { errnoCode, fsError } from './fs-errors.ts';
import { isDirOid } from './hash-info.ts';
import { digestTree, hashOneFile } from './hash-path.ts';
import { objectsOf } from './objects.ts';
import type { RemoteStore } from './remote/store.ts';
import type { DataRepo } from './repo.ts';
import { fetchManifests } from './sync.ts';
import type { Tracked } from './targets.ts';

export type Presence = 'present' | 'missing' | 'partial';

/** What `data status` says about one tracked path. */
export interface PathStatus {
  path: string;
  source: string;
  workspace: 'unchanged' | 'modified' | 'missing';
  /** `null` for outputs not kept in the cache (`cache: false`). */
  cache: Presence | null;
  /** `null` when no remote was asked, or the output is not pushed. */
  remote: Presence | null;
  /** The headline states: `unchanged`, or any of the others. */
  states: (
    | 'unchanged'
    | 'modified'
    | 'missing from workspace'
    | 'missing from cache'
    | 'missing from remote'
  )[];
}

function presence(found: number, total: number): Presence {
  return found === total ? 'present' : found === 0 ? 'missing' : 'partial';
}

async function workspaceState(repo: DataRepo, t: Tracked): Promise<PathStatus['workspace']> {
  const abs = posix.join(repo.root, t.path);
  let st;
  try {
    st = statSync(abs);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return 'missing';
    throw fsError(error, t.path);
  }
  if (t.md5 === undefined) return 'modified';
  const options = { state: repo.state, name: t.hashName };
  if (st.isDirectory()) {
    if (!isDirOid(t.md5)) return 'modified';
    return (await digestTree(repo.root, t.path, options)).md5 === t.md5 ? 'unchanged' : 'modified';
  }
  if (isDirOid(t.md5)) return 'modified';
  return (await hashOneFile(abs, st, options)).md5 === t.md5 ? 'unchanged' : 'modified';
}

/**
 * Compare each tracked path's workspace, cache and (with `remote`) remote against what its
 * `.dvc` file or dvc.lock records. Hashes come from the state cache where files are unchanged,
 * presence from directory listings, so a clean repository is checked without reading data.
 */
export async function statusOf(
  repo: DataRepo,
  tracked: readonly Tracked[],
  options: { remote?: RemoteStore; jobs?: number } = {},
): Promise<PathStatus[]> {
  const out: PathStatus[] = [];
  // Manifests only the remote has are fetched first (small, verified), so its files can be counted.
  if (options.remote)
    await fetchManifests(repo, tracked, options.remote, options.jobs ? { jobs: options.jobs } : {});
  // The cache is only read from here on: its contents are fingerprinted once for every path.
  const complete = repo.cache.completeness();
  for (const t of tracked) {
    const workspace = await workspaceState(repo, t);
    let cache: Presence | null = null;
    let remote: Presence | null = null;
    if (
      t.cache &&
      t.md5 !== undefined &&
      !options.remote &&
      complete.known({ oid: t.md5, name: t.hashName })
    ) {
      cache = 'present';
    } else if (t.cache && t.md5 !== undefined) {
      const { refs, manifestMissing } = await objectsOf(repo, t);
      const keys = refs.map(objectKey);
      const local = repo.cache.presence(refs);
      cache = manifestMissing
        ? 'missing'
        : presence(keys.filter((k) => local.has(k)).length, keys.length);
      if (cache === 'present') complete.remember({ oid: t.md5, name: t.hashName });
      if (options.remote && t.push) {
        const found = await options.remote.has(keys, options.jobs ?? 8);
        for (const r of refs) {
          // A partial object (a killed upload to a store that is not atomic) is not there.
          const size = found.get(objectKey(r));
          if (
            size !== undefined &&
            local.has(objectKey(r)) &&
            size !== statSync(repo.cache.path(r)).size
          )
            found.delete(objectKey(r));
        }
        // Without the manifest only the manifest itself can be looked for on the remote.
        remote =
          manifestMissing && found.size === 1 ? 'present' : presence(found.size, keys.length);
      }
    }
    const states: PathStatus['states'] = [];
    if (workspace === 'modified') states.push('modified');
    if (workspace === 'missing') states.push('missing from workspace');
    if (cache !== null && cache !== 'present') states.push('missing from cache');
    if (remote !== null && remote !== 'present') states.push('missing from remote');
    if (states.length === 0) states.push('unchanged');
    out.push({ path: t.path, source: t.source, workspace, cache, remote, states });
  }
  return out;
}
