import { posix } from 'node:path';

export type PathKind = 'file' | 'dir';

/** Answers "is this path (or something under it) in the set?" for a list of file paths. */
export class PathIndex {
  readonly #files = new Set<string>();
  readonly #dirs = new Set<string>();

  constructor(files: Iterable<string> = []) {
    for (const file of files) this.add(file, 'file');
  }

  add(path: string, kind: PathKind): void {
    const clean = normalizePath(path);
    (kind === 'file' ? this.#files : this.#dirs).add(clean);
    for (
      let dir = posix.dirname(clean);
      dir !== '.' && !this.#dirs.has(dir);
      dir = posix.dirname(dir)
    ) {
      this.#dirs.add(dir);
    }
  }

  /** 'file' or 'dir' when the path is in the set, is a directory holding something in it. */
  kind(path: string): PathKind | undefined {
    const clean = normalizePath(path);
    if (this.#files.has(clean)) return 'file';
    if (this.#dirs.has(clean) || clean === '.') return 'dir';
    return undefined;
  }

  /** The entry that contains `path` (a directory entry it lies in), if any. */
  container(path: string): string | undefined {
    const clean = normalizePath(path);
    for (let p = clean; p !== '.'; p = posix.dirname(p)) {
      if (this.#files.has(p)) return p;
    }
    return undefined;
  }

  /** Files and directories directly inside `dir`, for "did you mean" on a mistyped path. */
  siblings(path: string): string[] {
    const dir = posix.dirname(normalizePath(path));
    const out: string[] = [];
    for (const set of [this.#files, this.#dirs]) {
      for (const p of set) if (posix.dirname(p) === dir) out.push(p);
    }
    return out;
  }

  get files(): ReadonlySet<string> {
    return this.#files;
  }
}

/** `./a//b/` → `a/b`; the repository root is `.`. */
export function normalizePath(path: string): string {
  const n = posix.normalize(path);
  return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
}

/** True when `inner` is `outer` or lies below it. */
export function isWithin(inner: string, outer: string): boolean {
  return inner === outer || outer === '.' || inner.startsWith(outer + '/');
}
