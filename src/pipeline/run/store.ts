/** A path's content hash as DVC records it. */
export interface PathHash {
  md5: string;
  size: number;
  nfiles?: number | undefined;
  isExec?: boolean | undefined;
}

/**
 * What the runner needs from the data layer (DVC-compatible hashing and cache): implemented over
 * src/data, and by a small in-memory double only where a test is about the runner's logic.
 */
export interface ArtifactStore {
  /** Whether a workspace path exists (what `hash` returns undefined for, without hashing). */
  exists(path: string): boolean;
  /** The current hash of a workspace path, or undefined when it does not exist. `legacy`: DVC 2's md5-dos2unix. */
  hash(path: string, legacy?: boolean): Promise<PathHash | undefined>;
  /** Whether the cache holds this object intact (for a directory: its manifest and every file). */
  has(hash: PathHash): Promise<boolean>;
  /** Store a workspace path in the cache and return its hash. */
  save(path: string): Promise<PathHash>;
  /** Replace a workspace path with the cached object. */
  checkout(path: string, hash: PathHash): Promise<void>;
}
