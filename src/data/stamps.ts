import { createHash } from 'node:crypto';
import type { Stats } from 'node:fs';
import type { HashName } from './hash-info.ts';
import type { IgnoreRules } from './ignore-rules.ts';
import { RACY_MS, type FileStamp } from './state.ts';
import { visitFiles, walkBase, type WalkedFile } from './walk.ts';

/** Numbers kept per file: device, inode, mtime, size, mode. */
const FIELDS = 5;

type Stamped = Pick<Stats, 'dev' | 'ino' | 'mtimeMs' | 'size' | 'mode'>;

/**
 * The files of a walk kept compactly: their relpaths and one Float64Array of stamps. Checking an
 * unchanged directory of 20,000 files then keeps no object per file beyond its relpath (objects
 * that outlive a walk are what the garbage collector spends its time copying).
 */
export class StampList {
  readonly relpaths: string[];
  private numbers: Float64Array;

  /** Empty, or for `relpaths` whose stamps come later in batches (setStamps). */
  constructor(relpaths: string[] = []) {
    this.relpaths = relpaths;
    this.numbers = new Float64Array(FIELDS * Math.max(1024, relpaths.length));
  }

  static of(files: readonly WalkedFile[]): StampList {
    const list = new StampList();
    for (const f of files) list.add(f.relpath, f);
    return list;
  }

  add(relpath: string, st: Stamped): void {
    let at = this.relpaths.length * FIELDS;
    if (at + FIELDS > this.numbers.length) {
      const grown = new Float64Array(this.numbers.length * 2);
      grown.set(this.numbers);
      this.numbers = grown;
    }
    this.relpaths.push(relpath);
    const n = this.numbers;
    n[at++] = st.dev;
    n[at++] = st.ino;
    n[at++] = st.mtimeMs;
    n[at++] = st.size;
    n[at] = st.mode;
  }

  /**
   * Every file's path, device, inode, mtime, size and mode, hashed. Equal fingerprints mean the
   * directory's digest cannot have changed (the state cache's per-file test, applied to the whole
   * listing at once). Numbers are hashed as raw doubles: formatting them as text costs more.
   */
  fingerprint(name: HashName): string {
    return createHash('md5')
      .update(`${name}\0${this.relpaths.join('\0')}`)
      .update(new Uint8Array(this.numbers.buffer, 0, this.relpaths.length * FIELDS * 8))
      .digest('hex');
  }

  /** Whether every file was last modified long enough before `now` to be trusted (RACY_MS). */
  settled(now: number): boolean {
    for (let i = 2; i < this.relpaths.length * FIELDS; i += FIELDS)
      if (now - this.numbers[i]! < RACY_MS) return false;
    return true;
  }

  /**
   * The stamps of files `start`, `start + 1`, … as a hashing thread sends them back: device,
   * inode, mtime, size, mode per file (this list's layout).
   */
  setStamps(start: number, stamps: Float64Array): void {
    this.numbers.set(stamps, start * FIELDS);
  }

  /** What the state cache keys file `i` by. */
  stamp(i: number): FileStamp {
    const n = this.numbers;
    const at = i * FIELDS;
    return { dev: n[at]!, ino: n[at + 1]!, mtimeMs: n[at + 2]!, size: n[at + 3]! };
  }

  /** Every file's size, added up. */
  totalSize(): number {
    return StampList.sizeOf(this.numbers.subarray(0, this.relpaths.length * FIELDS));
  }

  /** The sizes in stamps laid out as this list's (setStamps), added up. */
  static sizeOf(stamps: Float64Array): number {
    let total = 0;
    for (let i = 3; i < stamps.length; i += FIELDS) total += stamps[i]!;
    return total;
  }

  /** File `i` as a WalkedFile, under absolute directory `base` (as the walk found it). */
  file(i: number, base: string): WalkedFile {
    const n = this.numbers;
    const at = i * FIELDS;
    const relpath = this.relpaths[i]!;
    return {
      relpath,
      abs: `${base}/${relpath}`,
      dev: n[at]!,
      ino: n[at + 1]!,
      mtimeMs: n[at + 2]!,
      size: n[at + 3]!,
      mode: n[at + 4]!,
    };
  }

  /** The files as WalkedFiles, under absolute directory `base` (as the walk found them). */
  files(base: string): WalkedFile[] {
    return this.relpaths.map((_, i) => this.file(i, base));
  }
}

/** Walk repository-relative directory `dir` as walkDir does, keeping only stamps. */
export function stampWalk(
  root: string,
  dir: string,
  rules: IgnoreRules,
): { stamps: StampList; files: () => WalkedFile[]; skippedDirLinks: string[] } {
  const stamps = new StampList();
  const skippedDirLinks = visitFiles(root, dir, rules, (relpath, _abs, st) =>
    stamps.add(relpath, st),
  );
  return { stamps, files: () => stamps.files(walkBase(root, dir)), skippedDirLinks };
}
