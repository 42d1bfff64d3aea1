import { posix } from 'node:path';
import type { Findings, FileFindings } from './findings.ts';
import { normalizePath } from './path-index.ts';
import type { LoadedRepo, SpecFile } from './repo.ts';
import type { Pipeline } from './schema/pipeline.ts';
import { StageBody, type Out } from './schema/stage.ts';
import {
  hasTemplate,
  interpolate,
  isScalarValue,
  scope,
  type TemplateContext,
} from './template.ts';
import type { YamlPath, YamlSource } from './yaml-source.ts';
import { checkAgainst } from './zod-diagnostics.ts';

/** A repository path named in a spec, and where. */
export interface PathRef {
  path: string;
  at: YamlPath;
}

export type OutputKind = 'out' | 'metric' | 'plot';

export interface OutputRef extends PathRef {
  kind: OutputKind;
  cache: boolean;
  persist: boolean;
  push: boolean;
  remote: string | undefined;
  options: Readonly<Record<string, unknown>>;
}

export interface ParamRefResolved {
  file: string;
  key: string;
  at: YamlPath;
}

/** One runnable stage after foreach/matrix expansion and `${}` interpolation. */
export interface ResolvedStage {
  pipeline: string;
  /** `train`, or `train@lr0.1` for generated stages. */
  name: string;
  /** The stage's key in the spec (`train` for every `train@...`). */
  key: string;
  source: YamlSource;
  /** Path of the stage body inside the spec file. */
  at: YamlPath;
  body: StageBody;
  cmd: string[];
  wdir: string;
  deps: PathRef[];
  outs: OutputRef[];
  params: ParamRefResolved[];
}

export interface ResolvedPipeline {
  spec: SpecFile<Pipeline>;
  name: string;
  context: TemplateContext;
  stages: ResolvedStage[];
  /** The params file its stages read by default: its own `params:`, else the repository's. */
  paramsFile: string;
  /** False when a stage could not be expanded or an output kept an unresolved ${}. */
  exact: boolean;
}

type Problems = FileFindings;

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The `${}` context of a pipeline: the repo params file, then `vars`, plus `params.` as an alias. */
function pipelineContext(
  spec: SpecFile<Pipeline>,
  repo: LoadedRepo,
  paramsFile: string,
  problems: Problems,
): TemplateContext {
  const base = repo.params.get(paramsFile)?.data;
  const params = isRecord(base) ? base : {};
  // `${params.x}` reads the params file unless it defines a key named "params" itself.
  const context = scope(params, scope({ params }));
  const extra: Record<string, unknown> = {};
  const origins = new Map<string, string>();
  (spec.data.vars ?? []).forEach((entry, i) => {
    let values: Record<string, unknown>;
    let origin: string;
    if (typeof entry === 'string') {
      const [file, keys] = entry.split(':') as [string, string | undefined];
      const path = normalizePath(file);
      const loaded = repo.params.get(path);
      if (!loaded) {
        problems.add(['vars', i], `vars file "${file}" does not exist`, 'missing-file');
        return;
      }
      if (path === paramsFile) return; // already in the context
      const data = isRecord(loaded.data) ? loaded.data : {};
      values =
        keys === undefined
          ? data
          : Object.fromEntries(keys.split(',').map((k) => [k.trim(), data[k.trim()]]));
      origin = file;
    } else {
      values = entry;
      origin = `vars[${i}]`;
    }
    for (const [key, value] of Object.entries(values)) {
      const first = Object.hasOwn(params, key) ? paramsFile : origins.get(key);
      if (first !== undefined) {
        problems.add(
          ['vars', i],
          `"${key}" is already defined by ${first}; vars cannot redefine a name`,
        );
        continue;
      }
      origins.set(key, origin);
      extra[key] = value;
    }
  });
  return origins.size > 0 ? scope(extra, context) : context;
}

