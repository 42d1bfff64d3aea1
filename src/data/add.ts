import { existsSync, lstatSync } from 'node:fs';
import { posix } from 'node:path';
import { InputError } from '../errors.ts';
import {
  formatNewDvcFile,
  formatUpdatedDvcFile,
  readDvcFile,
  writeDvcFile,
  type DvcFile,
} from './dvcfile.ts';
import { errnoCode, fsError } from './fs-errors.ts';
import { ignoredByGit, ignoreInGit } from './gitignore.ts';
import type { HashInfo } from './hash-info.ts';
import { hashPath, type HashOptions } from './hash-path.ts';
import { ensureDvcDir, type DataRepo } from './repo.ts';
import { hashForSave, saveHashed, type Hashed } from './save.ts';
import type { Tracked } from './targets.ts';

export interface AddResult {
  path: string;
  /** The `.dvc` file that records it. */
  dvcFile: string;
  info: HashInfo;
  /** `.dvc` file created or changed (false when the data was already recorded as is). */
  changed: boolean;
  /** The `.gitignore` that now lists the path, if one was written. */
  gitignore: string | undefined;
}

/** Problems that make `data add` refuse a path before anything is written. */
export function checkAddable(repo: DataRepo, rel: string, tracked: readonly Tracked[]): void {
  let st;
  try {
    st = lstatSync(posix.join(repo.root, rel));
  } catch (error) {
    if (errnoCode(error) === 'ENOENT')
      throw new InputError(`${rel}: no such file or directory`, {
        hint: 'check the path; it is relative to the current directory',
      });
    throw fsError(error, rel);
  }
  if (st.isSymbolicLink())
    throw new InputError(`${rel}: is a symbolic link`, {
      hint: 'add the file or directory it points to instead',
    });
  const inside = tracked.find((t) => rel.startsWith(`${t.path}/`));
  if (inside)
    throw new InputError(
      `${rel}: is inside ${inside.path}, which ${inside.source} already tracks`,
      { hint: `add ${inside.path} again instead` },
    );
  const under = tracked.find((t) => t.path.startsWith(`${rel}/`));
  if (under)
    throw new InputError(`${rel}: contains ${under.path}, which ${under.source} already tracks`, {
      hint: `stop tracking ${under.path} first (delete ${under.source})`,
    });
  const byLock = tracked.find((t) => t.path === rel && t.source !== `${rel}.dvc`);
  if (byLock)
    throw new InputError(
      `${rel}: is an output of stage "${byLock.stage ?? '?'}" in ${byLock.source}`,
      { hint: 'pipeline outputs are versioned by the pipeline; do not add them by hand' },
    );
}

/** A path checked and hashed for `data add`; nothing has been written yet. */
export interface PreparedAdd {
  rel: string;
  dvcFile: string;
  previous: DvcFile | undefined;
  index: number;
  /** Set when a DVC 2 `.dvc` file already records this exact data (legacy hash): nothing to do. */
  unchangedLegacy?: HashInfo;
  hashed?: Hashed;
}

/**
 * First half of `dvc add`: read the existing `.dvc` file, hash the data. Every failure due to bad
 * input (missing or unreadable files, a symlink loop, a bad `.dvc` file) happens here.
 */
export async function prepareAdd(
  repo: DataRepo,
  rel: string,
  options: HashOptions = {},
): Promise<PreparedAdd> {
  const dvcFile = `${rel}.dvc`;
  const previous = existsSync(posix.join(repo.root, dvcFile))
    ? await readDvcFile(repo.root, dvcFile)
    : undefined;
  const index =
    previous?.outs.findIndex(
      (o) => posix.normalize(posix.join(posix.dirname(dvcFile), o.path)) === rel,
    ) ?? -1;
  if (previous && index < 0)
    throw new InputError(`${dvcFile} exists and tracks other paths, not ${rel}`, {
      hint: `rename or remove ${dvcFile}`,
    });
  const old = index >= 0 ? previous!.outs[index] : undefined;
  if (old?.hashName === 'md5-dos2unix' && old.md5 !== undefined) {
    const legacy = await hashPath(repo.root, rel, {
      ...options,
      state: repo.state,
      name: 'md5-dos2unix',
    });
    if (legacy.md5 === old.md5) {
      const info: HashInfo = { md5: old.md5, size: legacy.size };
      if (legacy.nfiles !== undefined) info.nfiles = legacy.nfiles;
      return { rel, dvcFile, previous, index, unchangedLegacy: info };
    }
  }
  return { rel, dvcFile, previous, index, hashed: await hashForSave(repo, rel, options) };
}

/**
 * Second half of `dvc add`: store the data, write `<path>.dvc`, list the path in `.gitignore`
 * unless git already ignores it (`ignored`: ignoredByGit for every path being added).
 */
export async function commitAdd(
  repo: DataRepo,
  p: PreparedAdd,
  ignored: ReadonlySet<string> | undefined,
): Promise<AddResult> {
  const { rel, dvcFile, previous, index } = p;
  if (p.unchangedLegacy || !p.hashed) {
    return {
      path: rel,
      dvcFile,
      info: p.unchangedLegacy!,
      changed: false,
      gitignore: await ignoreInGit(repo.root, rel, ignored),
    };
  }
  await ensureDvcDir(repo.root);
  const info = await saveHashed(repo, p.hashed);
  const text =
    previous && index >= 0
      ? formatUpdatedDvcFile(previous, index, info)
      : formatNewDvcFile(posix.basename(rel), info);
  const changed = previous === undefined || text !== previous.text;
  if (changed) await writeDvcFile(repo.root, dvcFile, text);
  const gitignore = await ignoreInGit(repo.root, rel, ignored);
  return { path: rel, dvcFile, info, changed, gitignore };
}

/**
 * `dvc add`: hash a file or directory, store it in the cache, write `<path>.dvc` (or update the
 * existing one, keeping its other keys and order) and list the path in `.gitignore`. Data a
 * DVC 2 `.dvc` file recorded (legacy hash) and that did not change is left as it is.
 */
export async function addPath(
  repo: DataRepo,
  rel: string,
  options: HashOptions = {},
): Promise<AddResult> {
  const prepared = await prepareAdd(repo, rel, options);
  return commitAdd(repo, prepared, await ignoredByGit(repo.root, [rel]));
}
