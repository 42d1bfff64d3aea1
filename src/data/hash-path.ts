import { statSync, type Stats } from 'node:fs';
import { posix } from 'node:path';
import { InputError } from '../errors.ts';
import { errnoCode, fsError, fsErrorUnder } from './fs-errors.ts';
import type { HashInfo, HashName } from './hash-info.ts';
import { hashThreads, StreamingHasher } from './hash-pool.ts';
import { hashFile } from './hasher.ts';
import { manifestBytes, manifestOid, sortEntries, type DirEntry } from './manifest.ts';
import { repoRelative } from './repo-path.ts';
import { StampList, stampWalk } from './stamps.ts';
import type { StateCache } from './state.ts';
import { hashUnstated, type UnstatedTree } from './hash-unstated.ts';
import {
  readIgnoreFile,
  rulesFor,
  walkBase,
  walkDir,
  type WalkedFile,
  type WalkResult,
} from './walk.ts';

export interface HashOptions {
  /** Remembers md5s by (inode, mtime, size); without one every file is read. */
  state?: StateCache;
  /** `md5` (DVC 3, default) or the legacy `md5-dos2unix`. */
  name?: HashName;
  /** Threads for hashing many files (default: every core). */
  threads?: number;
  /**
   * Called once the amount of data to read is known (bytes not in the state cache). Where only
   * the number of files is known before reading (a directory the state cache knows nothing
   * about), `bytes` is 0 and onFiles counts the progress.
   */
  onStart?: (bytes: number, files: number) => void;
  onBytes?: (bytes: number) => void;
  /** Called as files are hashed (a count each time). */
  onFiles?: (files: number) => void;
}

/** A hashed file of a directory, with where it is on disk. */
export interface TreeFile extends DirEntry {
  file: WalkedFile;
}

/** A hashed directory: its HashInfo, the manifest bytes (the `.dir` object) and every file. */
export interface TreeHash extends HashInfo {
  nfiles: number;
  manifest: Buffer;
  /** Every file with its md5, in manifest order (may be made on first use: a hash alone never needs them). */
  readonly files: TreeFile[];
  /** Symbolic links to directories that were not followed (DVC does not follow them either). */
  skippedDirLinks: string[];
  /** The files' stamps in the order the walk found them (what the directory's memo is keyed by). */
  readonly stamps: StampList;
}

function isExec(mode: number): boolean {
  return (mode & 0o111) !== 0;
}

function statPath(abs: string, shown: string): Stats {
  try {
    return statSync(abs);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') {
      throw new InputError(`${shown}: no such file or directory`, {
        cause: error,
        hint: 'check the path (relative to the current directory); `gitops-ml data pull` brings tracked data back',
      });
    }
    throw fsError(error, shown);
  }
}

/** Hash files, reading only those the state cache does not know. */
export async function hashFiles(
  files: readonly WalkedFile[],
  root: string,
  options: HashOptions,
): Promise<string[]> {
  const session = hashSession(options);
  for (const f of files) session.add(f);
  return session.finish(root);
}

/**
 * Files go in as they are found; those the state cache knows are answered at once, the others
 * hashed (on threads once there is enough, while more files are still being found).
 */
function hashSession(options: HashOptions) {
  const name = options.name ?? 'md5';
  const known: (string | undefined)[] = [];
  const missing: WalkedFile[] = [];
  const missingAt: number[] = [];
  const hasher = new StreamingHasher(options);
  return {
    add(f: WalkedFile): void {
      const md5 = options.state?.get(f, name);
      known.push(md5);
      if (md5 === undefined) {
        missingAt.push(known.length - 1);
        missing.push(f);
        hasher.add({ abs: f.abs, size: f.size });
      }
    },
    async finish(root: string): Promise<string[]> {
      options.onStart?.(
        missing.reduce((s, f) => s + f.size, 0),
        missing.length,
      );
      let hashed: string[];
      try {
        hashed = await hasher.finish();
      } catch (error) {
        throw fsErrorUnder(error, root);
      }
      const now = Date.now();
      missingAt.forEach((i, k) => {
        known[i] = hashed[k]!;
        options.state?.set(missing[k]!, hashed[k]!, name, now);
      });
      return known as string[];
    },
  };
}

/**
 * Hash a directory as DVC 3 does: every file not ignored, entries `{md5, relpath}` sorted by
 * relpath in Python's order, serialised as Python's json.dumps; oid = md5(manifest) + `.dir`.
 * `rel` is repository-relative.
 */
export async function hashTree(
  root: string,
  rel: string,
  options: HashOptions = {},
): Promise<TreeHash> {
  const rules = rulesFor(root, rel);
  const name = options.name ?? 'md5';
  const threads = hashThreads(options.threads);
  // Nothing to look up (a fresh clone, CI): threads stat what they open, the walk only lists.
  if (name === 'md5' && threads > 1 && (options.state?.knowsNoFiles() ?? true)) {
    const now = Date.now();
    const unstated = await hashUnstated(root, rel, rules, threads, options);
    if (unstated) {
      options.state?.learn(unstated.stamps, unstated.md5s, name, now);
      return unstatedTree(unstated, walkBase(root, rel));
    }
  }
  const session = hashSession(options);
  const walked = walkDir(root, rel, rules, (f) => session.add(f));
  return treeOf(walked, await session.finish(root));
}

