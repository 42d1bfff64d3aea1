import { posix } from 'node:path';
import * as z from 'zod';
import type { Diagnostic } from '../diagnostic.ts';
import { PathIndex, normalizePath } from './path-index.ts';
import {
  layout,
  type DvcPointer,
  type LoadedRepo,
  type RepoReader,
  type SpecFile,
} from './repo.ts';
import { Deployment } from './schema/deployment.ts';
import { DvcYaml } from './schema/dvc-yaml.ts';
import { Model } from './schema/model.ts';
import { Pipeline } from './schema/pipeline.ts';
import { RepoConfig } from './schema/repo-config.ts';
import { parseYaml, type YamlSource } from './yaml-source.ts';
import { diagnosticAt } from './findings.ts';
import { salvage } from './salvage.ts';
import { checkAgainst } from './zod-diagnostics.ts';

interface Parsed<T> {
  source: YamlSource;
  data: T | undefined;
  /** The data is what could be salvaged from a file with schema errors. */
  partial: boolean;
}

function isSpecFile(name: string): boolean {
  return !name.startsWith('.') && (name.endsWith('.yaml') || name.endsWith('.yml'));
}

function stem(file: string): string {
  return posix.basename(file).replace(/\.ya?ml$/, '');
}

function at(
  source: YamlSource,
  path: (string | number)[],
  message: string,
  code: string,
): Diagnostic {
  return diagnosticAt(source, path, message, code);
}

/** Parse a spec file and check it against its schema; `whenEmpty` is used for an empty document. */
function parseSpec<T extends z.ZodType>(
  file: string,
  text: string,
  schema: T,
  diagnostics: Diagnostic[],
  whenEmpty: { value: unknown } | { error: string },
  salvageEntries: readonly string[] = [],
): Parsed<z.infer<T>> {
  const parsed = parseYaml(file, text);
  diagnostics.push(...parsed.diagnostics);
  if (parsed.diagnostics.length > 0)
    return { source: parsed.source, data: undefined, partial: false };
  let value = parsed.source.value;
  if (value === null || value === undefined) {
    if ('error' in whenEmpty) {
      diagnostics.push(at(parsed.source, [], whenEmpty.error, 'empty'));
      return { source: parsed.source, data: undefined, partial: false };
    }
    value = whenEmpty.value;
  }
  const checked = checkAgainst(schema, parsed.source, value);
  diagnostics.push(...checked.diagnostics);
  if (checked.data !== undefined)
    return { source: parsed.source, data: checked.data, partial: false };
  return { source: parsed.source, data: salvage(schema, value, salvageEntries), partial: true };
}

/** The repository's dvc.yaml as a pipeline named "dvc": its stages, vars and templating as DVC reads them. */
function dvcYamlPipeline(text: string, diagnostics: Diagnostic[]): Parsed<Pipeline> {
  const parsed = parseSpec(layout.dvcYaml, text, DvcYaml, diagnostics, { value: {} }, ['stages']);
  if (!parsed.data) return { source: parsed.source, data: undefined, partial: parsed.partial };
  const { stages = {}, vars } = parsed.data;
  return {
    source: parsed.source,
    data: { stages, ...(vars ? { vars } : {}) },
    partial: parsed.partial,
  };
}

const DvcFile = z.looseObject({
  outs: z.array(z.looseObject({ path: z.string().min(1), md5: z.string().optional() })).min(1),
});

async function readSpecDir(
  reader: RepoReader,
  dir: string,
): Promise<{ file: string; text: string }[]> {
  const names = (await reader.listFiles(dir)).filter(isSpecFile).sort();
  const texts = await Promise.all(names.map((name) => reader.readText(`${dir}/${name}`)));
  return names.flatMap((name, i) => {
    const text = texts[i];
    return text === undefined ? [] : [{ file: `${dir}/${name}`, text }];
  });
}

