import { readdirSync, readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { InputError } from '../errors.ts';
import { git } from '../git/run.ts';
import { errnoCode, fsError } from './fs-errors.ts';
import type { HashName } from './hash-info.ts';
import { LOCK_FILE } from './lock-name.ts';
import { repoRelative } from './repo-path.ts';
import { parsedOnce, type StateCache } from './state.ts';

/** A path whose data is versioned: recorded in a `.dvc` file or as a stage output in dvc.lock. */
export interface Tracked {
  /** Repository-relative path of the data. */
  path: string;
  /** The file that records it. */
  source: string;
  /** For dvc.lock outputs, the stage. */
  stage?: string;
  md5: string | undefined;
  hashName: HashName;
  isExec: boolean;
  /** Kept in the cache (false for `cache: false` outputs: nothing to push or pull). */
  cache: boolean;
  /** Pushed to remotes (`push: false` keeps it local). */
  push: boolean;
  /** The remote this output always uses, if it names one. */
  remote: string | undefined;
}

const SKIP_DIRS = new Set(['.git', '.dvc', 'node_modules']);

function walkForDvcFiles(root: string, dir = ''): string[] {
  const out: string[] = [];
  let entries;
  try {
    entries = readdirSync(posix.join(root, dir), { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const rel = dir === '' ? e.name : `${dir}/${e.name}`;
    if (e.isDirectory() && !SKIP_DIRS.has(e.name)) out.push(...walkForDvcFiles(root, rel));
    else if (e.isFile() && e.name.endsWith('.dvc') && e.name !== '.dvc') out.push(rel);
  }
  return out;
}

/** Every `.dvc` file of the repository (git's view when in git, so ignored trees are not walked). */
export async function findDvcFiles(root: string): Promise<string[]> {
  const listed = await git(
    root,
    ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', '*.dvc'],
    {
      allowFailure: [128],
    },
  );
  const files = listed
    ? listed.stdout.split('\0').filter((f) => f !== '' && !f.startsWith('.dvc/'))
    : walkForDvcFiles(root);
  return [...new Set(files)].sort();
}

/** The files listTracked reads: `.dvc` files, dvc.lock and (with a lock) the specs saying `cache: false`. */
export interface TrackedSources {
  dvcFiles: { file: string; text: string }[];
  lock: string | undefined;
  specs: { file: string; text: string }[];
}

/** A file's text; undefined when it does not exist and `optional`. */
function readText(root: string, file: string, optional: boolean): string | undefined {
  try {
    return readFileSync(posix.join(root, file), 'utf8');
  } catch (error) {
    if (optional && errnoCode(error) === 'ENOENT') return undefined;
    throw fsError(error, file);
  }
}

function specFiles(root: string): string[] {
  const files = ['dvc.yaml'];
  try {
    for (const f of readdirSync(posix.join(root, 'pipelines')).sort())
      if (/\.ya?ml$/.test(f)) files.push(`pipelines/${f}`);
  } catch {
    // no pipelines directory
  }
  return files;
}

async function readSources(root: string): Promise<TrackedSources> {
  const dvcFiles = (await findDvcFiles(root)).map((file) => ({
    file,
    text: readText(root, file, false)!,
  }));
  const lock = readText(root, LOCK_FILE, true);
  const specs: TrackedSources['specs'] = [];
  if (lock !== undefined)
    for (const file of specFiles(root)) {
      const text = readText(root, file, true);
      if (text !== undefined) specs.push({ file, text });
    }
  return { dvcFiles, lock, specs };
}

const MEMO_KEY = 'tracked';

/**
 * Every tracked output: `.dvc` files (in path order), then dvc.lock stage outputs. With a state
 * cache, what the files say is remembered against a digest of their text, so an unchanged
 * repository is listed without loading the YAML parser or the schemas (a no-op `data status`
 * spends its time on the data, not on start-up).
 */
export async function listTracked(root: string, state?: StateCache): Promise<Tracked[]> {
  const sources = await readSources(root);
  return parsedOnce(state, MEMO_KEY, JSON.stringify(sources), async () =>
    (await import('./tracked-parse.ts')).parseTracked(sources),
  );
}

/**
 * The tracked outputs the user named: a `.dvc` file, a tracked path, or a directory holding
 * tracked paths; all of them when `paths` is empty. A path that names nothing tracked, or a file
 * inside a tracked directory, is bad input.
 */
export function selectTracked(
  all: readonly Tracked[],
  root: string,
  cwd: string,
  paths: readonly string[],
): Tracked[] {
  if (paths.length === 0) return [...all];
  const chosen = new Map<string, Tracked>();
  for (const p of paths) {
    const rel = repoRelative(root, p, cwd);
    const matches = all.filter(
      (t) => t.source === rel || t.path === rel || t.path.startsWith(`${rel}/`),
    );
    if (matches.length === 0) {
      const inside = all.find((t) => rel.startsWith(`${t.path}/`));
      throw new InputError(
        inside
          ? `${p}: is inside the tracked directory ${inside.path}; name the directory`
          : `${p}: is not tracked by any .dvc file or dvc.lock`,
        { hint: inside ? undefined : 'track it first with `gitops-ml data add`' },
      );
    }
    for (const t of matches) chosen.set(`${t.source}\0${t.path}`, t);
  }
  return [...chosen.values()];
}
