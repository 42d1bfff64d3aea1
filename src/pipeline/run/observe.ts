import type { ResolvedStage } from '../../spec/expand.ts';
import { paramValues, type YamlValue } from '../../data/index.ts';
import type { LockedStage, Observed } from '../status.ts';
import type { ArtifactStore, PathHash } from './store.ts';

/** Params files by path, as their text (read once per run). */
export type ParamsFiles = ReadonlyMap<string, string>;

/** A param's value as dvc.lock records it (YAML types kept: `1.0` stays a float), or undefined. */
export function readParam(params: ParamsFiles, file: string, key: string): YamlValue | undefined {
  const text = params.get(file);
  if (text === undefined) return undefined;
  try {
    return paramValues(text, file, [key])[key];
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
    if (!declared?.cache || out.md5 === undefined) continue;
    if (await store.has({ md5: out.md5, size: out.size ?? 0, nfiles: out.nfiles }))
      cached.add(out.path);
  }
  const values: Record<string, Record<string, unknown>> = {};
  for (const ref of stage.params)
    (values[ref.file] ??= {})[ref.key] = readParam(params, ref.file, ref.key);
  return { deps, outs, cached, params: values };
}
