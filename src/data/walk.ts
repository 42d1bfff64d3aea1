import { readdirSync, readFileSync, statSync, type Dirent, type Stats } from 'node:fs';
import { posix } from 'node:path';
import { InputError } from '../errors.ts';
import { errnoCode, fsError } from './fs-errors.ts';
import { IgnoreRules, parseIgnoreFile } from './ignore-rules.ts';
import type { FileStamp } from './state.ts';

export const IGNORE_FILE = '.dvcignore';

/** A file found by a walk: where it is and what the state cache needs to know. */
export interface WalkedFile extends FileStamp {
  /** `/`-separated path relative to the walked directory. */
  relpath: string;
  /** Absolute path. */
  abs: string;
  mode: number;
}

export interface WalkResult {
  files: WalkedFile[];
  /** Symbolic links to directories: DVC does not follow them, so neither do we (they hash to nothing). */
  skippedDirLinks: string[];
}

/** Read a `.dvcignore` in repository-relative directory `dir`, if there is one. */
export function readIgnoreFile(
  root: string,
  dir: string,
): ReturnType<typeof parseIgnoreFile> | undefined {
  const rel = dir === '' ? IGNORE_FILE : `${dir}/${IGNORE_FILE}`;
  let text: string;
  try {
    text = readFileSync(posix.join(root, rel), 'utf8');
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw fsError(error, rel);
  }
  return parseIgnoreFile(text, dir, rel);
}

/**
 * The ignore rules that apply inside repository-relative directory `dir`: DVC's defaults and every
 * `.dvcignore` from the root down to `dir`'s parent (one inside `dir` is an error, as in DVC).
 */
export function rulesFor(root: string, dir: string): IgnoreRules {
  let rules = IgnoreRules.root(readIgnoreFile(root, ''));
  const parts = dir === '' ? [] : dir.split('/');
  for (let i = 1; i < parts.length; i++) {
    const file = readIgnoreFile(root, parts.slice(0, i).join('/'));
    if (file) rules = rules.with(file);
  }
  return rules;
}

/** The absolute directory a walk of repository-relative `dir` starts from (files' `abs` begin with it). */
export function walkBase(root: string, dir: string): string {
  return dir === '' ? root : `${root}/${dir}`;
}

/** Called for each file a walk finds: its relpath inside the walked directory, absolute path and stat. */
export type FileVisitor = (relpath: string, abs: string, st: Stats) => void;

/**
 * Every file under repository-relative directory `dir`, as DVC's walk sees it: `.dvcignore`
 * rules applied, nested DVC repositories skipped, symbolic links to files followed, symbolic links
 * to directories not entered. Problems the user can fix (a symlink loop, a dangling link, a
 * permission, a `.dvcignore` inside the tracked directory) are InputErrors. Each file goes to
 * `onFile` as it is found; returns the symbolic links to directories that were skipped.
 */
export function visitFiles(
  root: string,
  dir: string,
  rules: IgnoreRules,
  onFile: FileVisitor,
): string[] {
  // Stat'ing every file, the walk always has a Stats to give.
  return walkEntries(root, dir, rules, true, (relpath, abs, st) => onFile(relpath, abs, st!));
}

/**
 * The same walk without stat'ing regular files (the directory entry says what they are; symbolic
 * links are still stat'ed to apply the rules above). For a caller that stats each file where it
 * opens it, on another thread.
 */
export function visitFilesUnstated(
  root: string,
  dir: string,
  rules: IgnoreRules,
  onFile: (relpath: string, abs: string) => void,
): string[] {
  return walkEntries(root, dir, rules, false, onFile);
}

function walkEntries(
  root: string,
  dir: string,
  rules: IgnoreRules,
  statFiles: boolean,
  onFile: (relpath: string, abs: string, st?: Stats) => void,
): string[] {
  const skippedDirLinks: string[] = [];
  const prefix = dir === '' ? '' : `${dir}/`;
  const visit = (rel: string, absDir: string): void => {
    // `rel` is relative to the walked directory; `here` is the repository-relative prefix of entries.
    const here = rel === '' ? prefix : `${prefix}${rel}/`;
    let entries: Dirent[];
    try {
      entries = readdirSync(absDir, { withFileTypes: true });
    } catch (error) {
      throw fsError(error, here === '' ? '.' : here.slice(0, -1));
    }
    if (rel !== '' && entries.some((e) => e.name === '.dvc' && e.isDirectory())) return;
    for (const entry of entries) {
      const name = entry.name;
      const abs = `${absDir}/${name}`;
      if (entry.isDirectory()) {
        if (!rules.decideEntry(here, name, true)) visit(rel === '' ? name : `${rel}/${name}`, abs);
        continue;
      }
      let st: Stats | undefined;
      if (statFiles || !entry.isFile()) {
        try {
          st = statSync(abs);
        } catch (error) {
          const code = errnoCode(error);
          if (code === 'ENOENT' && entry.isSymbolicLink()) {
            throw new InputError(`${here}${name}: dangling symbolic link`, {
              cause: error,
              hint: 'point the link at an existing file or remove it',
            });
          }
          throw fsError(error, here + name);
        }
        if (st.isDirectory()) {
          if (!rules.decideEntry(here, name, true)) skippedDirLinks.push(here + name);
          continue;
        }
      }
      if (rules.decideEntry(here, name, false)) continue;
      if (name === IGNORE_FILE) {
        throw new InputError(
          `${here}${name}: a .dvcignore file may not be inside a tracked directory`,
          { hint: `move its patterns to a .dvcignore above "${dir}", as DVC requires` },
        );
      }
      if (st !== undefined && !st.isFile()) {
        throw new InputError(`${here}${name}: not a regular file (a socket, FIFO or device)`, {
          hint: 'data directories may hold only files and directories; move it out or list it in .dvcignore',
        });
      }
      onFile(rel === '' ? name : `${rel}/${name}`, abs, st);
    }
  };
  visit('', walkBase(root, dir));
  return skippedDirLinks;
}

/** Every file under `dir` (see visitFiles), kept as WalkedFiles; `onFile` sees each as it is found. */
export function walkDir(
  root: string,
  dir: string,
  rules: IgnoreRules,
  onFile?: (file: WalkedFile) => void,
): WalkResult {
  const files: WalkedFile[] = [];
  const skippedDirLinks = visitFiles(root, dir, rules, (relpath, abs, st) => {
    const file: WalkedFile = {
      relpath,
      abs,
      dev: st.dev,
      ino: st.ino,
      mtimeMs: st.mtimeMs,
      size: st.size,
      mode: st.mode,
    };
    files.push(file);
    onFile?.(file);
  });
  return { files, skippedDirLinks };
}
