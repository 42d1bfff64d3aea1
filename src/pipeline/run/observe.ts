import type { ResolvedStage } from '../../spec/expand.ts';
import { paramsLookup, type YamlValue } from '../../data/index.ts';
import type { LockedStage, Observed } from '../status.ts';
import type { ArtifactStore, PathHash } from './store.ts';

/** Params files by path, as their text (read once per run). */
export type ParamsFiles = ReadonlyMap<string, string>;

type Lookup = ReturnType<typeof paramsLookup>;

interface Parsed {
  text: string;
  lookup: Lookup | null;
}
/** Each params file of a run parsed once (null: it does not parse), not once per key. */
const parsed = new WeakMap<ParamsFiles, Map<string, Parsed>>();

function lookupIn(params: ParamsFiles, file: string, text: string): Lookup | null {
  let files = parsed.get(params);
  if (files === undefined) parsed.set(params, (files = new Map<string, Parsed>()));
  const known = files.get(file);
  if (known?.text === text) return known.lookup;
  let lookup: Lookup | null = null;
  try {
    lookup = paramsLookup(text, file);
  } catch {
    // A file that does not parse has no values, as a missing key has none.
  }
  files.set(file, { text, lookup });
  return lookup;
}

/** A param's value as dvc.lock records it (YAML types kept: `1.0` stays a float), or undefined. */
export function readParam(params: ParamsFiles, file: string, key: string): YamlValue | undefined {
  const text = params.get(file);
  if (text === undefined) return undefined;
  try {
    return lookupIn(params, file, text)?.([key])[key];
  } catch {
    return undefined;
  }
}

export interface Observation extends Observed {
  deps: ReadonlyMap<string, PathHash | undefined>;
  outs: ReadonlyMap<string, PathHash | undefined>;
}

/** Look at a stage's dependencies, outputs, cache and params as they are now. */
export async function observe(
  stage: ResolvedStage,
  locked: LockedStage | undefined,
  store: ArtifactStore,
  params: ParamsFiles,
): Promise<Observation> {
  const legacy = (path: string, entries: LockedStage['deps']) => {
    const e = entries?.find((x) => x.path === path);
    return e !== undefined && e.hash !== 'md5';
  };
  const deps = new Map<string, PathHash | undefined>();
  for (const dep of stage.deps)
    deps.set(dep.path, await store.hash(dep.path, legacy(dep.path, locked?.deps)));
  const outs = new Map<string, PathHash | undefined>();
  for (const out of stage.outs)
    outs.set(out.path, await store.hash(out.path, legacy(out.path, locked?.outs)));
  const cached = new Set<string>();
  for (const out of locked?.outs ?? []) {
    const declared = stage.outs.find((o) => o.path === out.path);
    // Only an output missing from the workspace can be restored: the others need no cache check.
    if (!declared?.cache || out.md5 === undefined || outs.get(out.path) !== undefined) continue;
    if (await store.has({ md5: out.md5, size: out.size ?? 0, nfiles: out.nfiles }))
      cached.add(out.path);
  }
  const values: Record<string, Record<string, unknown>> = {};
  for (const ref of stage.params)
    (values[ref.file] ??= {})[ref.key] = readParam(params, ref.file, ref.key);
  return { deps, outs, cached, params: values };
}
