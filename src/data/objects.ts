import type { ObjectRef } from './cache.ts';
import { isDirOid } from './hash-info.ts';
import type { DataRepo } from './repo.ts';
import type { Tracked } from './targets.ts';

export interface TrackedObjects {
  /** The file's object, or the directory's manifest and (when the manifest is at hand) its files. */
  refs: ObjectRef[];
  /** For a directory: its manifest is not in the local cache (so its files are unknown). */
  manifestMissing: boolean;
}

/** The cache objects a tracked output needs. */
export async function objectsOf(repo: DataRepo, t: Tracked): Promise<TrackedObjects> {
  if (t.md5 === undefined || !t.cache) return { refs: [], manifestMissing: false };
  const ref: ObjectRef = { oid: t.md5, name: t.hashName };
  if (!isDirOid(t.md5)) return { refs: [ref], manifestMissing: false };
  const entries = await repo.cache.readManifest(ref);
  if (entries === 'missing' || entries === 'corrupt') return { refs: [ref], manifestMissing: true };
  return {
    refs: [ref, ...entries.map((e): ObjectRef => ({ oid: e.md5, name: t.hashName }))],
    manifestMissing: false,
  };
}
