/**
 * What DVC records about a tracked path: the md5 (raw bytes, DVC 3) or the md5 of the directory
 * manifest with a `.dir` suffix, the size in bytes, and for directories the number of files.
 */
export interface HashInfo {
  /** 32 lowercase hex digits, plus `.dir` for a directory. */
  md5: string;
  size: number;
  /** Directories only: how many files the manifest lists. */
  nfiles?: number;
  /** Files only: the executable bit was set. */
  isExec?: boolean;
}

/**
 * `md5` is DVC 3 (raw bytes, objects under `files/md5/`); `md5-dos2unix` is DVC 2's legacy hash
 * (CRLF folded to LF in text chunks, objects at the cache root). A `.dvc` or `dvc.lock` entry
 * without `hash: md5` is legacy.
 */
export type HashName = 'md5' | 'md5-dos2unix';

const hexOid = /^[0-9a-f]{32}(\.dir)?$/;

export function isDirOid(oid: string): boolean {
  return oid.endsWith('.dir');
}

export function isValidOid(oid: string): boolean {
  return hexOid.test(oid);
}

/** The object's path below an object store root: `ab/cdef…` (DVC's `oid_to_path`). */
export function oidRelPath(oid: string): string {
  return `${oid.slice(0, 2)}/${oid.slice(2)}`;
}

/** Where the objects of a hash live inside a cache or remote: DVC 3 under `files/md5`. */
export function hashSubdir(name: HashName): string {
  return name === 'md5' ? 'files/md5' : '';
}
