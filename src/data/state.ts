import { mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeFileAtomic } from './atomic.ts';
import type { HashName } from './hash-info.ts';

/** What identifies one version of a file's content without reading it. */
export interface FileStamp {
  dev: number;
  ino: number;
  mtimeMs: number;
  size: number;
}

type Entry = [mtimeMs: number, size: number, md5: string];

interface StateFile {
  version: 1;
  entries: Record<string, Entry>;
}

/** Where gitops-ml keeps its state cache (DVC's own is under .dvc/tmp too, and ignored by git). */
export const STATE_FILE = '.dvc/tmp/gitops-ml/state.json';

/** A file modified this recently may change again within the same mtime tick: not recorded. */
const RACY_MS = 2000;
const MAX_ENTRIES = 1 << 20;

function keyOf(stamp: FileStamp, name: HashName): string {
  return name === 'md5' ? `${stamp.dev}:${stamp.ino}` : `${stamp.dev}:${stamp.ino}:d2u`;
}

/**
 * (device, inode, mtime, size) → md5, so an unchanged file is never read twice. Keyed by inode as
 * DVC's state is: a hard-linked checkout and its cache object share one entry. Entries for files
 * modified in the last two seconds are not recorded (a later write in the same mtime tick would
 * go unnoticed). Losing the file only costs a re-hash.
 */
export class StateCache {
  readonly path: string | undefined;
  private readonly entries: Map<string, Entry>;
  private readonly added = new Map<string, Entry>();

  private constructor(path: string | undefined, entries: Map<string, Entry>) {
    this.path = path;
    this.entries = entries;
  }

  /** A state that remembers nothing across processes. */
  static memory(): StateCache {
    return new StateCache(undefined, new Map());
  }

  /** Load the state file at `path` (absolute); a missing or unreadable one starts empty. */
  static load(path: string): StateCache {
    return new StateCache(path, readEntries(path));
  }

  get(stamp: FileStamp, name: HashName = 'md5'): string | undefined {
    const e = this.entries.get(keyOf(stamp, name));
    return e !== undefined && e[0] === stamp.mtimeMs && e[1] === stamp.size ? e[2] : undefined;
  }

  set(stamp: FileStamp, md5: string, name: HashName = 'md5', now = Date.now()): void {
    if (now - stamp.mtimeMs < RACY_MS) return;
    const key = keyOf(stamp, name);
    const entry: Entry = [stamp.mtimeMs, stamp.size, md5];
    this.entries.set(key, entry);
    this.added.set(key, entry);
  }

  /** Write new entries, merged with what other processes wrote meanwhile (atomic replace). */
  async save(): Promise<void> {
    if (this.path === undefined || this.added.size === 0) return;
    const merged = readEntries(this.path);
    for (const [k, e] of this.added) merged.set(k, e);
    let list = [...merged];
    if (list.length > MAX_ENTRIES) list = list.slice(list.length - MAX_ENTRIES / 2);
    const file: StateFile = { version: 1, entries: Object.fromEntries(list) };
    mkdirSync(dirname(this.path), { recursive: true });
    await writeFileAtomic(this.path, JSON.stringify(file));
    this.added.clear();
  }
}

function readEntries(path: string): Map<string, Entry> {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<StateFile>;
    if (parsed.version !== 1 || typeof parsed.entries !== 'object' || parsed.entries === null)
      return new Map();
    return new Map(Object.entries(parsed.entries));
  } catch {
    return new Map();
  }
}
