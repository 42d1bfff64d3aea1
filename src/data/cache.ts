import { createHash } from 'node:crypto';
import {
  chmodSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  type Stats,
} from 'node:fs';
import { chmod, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { tempPathFor, writeFileAtomic } from './atomic.ts';
import type { LinkType } from './config.ts';
import { errnoCode } from './fs-errors.ts';
import { hashSubdir, isDirOid, oidRelPath, type HashName } from './hash-info.ts';
import { hashMany } from './hash-pool.ts';
import { hashBytes, hashFile } from './hasher.ts';
import { Linker } from './link.ts';
import { parseManifest, type DirEntry } from './manifest.ts';
import { RACY_MS, type FileStamp, type StateCache } from './state.ts';

/** An object in a DVC cache or remote: its oid and the hash that names it. */
export interface ObjectRef {
  oid: string;
  name: HashName;
}

export type ObjectStatus = 'ok' | 'missing' | 'corrupt';

/** The object's path below a cache or remote root, `/`-separated: `files/md5/ab/cdef…`. */
export function objectKey(ref: ObjectRef): string {
  const sub = hashSubdir(ref.name);
  return sub === '' ? oidRelPath(ref.oid) : `${sub}/${oidRelPath(ref.oid)}`;
}

/** The hex digest an object's content must have: the oid without `.dir`. */
function expectedDigest(ref: ObjectRef): string {
  return isDirOid(ref.oid) ? ref.oid.slice(0, -4) : ref.oid;
}

function stampOf(st: Stats): FileStamp {
  return { dev: st.dev, ino: st.ino, mtimeMs: st.mtimeMs, size: st.size };
}

function sameStamp(known: FileStamp | undefined, st: Stats): boolean {
  return (
    known !== undefined &&
    known.dev === st.dev &&
    known.ino === st.ino &&
    known.mtimeMs === st.mtimeMs &&
    known.size === st.size
  );
}

const READ_ONLY = 0o444;

/**
 * The local object store in DVC 3's layout (`<dir>/files/md5/ab/cdef…`, legacy objects at
 * `<dir>/ab/cdef…`). Objects are written to a temporary name in their final directory, made
 * read-only, then renamed, so a reader never sees a partial object. An object is trusted only
 * after its content hashed to its name (the state cache remembers that by inode and mtime), and
 * one that does not is deleted and reported, never used.
 */
export class ObjectCache {
  readonly dir: string;
  readonly state: StateCache;
  readonly linker: Linker;
  private readonly madeDirs = new Set<string>();
  /**
   * Objects this process hashed or installed after hashing, by key: checked again, one whose
   * (inode, mtime, size) did not change is not re-read. (The state cache cannot remember objects
   * written in the last two seconds, and a pull checks out what it has just downloaded.)
   */
  private readonly verified = new Map<string, FileStamp>();

  constructor(dir: string, state: StateCache, linkTypes: readonly LinkType[]) {
    this.dir = dir;
    this.state = state;
    this.linker = new Linker(linkTypes);
  }

  path(ref: ObjectRef): string {
    return join(this.dir, objectKey(ref));
  }

  /** A temporary path in the object's directory, created if needed. */
  tempForSync(ref: ObjectRef): string {
    const dest = this.path(ref);
    const dir = dirname(dest);
    if (!this.madeDirs.has(dir)) {
      mkdirSync(dir, { recursive: true });
      this.madeDirs.add(dir);
    }
    return tempPathFor(dest);
  }

  async tempFor(ref: ObjectRef): Promise<string> {
    return Promise.resolve(this.tempForSync(ref));
  }

  /**
   * Move a complete, already verified temporary file into place as `ref`, read-only. An object
   * that is already there stays (the same name means the same content).
   */
  async install(temp: string, ref: ObjectRef): Promise<void> {
    await chmod(temp, READ_ONLY);
    await rename(temp, this.path(ref));
    this.verified.set(objectKey(ref), stampOf(statSync(this.path(ref))));
  }

  /** Whether each object is present, by listing object directories (fast for many objects). */
  presence(refs: readonly ObjectRef[]): Set<string> {
    const listed = new Map<string, Set<string>>();
    const present = new Set<string>();
    for (const ref of refs) {
      const key = objectKey(ref);
      const slash = key.lastIndexOf('/');
      const dir = key.slice(0, slash);
      let names = listed.get(dir);
      if (names === undefined) {
        try {
          names = new Set(readdirSync(join(this.dir, dir)));
        } catch {
          names = new Set();
        }
        listed.set(dir, names);
      }
      if (names.has(key.slice(slash + 1))) present.add(key);
    }
    return present;
  }

  /**
   * A fingerprint of the cache's contents without listing them: the mtime of every object
   * directory (adding or deleting an object changes its directory's mtime).
   */
  private contentsFingerprint(name: HashName): { fp: string; racy: boolean } {
    const base = join(this.dir, hashSubdir(name));
    const parts: (string | number)[] = [];
    let newest = 0;
    let names: string[] = [];
    try {
      names = readdirSync(base)
        .filter((n) => /^[0-9a-f]{2}$/.test(n))
        .sort();
    } catch {
      // no cache yet
    }
    for (const n of names) {
      const mtime = statSync(join(base, n)).mtimeMs;
      newest = Math.max(newest, mtime);
      parts.push(n, mtime);
    }
    return {
      fp: createHash('md5').update(parts.join('\0')).digest('hex'),
      racy: Date.now() - newest < RACY_MS,
    };
  }

  /**
   * Memos of "this object (a file, or a manifest and all its files) is in the cache", valid for
   * the cache's current contents. The contents are fingerprinted once per hash name, on first use,
   * so the caller must not write objects while it uses them (a status checking many paths).
   */
  completeness(): {
    known(ref: ObjectRef): boolean;
    remember(ref: ObjectRef): void;
  } {
    const fingerprints = new Map<HashName, { fp: string; racy: boolean }>();
    const fingerprint = (name: HashName) => {
      let known = fingerprints.get(name);
      if (!known) fingerprints.set(name, (known = this.contentsFingerprint(name)));
      return known;
    };
    const key = (ref: ObjectRef) => `complete:${this.dir}:${ref.name}:${ref.oid}`;
    return {
      known: (ref) => this.state.memo(key(ref), fingerprint(ref.name).fp) !== undefined,
      remember: (ref) => {
        const { fp, racy } = fingerprint(ref.name);
        if (!racy) this.state.setMemo(key(ref), fp, '1');
      },
    };
  }

  /** Check one object by content; a corrupt one is deleted. */
  async verify(ref: ObjectRef): Promise<ObjectStatus> {
    return (await this.verifyMany([ref])).get(objectKey(ref))!;
  }

  /**
   * Check objects by content (md5 through the state cache, so unchanged objects are not read
   * again; many objects are hashed on every core). Corrupt objects are deleted.
   */
  async verifyMany(
    refs: readonly ObjectRef[],
    onBytes?: (bytes: number) => void,
  ): Promise<Map<string, ObjectStatus>> {
    const result = new Map<string, ObjectStatus>();
    const toHash: { ref: ObjectRef; path: string; st: Stats }[] = [];
    for (const ref of refs) {
      const key = objectKey(ref);
      if (result.has(key)) continue;
      const path = this.path(ref);
      let st: Stats;
      try {
        st = statSync(path);
      } catch {
        result.set(key, 'missing');
        continue;
      }
      if (isDirOid(ref.oid)) {
        const bytes = await readFile(path);
        result.set(
          key,
          createHash('md5').update(bytes).digest('hex') === expectedDigest(ref) ? 'ok' : 'corrupt',
        );
      } else if (
        sameStamp(this.verified.get(key), st) ||
        this.state.get(st, ref.name) === ref.oid
      ) {
        result.set(key, 'ok');
      } else {
        toHash.push({ ref, path, st });
      }
    }
    for (const name of ['md5', 'md5-dos2unix'] as const) {
      const group = toHash.filter((t) => t.ref.name === name);
      if (group.length === 0) continue;
      const md5s = await hashMany(
        group.map((t) => ({ abs: t.path, size: t.st.size })),
        onBytes ? { name, onBytes } : { name },
      );
      group.forEach((t, i) => {
        const ok = md5s[i] === t.ref.oid;
        if (ok) {
          this.state.set(stampOf(t.st), t.ref.oid, name);
          this.verified.set(objectKey(t.ref), stampOf(t.st));
        }
        result.set(objectKey(t.ref), ok ? 'ok' : 'corrupt');
      });
    }
    for (const ref of refs) if (result.get(objectKey(ref)) === 'corrupt') await this.remove(ref);
    return result;
  }

  /** Delete an object (it is read-only; its directory is not). */
  async remove(ref: ObjectRef): Promise<void> {
    this.verified.delete(objectKey(ref));
    await rm(this.path(ref), { force: true });
  }

  /** Store bytes as an object (a `.dir` manifest); the name must be their hash. */
  async saveBytes(bytes: Uint8Array, ref: ObjectRef): Promise<void> {
    const path = this.path(ref);
    if ((await this.verify(ref)) === 'ok') return;
    await writeFileAtomic(path, bytes, { mode: READ_ONLY });
  }

  /**
   * Store a workspace file whose md5 is `md5` (computed from `stamp`). Uses a reflink or a hard
   * link when the cache's link types allow it (no copy at all; a hard-linked workspace file
   * becomes read-only, as with DVC), else a copy. Returns the oid actually stored: if the file
   * changed since it was hashed, the copy is hashed again and stored under its real hash.
   */
  async saveFile(abs: string, stamp: FileStamp, md5: string, exec = false): Promise<string> {
    const ref: ObjectRef = { oid: md5, name: 'md5' };
    if ((await this.verify(ref)) === 'ok') return md5;
    const temp = this.tempForSync(ref);
    try {
      const ownInode = this.linker.preferred() === 'symlink';
      const type = this.linker.link(abs, temp, { exec, ownInode });
      const st = statSync(temp);
      const unchanged =
        st.ino === stamp.ino && st.mtimeMs === stamp.mtimeMs && st.size === stamp.size;
      // A hard link to the file as it was hashed needs no second read; a copy is checked.
      const oid = type === 'hardlink' && unchanged ? md5 : await hashFile(temp);
      const real: ObjectRef = { oid, name: 'md5' };
      const placed = oid === md5 ? temp : this.tempForSync(real);
      if (placed !== temp) renameSync(temp, placed);
      chmodSync(placed, READ_ONLY);
      renameSync(placed, this.path(real));
      this.state.set(stampOf(statSync(this.path(real))), oid);
      return oid;
    } catch (error) {
      rmSync(temp, { force: true });
      throw error;
    }
  }

  /**
   * A directory manifest from the cache, checked against its oid. `missing` when absent,
   * `corrupt` (and deleted) when the bytes do not hash to the oid or are not a manifest.
   */
  async readManifest(ref: ObjectRef): Promise<DirEntry[] | 'missing' | 'corrupt'> {
    let bytes: Buffer;
    try {
      bytes = await readFile(this.path(ref));
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return 'missing';
      throw error;
    }
    const entries = hashBytes(bytes) === expectedDigest(ref) ? parseManifest(bytes) : undefined;
    if (entries === undefined) {
      await this.remove(ref);
      return 'corrupt';
    }
    return entries;
  }
}