/** Interpolate every string below `value`; errors are reported at the string's own node. */
function interpolateTree(
  value: unknown,
  context: TemplateContext,
  path: YamlPath,
  problems: Problems,
  skip: ReadonlySet<string> = new Set(),
): unknown {
  if (typeof value === 'string') {
    if (!hasTemplate(value)) return value;
    const result = interpolate(value, context);
    if (!result.ok) {
      problems.add(path, result.error.message, 'template', 'value', result.error.expression);
      return value;
    }
    return result.value;
  }
  if (Array.isArray(value))
    return value.map((v, i) => interpolateTree(v, context, [...path, i], problems));
  if (isRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (skip.has(k)) {
        out[k] = v;
        continue;
      }
      // Keys are interpolated too: `- out/${item}.json: {cache: false}`.
      let key = k;
      if (hasTemplate(k)) {
        const result = interpolate(k, context);
        if (!result.ok)
          problems.add(
            [...path, k],
            result.error.message,
            'template',
            'key',
            result.error.expression,
          );
        else if (!isScalarValue(result.value))
          problems.add(
            [...path, k],
            `${k} must give a name, not a list or mapping`,
            'template',
            'key',
          );
        else key = String(result.value);
      }
      out[key] = interpolateTree(v, context, [...path, k], problems);
    }
    return out;
  }
  return value;
}

function suffixOf(value: unknown, fallback: string): string {
  return isScalarValue(value) ? String(value) : fallback;
}

interface Instance {
  name: string;
  at: YamlPath;
  raw: Record<string, unknown>;
  context: TemplateContext;
}

/** foreach / matrix expansion as dvc.yaml does it, before interpolation of the bodies. */
function instancesOf(
  key: string,
  raw: Record<string, unknown>,
  context: TemplateContext,
  problems: Problems,
): Instance[] {
  const at: YamlPath = ['stages', key];
  if (raw.foreach !== undefined) {
    let items: unknown = raw.foreach;
    if (typeof items === 'string') {
      const r = interpolate(items, context);
      if (!r.ok) {
        problems.add([...at, 'foreach'], r.error.message, 'template', 'value', r.error.expression);
        return [];
      }
      items = r.value;
    }
    const body = raw.do as Record<string, unknown>;
    const bodyAt = [...at, 'do'];
    if (Array.isArray(items)) {
      return (items as unknown[]).map((item, i) => ({
        name: `${key}@${suffixOf(item, String(i))}`,
        at: bodyAt,
        raw: body,
        context: scope({ item }, context),
      }));
    }
    if (isRecord(items)) {
      return Object.entries(items).map(([k, item]) => ({
        name: `${key}@${k}`,
        at: bodyAt,
        raw: body,
        context: scope({ item, key: k }, context),
      }));
    }
    problems.add([...at, 'foreach'], 'foreach needs a list or a mapping');
    return [];
  }
  if (raw.matrix !== undefined && isRecord(raw.matrix)) {
    const axes: [string, unknown[]][] = [];
    for (const [axis, values] of Object.entries(raw.matrix)) {
      let list = values;
      if (typeof list === 'string') {
        const r = interpolate(list, context);
        if (!r.ok) {
          problems.add(
            [...at, 'matrix', axis],
            r.error.message,
            'template',
            'value',
            r.error.expression,
          );
          return [];
        }
        list = r.value;
      }
      if (!Array.isArray(list) || list.length === 0) {
        problems.add([...at, 'matrix', axis], `matrix "${axis}" needs a non-empty list`);
        return [];
      }
      axes.push([axis, list]);
    }
    const body = { ...raw };
    delete body.matrix;
    let combos: { item: Record<string, unknown>; parts: string[] }[] = [{ item: {}, parts: [] }];
    for (const [axis, values] of axes) {
      combos = combos.flatMap((c) =>
        values.map((v, i) => ({
          item: { ...c.item, [axis]: v },
          parts: [...c.parts, suffixOf(v, `${axis}${i}`)],
        })),
      );
    }
    return combos.map((c) => ({
      name: `${key}@${c.parts.join('-')}`,
      at,
      raw: body,
      context: scope({ item: c.item }, context),
    }));
  }
  return [{ name: key, at, raw, context }];
}

function joinRepo(wdir: string, path: string): string {
  return normalizePath(posix.join(wdir, path));
}

function leavesRepo(path: string): boolean {
  return path === '..' || path.startsWith('../');
}