/** Load every spec of the repository, checking syntax and schemas (not cross-references). */
export async function loadRepo(
  reader: RepoReader,
): Promise<{ repo: LoadedRepo; diagnostics: Diagnostic[] }> {
  const diagnostics: Diagnostic[] = [];
  // Listing the work tree runs git: the specs are parsed meanwhile (awaited below, where it is
  // first needed; a failure before that leaves no unhandled rejection).
  const listing = reader.worktreeFiles();
  listing.catch(() => {});
  const [configText, dvcYamlText, pipelineFiles, modelFiles, deploymentFiles] = await Promise.all([
    reader.readText(layout.config),
    reader.readText(layout.dvcYaml),
    readSpecDir(reader, layout.pipelines),
    readSpecDir(reader, layout.models),
    readSpecDir(reader, layout.deployments),
  ]);

  let config: SpecFile<RepoConfig> | undefined;
  if (configText !== undefined) {
    const parsed = parseSpec(layout.config, configText, RepoConfig, diagnostics, { value: {} });
    if (parsed.data) {
      config = {
        source: parsed.source,
        data: parsed.data,
        name: layout.config,
        partial: parsed.partial,
      };
    }
  }

  const parsedPipelines = pipelineFiles.map((f) =>
    parseSpec(
      f.file,
      f.text,
      Pipeline,
      diagnostics,
      { error: 'the file is empty: a pipeline needs "stages"' },
      ['stages'],
    ),
  );
  if (dvcYamlText !== undefined) parsedPipelines.push(dvcYamlPipeline(dvcYamlText, diagnostics));
  const pipelines = named(
    parsedPipelines,
    (p) => p.data.name ?? stem(p.source.file),
    'pipeline',
    diagnostics,
  );
  for (const p of pipelines) {
    const fileStem = stem(p.source.file);
    if (p.data.name !== undefined && p.data.name !== fileStem) {
      diagnostics.push(
        at(
          p.source,
          ['name'],
          `pipeline "${p.data.name}" must live in pipelines/${p.data.name}.yaml (or drop "name")`,
          'name-mismatch',
        ),
      );
    }
  }

  const models = named(
    modelFiles.map((f) =>
      parseSpec(f.file, f.text, Model, diagnostics, {
        error: 'the file is empty: a model needs "name", "pipeline" and "artifact"',
      }),
    ),
    (m) => m.data.name,
    'model',
    diagnostics,
  );

  const deployments = named(
    deploymentFiles.map((f) => parseSpec(f.file, f.text, Deployment, diagnostics, { value: {} })),
    (d) => d.data.environment ?? stem(d.source.file),
    'deployment of environment',
    diagnostics,
  );
  for (const d of deployments) {
    if (d.data.environment !== undefined && d.data.environment !== stem(d.source.file)) {
      diagnostics.push(
        at(
          d.source,
          ['environment'],
          `environment "${d.data.environment}" must live in deployments/${d.data.environment}.yaml`,
          'name-mismatch',
        ),
      );
    }
  }

  const worktreeFiles = await listing;
  const worktree = new PathIndex(worktreeFiles);
  const dvc = await loadDvcPointers(reader, worktreeFiles, diagnostics);
  for (const pointer of dvc)
    for (const out of pointer.outs) worktree.add(out.path, out.dir ? 'dir' : 'file');

  const paramsFile = config?.data.params ?? layout.params;
  const paramFiles = new Set([normalizePath(paramsFile)]);
  for (const p of pipelines) {
    for (const file of p.data.params ?? []) paramFiles.add(normalizePath(file));
    for (const v of p.data.vars ?? [])
      if (typeof v === 'string') paramFiles.add(normalizePath(v.split(':')[0]!));
    for (const stage of Object.values(p.data.stages)) {
      for (const ref of [...(stage.params ?? []), ...(stage.do?.params ?? [])]) {
        if (typeof ref !== 'string')
          for (const file of Object.keys(ref)) paramFiles.add(normalizePath(file));
      }
    }
  }
  const params = new Map<string, SpecFile<unknown> | undefined>();
  const brokenParams = new Set<string>();
  await Promise.all(
    [...paramFiles].map(async (file) => {
      const text = await reader.readText(file);
      if (text === undefined) {
        params.set(file, undefined);
        return;
      }
      const parsed = parseYaml(file, text);
      diagnostics.push(...parsed.diagnostics);
      if (parsed.diagnostics.length > 0) brokenParams.add(file);
      const value = parsed.source.value ?? {};
      if (parsed.diagnostics.length === 0 && (typeof value !== 'object' || Array.isArray(value))) {
        diagnostics.push(
          at(parsed.source, [], 'a params file holds a mapping of names to values', 'params-file'),
        );
      }
      params.set(
        file,
        parsed.diagnostics.length === 0
          ? { source: parsed.source, data: value, name: file }
          : undefined,
      );
    }),
  );

  const loaded = new Set(pipelines.map((p) => stem(p.source.file)));
  const broken = {
    config: configText !== undefined && (config === undefined || config.partial === true),
    pipelines: new Set(
      [...pipelineFiles.map((f) => f.file), ...(dvcYamlText === undefined ? [] : [layout.dvcYaml])]
        .map(stem)
        .filter((n) => !loaded.has(n)),
    ),
    models: models.length < modelFiles.length,
    params: brokenParams,
  };
  const texts = new Map<string, string>();
  if (configText !== undefined) texts.set(layout.config, configText);
  for (const f of [...pipelineFiles, ...modelFiles, ...deploymentFiles]) texts.set(f.file, f.text);
  if (dvcYamlText !== undefined) texts.set(layout.dvcYaml, dvcYamlText);
  for (const [file, spec] of params) if (spec) texts.set(file, spec.source.text);
  const fileCount =
    (configText === undefined ? 0 : 1) +
    (dvcYamlText === undefined ? 0 : 1) +
    pipelineFiles.length +
    modelFiles.length +
    deploymentFiles.length;
  return {
    repo: {
      config,
      paramsFile: normalizePath(paramsFile),
      params,
      pipelines,
      models,
      deployments,
      dvc,
      worktree,
      texts,
      fileCount,
      broken,
    },
    diagnostics,
  };
}

