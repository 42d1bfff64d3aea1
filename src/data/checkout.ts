import { lstatSync, statSync, type Stats } from 'node:fs';
import { chmod, mkdir, rm } from 'node:fs/promises';
import { posix } from 'node:path';
import { InputError } from '../errors.ts';
import { objectKey, type ObjectRef } from './cache.ts';
import { errnoCode, fsError } from './fs-errors.ts';
import { isDirOid, type HashName } from './hash-info.ts';
import { hashFiles, hashOneFile } from './hash-path.ts';
import { workspaceMode } from './link.ts';
import type { DataRepo } from './repo.ts';
import { rulesFor, walkDir, type WalkedFile } from './walk.ts';

/** What a path should hold: the recorded hash (and for files whether it is executable). */
export interface CheckoutTarget {
  md5: string;
  hashName: HashName;
  isExec?: boolean;
}

export interface CheckoutResult {
  /** Repository-relative files written. */
  written: string[];
  /** Files removed from a directory because the recorded version does not have them. */
  removed: string[];
  /** Objects needed but absent (or corrupt, and deleted) in the cache: nothing was written. */
  missing: ObjectRef[];
}

function lstatOrUndefined(abs: string, rel: string): Stats | undefined {
  try {
    return lstatSync(abs);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT' || errnoCode(error) === 'ENOTDIR') return undefined;
    throw fsError(error, rel);
  }
}

function statOrUndefined(abs: string): Stats | undefined {
  try {
    return statSync(abs);
  } catch {
    return undefined;
  }
}

/** Link one object into place (atomically replacing what is there). */
function place(repo: DataRepo, ref: ObjectRef, abs: string, exec: boolean): void {
  repo.cache.linker.replace(repo.cache.path(ref), abs, { exec });
}

function refuse(rel: string, paths: string[]): never {
  const shown =
    paths.slice(0, 10).join(', ') + (paths.length > 10 ? `, and ${paths.length - 10} more` : '');
  throw new InputError(
    `${rel}: checkout would overwrite or delete data that is not in the cache: ${shown}`,
    {
      hint: 'save it first (`gitops-ml data add`), or pass --force to discard it',
    },
  );
}

/**
 * Make the workspace path `rel` hold the recorded version from the cache, with the configured
 * link types (reflink, hardlink, symlink or copy, first that works). Each file is replaced
 * atomically. Data in the way that the cache does not hold is only overwritten with `force`;
 * otherwise nothing is written and an InputError says what is in the way. Objects missing
 * from the cache, or corrupt, are reported in `missing` and nothing is written for that path.
 */
export async function checkoutPath(
  repo: DataRepo,
  rel: string,
  target: CheckoutTarget,
  options: { force?: boolean } = {},
): Promise<CheckoutResult> {
  const abs = posix.join(repo.root, rel);
  const ref: ObjectRef = { oid: target.md5, name: target.hashName };
  const result: CheckoutResult = { written: [], removed: [], missing: [] };
  const link = lstatOrUndefined(abs, rel);
  // A symlinked checkout is judged by what it points at; a dangling link is just in the way.
  const current = link?.isSymbolicLink() ? (statOrUndefined(abs) ?? link) : link;
  if (!isDirOid(target.md5)) {
    const exec = target.isExec === true;
    if (current?.isFile()) {
      const info = await hashOneFile(abs, current, { state: repo.state, name: target.hashName });
      if (info.md5 === target.md5) {
        if (exec !== (info.isExec === true) && (current.mode & 0o222) !== 0)
          await chmod(abs, workspaceMode(exec));
        return result;
      }
      if (!options.force && !repo.cache.presence([{ oid: info.md5, name: target.hashName }]).size)
        refuse(rel, [rel]);
    } else if (current !== undefined && !options.force) {
      refuse(rel, [`${rel} (${current.isDirectory() ? 'a directory' : 'not a file'})`]);
    }
    if ((await repo.cache.verify(ref)) !== 'ok') {
      result.missing.push(ref);
      return result;
    }
    if (current !== undefined && !current.isFile()) await rm(abs, { recursive: true, force: true });
    place(repo, ref, abs, exec);
    result.written.push(rel);
    return result;
  }

  const entries = await repo.cache.readManifest(ref);
  if (entries === 'missing' || entries === 'corrupt') {
    result.missing.push(ref);
    return result;
  }
  const refs = entries.map((e): ObjectRef => ({ oid: e.md5, name: target.hashName }));
  const statuses = await repo.cache.verifyMany(refs);
  const absent = refs.filter((r) => statuses.get(objectKey(r)) !== 'ok');
  if (absent.length > 0) {
    result.missing.push(...absent);
    return result;
  }

  if (current !== undefined && !current.isDirectory()) {
    if (!options.force) refuse(rel, [`${rel} (a file, not a directory)`]);
    await rm(abs, { force: true });
  }
  let existing: WalkedFile[] = [];
  if (current?.isDirectory()) existing = walkDir(repo.root, rel, rulesFor(repo.root, rel)).files;
  const md5s = await hashFiles(existing, repo.root, { state: repo.state, name: target.hashName });
  const have = new Map(existing.map((f, i) => [f.relpath, md5s[i]!]));
  const wanted = new Set(entries.map((e) => e.relpath));
  const toWrite = entries.filter((e) => have.get(e.relpath) !== e.md5);
  const toRemove = existing.filter((f) => !wanted.has(f.relpath)).map((f) => f.relpath);
  if (!options.force) {
    const replaced = [
      ...toWrite.filter((e) => have.has(e.relpath)).map((e) => e.relpath),
      ...toRemove,
    ];
    const objectOf = (p: string): ObjectRef => ({ oid: have.get(p)!, name: target.hashName });
    // One presence check for all of them (it lists each object directory once).
    const inCache = repo.cache.presence(replaced.map(objectOf));
    const lost = replaced.filter((p) => !inCache.has(objectKey(objectOf(p))));
    if (lost.length > 0)
      refuse(
        rel,
        lost.map((p) => `${rel}/${p}`),
      );
  }
  for (const e of toWrite) {
    place(repo, { oid: e.md5, name: target.hashName }, posix.join(abs, e.relpath), false);
    result.written.push(`${rel}/${e.relpath}`);
  }
  for (const p of toRemove) {
    await rm(posix.join(abs, p), { force: true });
    result.removed.push(`${rel}/${p}`);
  }
  if (current === undefined && entries.length === 0) await mkdir(abs, { recursive: true });
  return result;
}
