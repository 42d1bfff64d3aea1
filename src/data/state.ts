import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic.ts';
import type { HashName } from './hash-info.ts';
import type { StampList } from './stamps.ts';

/** What identifies one version of a file's content without reading it. */
export interface FileStamp {
  dev: number;
  ino: number;
  mtimeMs: number;
  size: number;
}

/** Where gitops-ml keeps its state cache (DVC's own is under .dvc/tmp too, and ignored by git). */
export const STATE_DIR = '.dvc/tmp/gitops-ml';

/** A file modified this recently may change again within the same mtime tick: not recorded. */
export const RACY_MS = 2000;
const MAX_ENTRIES = 1 << 20;
const MAX_MEMOS = 4096;

interface Entry {
  mtimeMs: number;
  size: number;
  md5: string;
}

/** The per-file table on disk, in columns: JSON arrays of primitives parse several times faster than an object with a key per file. */
interface HashesFile {
  version: 2;
  keys: string[];
  mtimes: number[];
  sizes: number[];
  md5s: string[];
}

interface MemoFile {
  version: 1;
  memos: Record<string, string>;
}

function keyOf(stamp: FileStamp, name: HashName): string {
  return name === 'md5' ? `${stamp.dev}:${stamp.ino}` : `${stamp.dev}:${stamp.ino}:d2u`;
}

