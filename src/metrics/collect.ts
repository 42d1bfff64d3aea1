import { resolvePipeline } from '../spec/expand.ts';
import { Findings } from '../spec/findings.ts';
import { loadRepo } from '../spec/load.ts';
import { normalizePath } from '../spec/path-index.ts';
import type { RepoReader } from '../spec/repo.ts';
import type { Snapshot } from './diff.ts';
import { flatten } from './diff.ts';
import { isRecord, type PyValue } from './pyvalue.ts';
import { fileState } from './read.ts';

export type Kind = 'metrics' | 'params';

export interface Collected {
  snapshot: Snapshot;
  /** Spec files that did not load at this revision: what they declare is not compared. */
  skipped: string[];
}

interface Targets {
  files: Set<string>;
  /** params only: the keys stages depend on, per file. */
  keys: Map<string, Set<string>>;
}

async function targetsOf(
  reader: RepoReader,
  kind: Kind,
): Promise<{ targets: Targets; skipped: string[] }> {
  const { repo, diagnostics } = await loadRepo(reader);
  const findings = new Findings();
  const files = new Set<string>();
  const keys = new Map<string, Set<string>>();
  if (kind === 'params' && repo.params.get(repo.paramsFile)) files.add(repo.paramsFile);
  for (const spec of repo.pipelines) {
    const pipeline = resolvePipeline(spec, repo, findings);
    for (const stage of pipeline.stages) {
      if (kind === 'metrics') {
        for (const out of stage.outs) if (out.kind === 'metric') files.add(out.path);
      } else {
        for (const ref of stage.params) {
          files.add(ref.file);
          if (!keys.has(ref.file)) keys.set(ref.file, new Set());
          keys.get(ref.file)!.add(ref.key);
        }
      }
    }
    if (kind === 'params') for (const f of spec.data.params ?? []) files.add(normalizePath(f));
  }
  if (kind === 'metrics')
    for (const model of repo.models)
      if (model.data.metrics.file) files.add(normalizePath(model.data.metrics.file));
  const skipped = [
    ...new Set(diagnostics.filter((d) => d.severity === 'error').map((d) => d.file)),
  ].sort();
  return { targets: { files, keys }, skipped };
}

function onlyKeys(value: PyValue, wanted: Set<string>): PyValue {
  if (!isRecord(value)) return value;
  const out: Record<string, PyValue> = {};
  for (const [key, v] of Object.entries(flatten(value))) {
    if ([...wanted].some((w) => key === w || key.startsWith(`${w}.`))) out[key] = v;
  }
  return out;
}

/**
 * The metrics or params files the specs at this revision declare, read and parsed. `targets`
 * restricts to those paths; `depsOnly` (params) keeps only the keys some stage depends on.
 */
export async function collect(
  reader: RepoReader,
  kind: Kind,
  options: { targets?: readonly string[]; depsOnly?: boolean } = {},
): Promise<Collected> {
  const { targets, skipped } = await targetsOf(reader, kind);
  const wanted = options.targets?.length ? new Set(options.targets.map(normalizePath)) : undefined;
  const paths = [...targets.files].filter((f) => !wanted || wanted.has(f)).sort();
  const texts = await Promise.all(paths.map((p) => reader.readText(p)));
  const snapshot: Snapshot = {};
  paths.forEach((path, i) => {
    const text = texts[i];
    if (text === undefined) return;
    let state = fileState(path, text);
    if ('data' in state && options.depsOnly === true)
      state = { data: onlyKeys(state.data, targets.keys.get(path) ?? new Set()) };
    snapshot[path] = state;
  });
  return { snapshot, skipped };
}
