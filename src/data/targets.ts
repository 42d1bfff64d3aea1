import { readdirSync, readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { parse as parseYamlValue } from 'yaml';
import { InputError } from '../errors.ts';
import { git } from '../git/run.ts';
import { readDvcFile, type DvcFile } from './dvcfile.ts';
import type { HashName } from './hash-info.ts';
import { readLockFile, LOCK_FILE } from './lockfile.ts';
import { repoRelative } from './repo-path.ts';

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
  /** For `.dvc` outputs: the parsed file and the output's index in it. */
  dvcFile?: DvcFile;
  outIndex?: number;
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

/**
 * Outputs declared `cache: false` in pipeline specs or dvc.yaml (`- path: {cache: false}`), whose
 * dvc.lock entries have no cache objects.
 */
export function uncachedOutputs(root: string): Set<string> {
  const files: string[] = ['dvc.yaml'];
  try {
    for (const f of readdirSync(posix.join(root, 'pipelines')))
      if (/\.ya?ml$/.test(f)) files.push(`pipelines/${f}`);
  } catch {
    // no pipelines directory
  }
  const uncached = new Set<string>();
  for (const file of files) {
    let doc: unknown;
    try {
      doc = parseYamlValue(readFileSync(posix.join(root, file), 'utf8'));
    } catch {
      continue;
    }
    const stages = (doc as { stages?: unknown } | null)?.stages;
    if (typeof stages !== 'object' || stages === null) continue;
    for (const stage of Object.values(stages as Record<string, unknown>)) {
      const body = (stage as { do?: unknown })?.do ?? stage;
      for (const kind of ['outs', 'metrics', 'plots']) {
        const list = (body as Record<string, unknown> | null)?.[kind];
        if (!Array.isArray(list)) continue;
        for (const item of list as unknown[]) {
          if (typeof item !== 'object' || item === null) continue;
          for (const [path, opts] of Object.entries(item as Record<string, unknown>)) {
            if ((opts as { cache?: unknown } | null)?.cache === false)
              uncached.add(posix.normalize(path));
          }
        }
      }
    }
  }
  return uncached;
}

/**
 * A recorded output path, repository-relative; one that leaves the repository (a `..` too many,
 * an absolute path: DVC's old "external outputs") is refused, since checkout and pull write there.
 */
function insideRepo(path: string, source: string): string {
  const normal = posix.normalize(path);
  if (posix.isAbsolute(normal) || normal === '..' || normal.startsWith('../') || normal === '.') {
    throw new InputError(`${source}: output "${path}" is outside the repository`, {
      hint: 'outputs must be files or directories inside the repository (external outputs are not supported)',
    });
  }
  return normal;
}

function fromDvcFile(file: DvcFile): Tracked[] {
  const base = posix.dirname(file.file);
  const wdir = file.raw.get('wdir');
  const dir = typeof wdir === 'string' ? posix.join(base, wdir) : base;
  return file.outs.map((out, outIndex) => ({
    path: insideRepo(posix.isAbsolute(out.path) ? out.path : posix.join(dir, out.path), file.file),
    source: file.file,
    md5: out.md5,
    hashName: out.hashName,
    isExec: out.isexec,
    cache: out.cache && !file.isImport,
    push: out.push,
    remote: out.remote,
    dvcFile: file,
    outIndex,
  }));
}

/** Every tracked output: `.dvc` files (in path order), then dvc.lock stage outputs. */
export async function listTracked(root: string): Promise<Tracked[]> {
  const files = await findDvcFiles(root);
  const tracked: Tracked[] = [];
  for (const f of files) tracked.push(...fromDvcFile(await readDvcFile(root, f)));
  const lock = await readLockFile(root);
  if (lock) {
    const uncached = uncachedOutputs(root);
    for (const [stage, s] of Object.entries(lock.stages)) {
      for (const out of s.outs ?? []) {
        const path = insideRepo(out.path, LOCK_FILE);
        tracked.push({
          path,
          source: LOCK_FILE,
          stage,
          md5: out.md5,
          hashName: out.hash === 'md5' ? 'md5' : 'md5-dos2unix',
          isExec: out.isexec === true,
          cache: !uncached.has(path),
          push: true,
          remote: undefined,
        });
      }
    }
  }
  return tracked;
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