function readJson(path: string | undefined): unknown {
  if (path === undefined) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

function readHashes(path: string | undefined): Map<string, Entry> {
  const file = readJson(path) as Partial<HashesFile> | undefined;
  const map = new Map<string, Entry>();
  if (file?.version !== 2 || !Array.isArray(file.keys)) return map;
  const { keys, mtimes = [], sizes = [], md5s = [] } = file;
  for (let i = 0; i < keys.length; i++)
    map.set(keys[i]!, { mtimeMs: mtimes[i]!, size: sizes[i]!, md5: md5s[i]! });
  return map;
}

function readMemos(path: string | undefined): Map<string, string> {
  const file = readJson(path) as Partial<MemoFile> | undefined;
  const memos = new Map<string, string>();
  if (file?.version !== 1 || typeof file.memos !== 'object' || file.memos === null) return memos;
  for (const [k, v] of Object.entries(file.memos)) if (typeof v === 'string') memos.set(k, v);
  return memos;
}

/**
 * (device, inode, mtime, size) → md5, so an unchanged file is never read twice. Keyed by inode as
 * DVC's state is: a hard-linked checkout and its cache object share one entry. Entries for files
 * modified in the last two seconds are not recorded (a later write in the same mtime tick would
 * go unnoticed). Besides per-file entries it keeps memos: short facts with a fingerprint that
 * says when they still hold (a directory's digest for an unchanged listing of stamps, a
 * manifest found complete in an unchanged cache). Losing the files only costs work.
 */
export class StateCache {
  readonly dir: string | undefined;
  private entries: Map<string, Entry> | undefined;
  private readonly added = new Map<string, Entry>();
  private readonly memos: Map<string, string>;
  private readonly addedMemos = new Map<string, string>();
  /** md5s learnt in bulk, entered on first need (a `data hash` outside a DVC repository never needs them). */
  private readonly learnt: {
    list: StampList;
    md5s: readonly string[];
    name: HashName;
    now: number;
  }[] = [];

  private constructor(dir: string | undefined) {
    this.dir = dir;
    this.memos = readMemos(this.file('memos.json'));
    if (dir === undefined) this.entries = new Map();
  }

  /** A state that remembers nothing across processes. */
  static memory(): StateCache {
    return new StateCache(undefined);
  }

  /** The state kept in directory `dir` (absolute); missing or unreadable files start empty. */
  static load(dir: string): StateCache {
    return new StateCache(dir);
  }

  private file(name: string): string | undefined {
    return this.dir === undefined ? undefined : join(this.dir, name);
  }

  /** Per-file entries are read on first use: a run answered from memos never parses them. */
  private table(): Map<string, Entry> {
    this.entries ??= readHashes(this.file('hashes.json'));
    for (const { list, md5s, name, now } of this.learnt.splice(0))
      md5s.forEach((md5, i) => this.set(list.stamp(i), md5, name, now));
    return this.entries;
  }

  /** Whether no file's md5 is known at all (nothing to look up: a first run, a fresh clone). */
  knowsNoFiles(): boolean {
    return this.table().size === 0;
  }

  get(stamp: FileStamp, name: HashName = 'md5'): string | undefined {
    const e = this.table().get(keyOf(stamp, name));
    return e !== undefined && e.mtimeMs === stamp.mtimeMs && e.size === stamp.size
      ? e.md5
      : undefined;
  }

  set(stamp: FileStamp, md5: string, name: HashName = 'md5', now = Date.now()): void {
    if (now - stamp.mtimeMs < RACY_MS) return;
    const key = keyOf(stamp, name);
    const entry: Entry = { mtimeMs: stamp.mtimeMs, size: stamp.size, md5 };
    this.table().set(key, entry);
    this.added.set(key, entry);
  }

  /** set() for every file of `list`, `md5s` in the same order. */
  learn(list: StampList, md5s: readonly string[], name: HashName, now = Date.now()): void {
    this.learnt.push({ list, md5s, name, now });
  }

  hasMemo(key: string): boolean {
    return this.memos.has(key);
  }

  /** A memo's value if it was recorded with this fingerprint. */
  memo(key: string, fingerprint: string): string | undefined {
    const raw = this.memos.get(key);
    if (raw === undefined) return undefined;
    const sep = raw.indexOf('\n');
    return raw.slice(0, sep) === fingerprint ? raw.slice(sep + 1) : undefined;
  }

  setMemo(key: string, fingerprint: string, value: string): void {
    const raw = `${fingerprint}\n${value}`;
    if (this.memos.get(key) === raw) return;
    this.memos.set(key, raw);
    this.addedMemos.set(key, raw);
  }

  /** Write what was learnt, merged with what other processes wrote meanwhile (atomic replace). */
  async save(): Promise<void> {
    if (this.dir === undefined) return;
    if (this.learnt.length > 0) this.table();
    if (this.added.size > 0 || this.addedMemos.size > 0) mkdirSync(this.dir, { recursive: true });
    if (this.added.size > 0) {
      const merged = readHashes(this.file('hashes.json'));
      for (const [k, e] of this.added) merged.set(k, e);
      let list = [...merged];
      if (list.length > MAX_ENTRIES) list = list.slice(list.length - MAX_ENTRIES / 2);
      const file: HashesFile = {
        version: 2,
        keys: list.map(([k]) => k),
        mtimes: list.map(([, e]) => e.mtimeMs),
        sizes: list.map(([, e]) => e.size),
        md5s: list.map(([, e]) => e.md5),
      };
      await writeFileAtomic(this.file('hashes.json')!, JSON.stringify(file));
      this.added.clear();
    }
    if (this.addedMemos.size > 0) {
      const merged = readMemos(this.file('memos.json'));
      for (const [k, v] of this.addedMemos) merged.set(k, v);
      let list = [...merged];
      if (list.length > MAX_MEMOS) list = list.slice(list.length - MAX_MEMOS / 2);
      await writeFileAtomic(
        this.file('memos.json')!,
        JSON.stringify({ version: 1, memos: Object.fromEntries(list) }),
      );
      this.addedMemos.clear();
    }
  }
}

/**
 * What `parse` makes of `text`, remembered in `state` under `key` against an md5 of the text: an
 * unchanged file is answered without parsing it, so a parser loaded by `parse` (a dynamic import)
 * is never loaded for it. The result must survive JSON; what throws is not remembered, so an error
 * comes back every time.
 */
export async function parsedOnce<T>(
  state: StateCache | undefined,
  key: string,
  text: string,
  parse: () => Promise<T>,
): Promise<T> {
  const fingerprint = createHash('md5').update(text).digest('hex');
  const known = state?.memo(key, fingerprint);
  if (known !== undefined) return JSON.parse(known) as T;
  const value = await parse();
  state?.setMemo(key, fingerprint, JSON.stringify(value));
  return value;
}

/** The state directory of the repository at `root`. */
export function stateDirOf(root: string): string {
  return join(root, STATE_DIR);
}
