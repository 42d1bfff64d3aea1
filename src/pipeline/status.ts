import type { ResolvedStage } from '../spec/expand.ts';
import { pyEqual } from '../metrics/pyvalue.ts';
import { PyFloat } from '../python.ts';

/** What dvc.lock records for a path (structurally the data layer's LockEntry). */
export interface LockedPath {
  path: string;
  hash?: 'md5' | undefined;
  md5?: string | undefined;
  size?: number | undefined;
  nfiles?: number | undefined;
}

/** A stage as dvc.lock records it (structurally the data layer's LockStage). */
export interface LockedStage {
  cmd: string | string[];
  deps?: LockedPath[] | undefined;
  params?: Record<string, Record<string, unknown>> | undefined;
  outs?: LockedPath[] | undefined;
}

/** What is on disk now. Hashes are computed with the algorithm the lock entry used. */
export interface Observed {
  /** Current hash of each dependency, or undefined when it is missing. */
  deps: ReadonlyMap<string, { md5: string } | undefined>;
  /** Current hash of each output in the workspace, or undefined when it is missing. */
  outs: ReadonlyMap<string, { md5: string } | undefined>;
  /** Outputs missing from the workspace whose locked object is intact in the cache (restorable). */
  cached: ReadonlySet<string>;
  /** Current value of each param the stage reads: file → key → value. */
  params: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

export type Decision =
  | { action: 'run'; reasons: string[] }
  | { action: 'skip' }
  | { action: 'restore'; outs: string[] }
  | { action: 'frozen'; restore: string[] };

/** The command as dvc.lock stores it: a string for one command, a list for several. */
export function lockedCmd(stage: ResolvedStage): string | string[] {
  return typeof stage.body.cmd === 'string' ? stage.body.cmd : stage.cmd;
}

function sameCmd(a: string | string[], b: string | string[]): boolean {
  const list = (x: string | string[]) => (typeof x === 'string' ? [x] : x);
  const x = list(a);
  const y = list(b);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

function show(v: unknown): string {
  if (v === undefined) return 'unset';
  if (v instanceof PyFloat) return String(v.value);
  if (v instanceof Map) return JSON.stringify(Object.fromEntries(v as Map<string, unknown>));
  return JSON.stringify(v);
}

/** Outputs that are missing from the workspace but restorable from the cache. */
function restorable(
  locked: LockedStage,
  observed: Observed,
): { restore: string[]; lost: string[] } {
  const restore: string[] = [];
  const lost: string[] = [];
  for (const out of locked.outs ?? []) {
    if (observed.outs.get(out.path) !== undefined) continue;
    (observed.cached.has(out.path) ? restore : lost).push(out.path);
  }
  return { restore, lost };
}

/**
 * DVC's rule for whether a stage must run: it is up to date when its command, the hashes of its
 * dependencies, the values of its params and its outputs all match dvc.lock and the outputs exist
 * (outputs missing from the workspace but intact in the cache are checked out instead of rebuilt).
 */
export function decide(
  stage: ResolvedStage,
  locked: LockedStage | undefined,
  observed: Observed,
  options: { force?: boolean } = {},
): Decision {
  if (stage.body.frozen === true)
    return { action: 'frozen', restore: locked ? restorable(locked, observed).restore : [] };
  if (options.force === true) return { action: 'run', reasons: ['forced'] };
  if (stage.body.always_changed === true) return { action: 'run', reasons: ['always_changed'] };
  if (!locked) return { action: 'run', reasons: ['never ran: no lock entry'] };
  const reasons: string[] = [];
  if (!sameCmd(locked.cmd, lockedCmd(stage))) reasons.push('command changed');

  const lockedDeps = new Map((locked.deps ?? []).map((d) => [d.path, d]));
  for (const dep of stage.deps) {
    const was = lockedDeps.get(dep.path);
    lockedDeps.delete(dep.path);
    const now = observed.deps.get(dep.path);
    if (!was) reasons.push(`new dependency ${dep.path}`);
    else if (!now) reasons.push(`dependency ${dep.path} is missing`);
    else if (now.md5 !== was.md5) reasons.push(`dependency ${dep.path} changed`);
  }
  for (const gone of lockedDeps.keys()) reasons.push(`dependency ${gone} removed`);

  const seen = new Set<string>();
  for (const ref of stage.params) {
    seen.add(`${ref.file}\0${ref.key}`);
    const was = locked.params?.[ref.file]?.[ref.key];
    const now = observed.params[ref.file]?.[ref.key];
    if (was === undefined && now !== undefined) reasons.push(`param ${ref.key} added`);
    else if (!pyEqual(was, now))
      reasons.push(`param ${ref.key} changed: ${show(was)} → ${show(now)}`);
  }
  for (const [file, values] of Object.entries(locked.params ?? {})) {
    for (const key of Object.keys(values))
      if (!seen.has(`${file}\0${key}`)) reasons.push(`param ${key} removed`);
  }

  const lockedOuts = new Map((locked.outs ?? []).map((o) => [o.path, o]));
  for (const out of stage.outs) {
    const was = lockedOuts.get(out.path);
    lockedOuts.delete(out.path);
    if (!was) {
      reasons.push(`new output ${out.path}`);
      continue;
    }
    const now = observed.outs.get(out.path);
    if (now && now.md5 !== was.md5) reasons.push(`output ${out.path} was modified`);
  }
  for (const gone of lockedOuts.keys()) reasons.push(`output ${gone} removed`);
  const { restore, lost } = restorable(locked, observed);
  for (const path of lost)
    if (stage.outs.some((o) => o.path === path))
      reasons.push(`output ${path} is missing and not in the cache`);

  if (reasons.length > 0) return { action: 'run', reasons };
  return restore.length > 0 ? { action: 'restore', outs: restore } : { action: 'skip' };
}