/** Keep the specs that parsed, named; a name defined twice is an error at the later file. */
function named<T>(
  parsed: Parsed<T>[],
  nameOf: (spec: { source: YamlSource; data: T }) => string,
  kind: string,
  diagnostics: Diagnostic[],
): SpecFile<T>[] {
  const byName = new Map<string, SpecFile<T>>();
  for (const p of parsed) {
    if (p.data === undefined) continue;
    const spec = { source: p.source, data: p.data };
    const name = nameOf(spec);
    const first = byName.get(name);
    if (first) {
      diagnostics.push(
        at(
          p.source,
          ['name'],
          `${kind} "${name}" is also defined in ${first.source.file}`,
          'duplicate-name',
        ),
      );
      continue;
    }
    byName.set(name, { ...spec, name, partial: p.partial });
  }
  return [...byName.values()];
}

async function loadDvcPointers(
  reader: RepoReader,
  worktreeFiles: string[],
  diagnostics: Diagnostic[],
): Promise<DvcPointer[]> {
  const files = worktreeFiles.filter(
    (f) => f.endsWith('.dvc') && !f.startsWith('.dvc/') && posix.basename(f) !== '.dvc',
  );
  const texts = await Promise.all(files.map((f) => reader.readText(f)));
  const pointers: DvcPointer[] = [];
  files.forEach((file, i) => {
    const text = texts[i];
    if (text === undefined) return;
    const parsed = parseSpec(file, text, DvcFile, diagnostics, { error: 'the .dvc file is empty' });
    if (!parsed.data) return;
    const dir = posix.dirname(file);
    pointers.push({
      file,
      outs: parsed.data.outs.map((o) => ({
        path: normalizePath(posix.join(dir, o.path)),
        dir: o.md5?.endsWith('.dir') ?? false,
      })),
    });
  });
  return pointers;
}
