import { posix } from 'node:path';
import { parse as parseYamlValue } from 'yaml';
import { InputError } from '../errors.ts';
import { parseDvcFile, type DvcFile } from './dvcfile.ts';
import { LOCK_FILE, parseLock } from './lockfile.ts';
import type { Tracked, TrackedSources } from './targets.ts';

/**
 * Outputs declared `cache: false` in pipeline specs or dvc.yaml (`- path: {cache: false}`), whose
 * dvc.lock entries have no cache objects. Specs that do not parse are skipped (`validate` reports them).
 */
function uncachedOutputs(specs: readonly { file: string; text: string }[]): Set<string> {
  const uncached = new Set<string>();
  for (const { text } of specs) {
    let doc: unknown;
    try {
      doc = parseYamlValue(text);
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
  return file.outs.map((out) => ({
    path: insideRepo(posix.isAbsolute(out.path) ? out.path : posix.join(dir, out.path), file.file),
    source: file.file,
    md5: out.md5,
    hashName: out.hashName,
    isExec: out.isexec,
    cache: out.cache && !file.isImport,
    push: out.push,
    remote: out.remote,
  }));
}

/**
 * Every tracked output the sources record: `.dvc` files (in path order), then dvc.lock stage
 * outputs. Syntax and schema problems are SpecErrors pointing at file:line:col.
 */
export function parseTracked(sources: TrackedSources): Tracked[] {
  const tracked: Tracked[] = [];
  for (const { file, text } of sources.dvcFiles)
    tracked.push(...fromDvcFile(parseDvcFile(text, file)));
  if (sources.lock === undefined) return tracked;
  const lock = parseLock(sources.lock, LOCK_FILE);
  const uncached = uncachedOutputs(sources.specs);
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
  return tracked;
}
