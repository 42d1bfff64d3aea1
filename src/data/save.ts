import { statSync } from 'node:fs';
import { posix } from 'node:path';
import { InputError } from '../errors.ts';
import { fsError } from './fs-errors.ts';
import type { HashInfo } from './hash-info.ts';
import {
  assertNotIgnored,
  hashOneFile,
  hashTree,
  type HashOptions,
  type TreeHash,
} from './hash-path.ts';
import { manifestBytes, manifestOid } from './manifest.ts';
import { mapLimit } from './pool.ts';
import type { DataRepo } from './repo.ts';
import type { FileStamp } from './state.ts';

const SAVE_JOBS = 16;

/**
 * With hard links or symlinks, a workspace file is replaced by a link to its cache object (one
 * copy on disk), atomically; DVC does the same when it commits data.
 */
function relink(repo: DataRepo, abs: string, oid: string, exec: boolean): void {
  const type = repo.cache.linker.preferred();
  if (exec || (type !== 'hardlink' && type !== 'symlink')) return;
  const object = repo.cache.path({ oid, name: 'md5' });
  const ws = statSync(abs);
  const obj = statSync(object);
  if (ws.ino === obj.ino && ws.dev === obj.dev) return;
  repo.cache.linker.replace(object, abs);
}

async function saveOne(
  repo: DataRepo,
  abs: string,
  stamp: FileStamp,
  md5: string,
  exec: boolean,
): Promise<string> {
  const oid = await repo.cache.saveFile(abs, stamp, md5, exec);
  relink(repo, abs, oid, exec);
  return oid;
}

/** A workspace path hashed and ready to be stored (every read that can fail has happened). */
export type Hashed =
  | { kind: 'file'; rel: string; abs: string; stamp: FileStamp; info: HashInfo }
  | { kind: 'dir'; rel: string; tree: TreeHash };

/** Hash a workspace file or directory for saving; bad input (missing, unreadable, ignored…) throws here. */
export async function hashForSave(
  repo: DataRepo,
  rel: string,
  options: HashOptions = {},
): Promise<Hashed> {
  const abs = posix.join(repo.root, rel);
  let st;
  try {
    st = statSync(abs);
  } catch (error) {
    throw fsError(error, rel);
  }
  assertNotIgnored(repo.root, rel, st.isDirectory());
  const hashOptions: HashOptions = { ...options, state: repo.state };
  if (st.isFile())
    return { kind: 'file', rel, abs, stamp: st, info: await hashOneFile(abs, st, hashOptions) };
  if (!st.isDirectory()) throw new InputError(`${rel}: not a regular file or directory`);
  return { kind: 'dir', rel, tree: await hashTree(repo.root, rel, hashOptions) };
}

/**
 * Store what hashForSave found. A directory stores every file and then its `.dir` manifest, so a
 * manifest in the cache always has its files. Only files the cache lacks are copied (or linked).
 */
export async function saveHashed(repo: DataRepo, hashed: Hashed): Promise<HashInfo> {
  if (hashed.kind === 'file') {
    const { info, abs } = hashed;
    const oid = await saveOne(repo, abs, hashed.stamp, info.md5, info.isExec === true);
    if (oid === info.md5) return info;
    return { ...info, md5: oid, size: statSync(abs).size };
  }
  const { tree } = hashed;
  const oids = await mapLimit(tree.files, SAVE_JOBS, (f) =>
    saveOne(repo, f.file.abs, f.file, f.md5, (f.file.mode & 0o111) !== 0),
  );
  let { manifest, md5 } = tree;
  if (oids.some((oid, i) => oid !== tree.files[i]!.md5)) {
    // A file changed while it was being added: describe what was actually stored.
    manifest = manifestBytes(tree.files.map((f, i) => ({ relpath: f.relpath, md5: oids[i]! })));
    md5 = manifestOid(manifest);
  }
  await repo.cache.saveBytes(manifest, { oid: md5, name: 'md5' });
  return { md5, size: tree.size, nfiles: tree.nfiles };
}

/**
 * Put a workspace file or directory (repository-relative `rel`) into the cache and return its
 * HashInfo (hashForSave, then saveHashed).
 */
export async function savePath(
  repo: DataRepo,
  rel: string,
  options: HashOptions = {},
): Promise<HashInfo> {
  return saveHashed(repo, await hashForSave(repo, rel, options));
}
