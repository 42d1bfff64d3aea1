/**
 * An object store that mirrors the cache layout (DVC remotes: `<root>/files/md5/ab/cdef…`).
 * Keys are object keys relative to the remote's root.
 */
export interface RemoteStore {
  readonly name: string;
  /** For messages: `s3://bucket/prefix` or a directory. */
  readonly url: string;
  /**
   * Which of `keys` the remote has, with their size where the listing gives it (an S3-compatible
   * store that is not atomic may show a partial object after a killed upload; its size tells).
   */
  has(keys: readonly string[], jobs: number): Promise<Map<string, number | undefined>>;
  /** Store a local file under `key`. Never leaves a partial object under `key`. */
  put(
    key: string,
    localPath: string,
    size: number,
    onBytes?: (bytes: number) => void,
  ): Promise<void>;
  /** Write the object `key` into the new file `dest`; a missing object is an error with code ENOENT/NoSuchKey. */
  get(key: string, dest: string, onBytes?: (bytes: number) => void): Promise<void>;
  close(): void;
}

/** The error a store throws when an object is not there. */
export function isNotFound(error: unknown): boolean {
  const e = error as { code?: string; name?: string; $metadata?: { httpStatusCode?: number } };
  return (
    e?.code === 'ENOENT' ||
    e?.name === 'NoSuchKey' ||
    e?.name === 'NotFound' ||
    e?.$metadata?.httpStatusCode === 404
  );
}

/** Above this many wanted keys in one object directory, list the directory instead of asking per key. */
export const LIST_THRESHOLD = 8;

/** Keys grouped by their directory (`files/md5/ab`), for listing one directory per group. */
export function groupByDirectory(keys: readonly string[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const key of keys) {
    const dir = key.slice(0, key.lastIndexOf('/'));
    const group = groups.get(dir);
    if (group) group.push(key);
    else groups.set(dir, [key]);
  }
  return groups;
}