function outputsOf(
  entries: Out[] | undefined,
  kind: OutputKind,
  wdir: string,
  at: YamlPath,
  problems: Problems,
): OutputRef[] {
  return (entries ?? []).flatMap((entry, i) => {
    const [rel, options] =
      typeof entry === 'string'
        ? [entry, {}]
        : (Object.entries(entry)[0] as [string, Record<string, unknown>]);
    const path = joinRepo(wdir, rel);
    const entryAt = [...at, i];
    if (leavesRepo(path)) {
      problems.add(entryAt, `output "${rel}" leaves the repository`, 'path');
      return [];
    }
    return [
      {
        path,
        at: typeof entry === 'string' ? entryAt : [...entryAt, rel],
        kind,
        cache: options.cache !== false,
        persist: options.persist === true,
        push: options.push !== false,
        remote: typeof options.remote === 'string' ? options.remote : undefined,
        options,
      },
    ];
  });
}

function resolveInstance(
  pipeline: string,
  key: string,
  instance: Instance,
  defaultParams: string,
  problems: Problems,
): ResolvedStage | undefined {
  const before = problems.list.length;
  const templated = JSON.stringify(instance.raw).includes('${');
  // A failed ${} leaves its string as written, so the rest of the stage is still checked.
  const interpolated = templated
    ? interpolateTree(instance.raw, instance.context, instance.at, problems, new Set(['meta']))
    : instance.raw;
  let body = interpolated as StageBody;
  if (templated && problems.list.length === before) {
    const checked = checkAgainst(StageBody, problems.source, interpolated, instance.at);
    if (!checked.data) {
      problems.addAll(checked.diagnostics);
      return undefined;
    }
    body = checked.data;
  }
  const wdir = normalizePath(body.wdir ?? '.');
  if (leavesRepo(wdir)) {
    problems.add([...instance.at, 'wdir'], `wdir "${body.wdir}" leaves the repository`, 'path');
    return undefined;
  }
  const deps: PathRef[] = [];
  (body.deps ?? []).forEach((dep, i) => {
    const path = joinRepo(wdir, dep);
    if (leavesRepo(path))
      problems.add(
        [...instance.at, 'deps', i],
        `dependency "${dep}" leaves the repository`,
        'path',
      );
    else deps.push({ path, at: [...instance.at, 'deps', i] });
  });
  const outs = [
    ...outputsOf(body.outs, 'out', wdir, [...instance.at, 'outs'], problems),
    ...outputsOf(body.metrics, 'metric', wdir, [...instance.at, 'metrics'], problems),
    ...outputsOf(body.plots, 'plot', wdir, [...instance.at, 'plots'], problems),
  ];
  const params: ParamRefResolved[] = [];
  (body.params ?? []).forEach((ref, i) => {
    if (typeof ref === 'string') {
      params.push({ file: defaultParams, key: ref, at: [...instance.at, 'params', i] });
      return;
    }
    for (const [file, keys] of Object.entries(ref)) {
      keys.forEach((k, j) =>
        params.push({
          file: joinRepo(wdir, file),
          key: k,
          at: [...instance.at, 'params', i, file, j],
        }),
      );
    }
  });
  return {
    pipeline,
    name: instance.name,
    key,
    source: problems.source,
    at: instance.at,
    body,
    cmd: typeof body.cmd === 'string' ? [body.cmd] : body.cmd,
    wdir,
    deps,
    outs,
    params,
  };
}

/** Expand and interpolate every stage of a pipeline; problems go to `findings`. */
export function resolvePipeline(
  spec: SpecFile<Pipeline>,
  repo: LoadedRepo,
  findings: Findings,
): ResolvedPipeline {
  const problems = findings.in(spec.source);
  const paramsFile = normalizePath(spec.data.params?.[0] ?? repo.paramsFile);
  const context = pipelineContext(spec, repo, paramsFile, problems);
  const stages: ResolvedStage[] = [];
  const names = new Map<string, YamlPath>();
  let exact = true;
  for (const [key, raw] of Object.entries(spec.data.stages)) {
    const before = problems.list.length;
    const instances = instancesOf(key, raw, context, problems);
    if (instances.length === 0 && problems.list.length > before) exact = false;
    for (const instance of instances) {
      if (names.has(instance.name)) {
        problems.add(
          ['stages', key],
          `stage "${instance.name}" is generated twice: make the foreach/matrix values unique`,
          'duplicate-name',
          'key',
        );
        continue;
      }
      names.set(instance.name, instance.at);
      const stage = resolveInstance(spec.name, key, instance, paramsFile, problems);
      if (!stage) exact = false;
      else {
        if (stage.outs.some((o) => o.path.includes('${'))) exact = false;
        stages.push(stage);
      }
    }
  }
  return { spec, name: spec.name, context, stages, paramsFile, exact };
}