function treeOf(walked: WalkResult, md5s: readonly string[]): TreeHash {
  const { files, skippedDirLinks } = walked;
  const tree: TreeFile[] = files.map((file, i) => ({ relpath: file.relpath, md5: md5s[i]!, file }));
  sortEntries(tree);
  const manifest = manifestBytes(tree);
  let stamps: StampList | undefined;
  return {
    md5: manifestOid(manifest),
    size: files.reduce((s, f) => s + f.size, 0),
    nfiles: tree.length,
    manifest,
    files: tree,
    skippedDirLinks,
    get stamps() {
      return (stamps ??= StampList.of(files));
    },
  };
}

/** The TreeHash of what hashUnstated found; its files are made only if asked for. */
function unstatedTree(found: UnstatedTree, base: string): TreeHash {
  const { stamps, md5s, manifest } = found;
  let files: TreeFile[] | undefined;
  return {
    md5: manifest.oid(),
    size: stamps.totalSize(),
    nfiles: md5s.length,
    manifest: manifest.bytes,
    skippedDirLinks: found.skippedDirLinks,
    stamps,
    get files() {
      return (files ??= Array.from(manifest.order, (i) => {
        const file = stamps.file(i, base);
        return { relpath: file.relpath, md5: md5s[i]!, file };
      }));
    },
  };
}

/**
 * The directory's HashInfo without the manifest, answered from a memo when no file's (inode,
 * mtime, size) changed since the last time: an unchanged directory of 20,000 files costs one walk
 * and one md5 of its stamps. Otherwise the same as hashTree.
 */
export async function digestTree(
  root: string,
  rel: string,
  options: HashOptions = {},
): Promise<HashInfo> {
  const name = options.name ?? 'md5';
  const state = options.state;
  const key = `tree:${name}:${posix.join(root, rel)}`;
  let tree: TreeHash;
  if (state?.hasMemo(key)) {
    // Walk first: if nothing changed, the memo answers and no per-file state is even loaded.
    const walk = stampWalk(root, rel, rulesFor(root, rel));
    const known = state.memo(key, walk.stamps.fingerprint(name));
    if (known !== undefined) {
      const [md5, size, nfiles] = known.split(' ');
      options.onStart?.(0, 0);
      return { md5: md5!, size: Number(size), nfiles: Number(nfiles) };
    }
    const files = walk.files();
    tree = treeOf(
      { files, skippedDirLinks: walk.skippedDirLinks },
      await hashFiles(files, root, options),
    );
  } else {
    // Nothing remembered: hash while walking.
    tree = await hashTree(root, rel, options);
  }
  if (state) {
    const { stamps } = tree;
    if (stamps.settled(Date.now()))
      state.setMemo(key, stamps.fingerprint(name), `${tree.md5} ${tree.size} ${tree.nfiles}`);
  }
  return { md5: tree.md5, size: tree.size, nfiles: tree.nfiles };
}

/** Hash one file, through the state cache. */
export async function hashOneFile(
  abs: string,
  st: Stats,
  options: HashOptions = {},
): Promise<HashInfo> {
  const name = options.name ?? 'md5';
  let md5 = options.state?.get(st, name);
  if (md5 === undefined) {
    options.onStart?.(st.size, 1);
    md5 = await hashFile(abs, name, options.onBytes);
    options.state?.set(st, md5, name);
  } else {
    options.onStart?.(0, 0);
  }
  const info: HashInfo = { md5, size: st.size };
  if (isExec(st.mode)) info.isExec = true;
  return info;
}

/**
 * The DVC-3 hash of a file or directory: `{md5, size}` for a file (plus `isExec`), `{md5 + ".dir",
 * size, nfiles}` for a directory. `path` is relative to `root` (or absolute inside it); a path
 * outside the repository, missing, unreadable, ignored by .dvcignore, or a symlink loop is an
 * InputError.
 */
export async function hashPath(
  root: string,
  path: string,
  options: HashOptions = {},
): Promise<HashInfo> {
  const rel = repoRelative(root, path, root);
  const abs = posix.join(root, rel);
  const st = statPath(abs, rel);
  assertNotIgnored(root, rel, st.isDirectory());
  if (st.isDirectory()) return digestTree(root, rel, options);
  if (!st.isFile()) throw new InputError(`${rel}: not a regular file or directory`);
  try {
    return await hashOneFile(abs, st, options);
  } catch (error) {
    throw fsError(error, rel);
  }
}

/** DVC refuses to track a path its .dvcignore excludes; so do we. */
export function assertNotIgnored(root: string, rel: string, isDir: boolean): void {
  const parent = posix.dirname(rel) === '.' ? '' : posix.dirname(rel);
  let rules = rulesFor(root, parent);
  const own = parent === '' ? undefined : readIgnoreFile(root, parent);
  if (own) rules = rules.with(own);
  if (rules.isIgnored(rel, isDir)) {
    throw new InputError(`${rel}: is ignored by .dvcignore`, {
      hint: 'remove the matching pattern from .dvcignore, or pick another path',
    });
  }
}
