import { readFile } from 'node:fs/promises';
import { posix } from 'node:path';
import * as z from 'zod';
import { SpecError } from '../errors.ts';
import { checkAgainst } from '../spec/zod-diagnostics.ts';
import { writeFileAtomic } from './atomic.ts';
import { Checksum, outputDataFields } from './data-schema.ts';
import { fsError } from './fs-errors.ts';
import type { HashInfo, HashName } from './hash-info.ts';
import { emitYaml, type YamlValue } from './yaml-emit.ts';
import { nodeValue, parseDvcYaml, rootNode, scalarText } from './yaml-read.ts';

const OutSchema = z.strictObject({
  path: z.string().min(1, { error: 'an output needs a non-empty "path"' }),
  ...outputDataFields,
  desc: z.string().optional(),
  type: z.string().optional(),
  labels: z.array(z.string()).optional(),
  meta: z.unknown().optional(),
  persist: z.boolean().optional(),
  cache: z.boolean().optional(),
  remote: z.string().optional(),
  push: z.boolean().optional(),
  fs_config: z.record(z.string(), z.unknown()).optional(),
});
const DvcFileSchema = z.strictObject({
  md5: Checksum.optional(),
  wdir: z.string().nullable().optional(),
  deps: z
    .array(z.looseObject({ path: z.string().min(1) }))
    .nullable()
    .optional(),
  outs: z.array(OutSchema).min(1, { error: 'a .dvc file tracks at least one output in "outs"' }),
  locked: z.boolean().optional(),
  frozen: z.boolean().optional(),
  meta: z.unknown().optional(),
  always_changed: z.boolean().optional(),
  desc: z.string().optional(),
});

/** One output of a `.dvc` file, with what the data commands need to know about it. */
export interface DvcOut {
  /** As written in the file (relative to the `.dvc` file's directory, `/`-separated). */
  path: string;
  /** Lowercase hex (`.dir` for directories); undefined when the file records none. */
  md5: string | undefined;
  size: number | undefined;
  nfiles: number | undefined;
  isexec: boolean;
  /** `md5` when the file says `hash: md5`, else the legacy `md5-dos2unix`. */
  hashName: HashName;
  /** `cache: false`: not kept in the cache, nothing to push or pull. */
  cache: boolean;
  /** `push: false`: kept in the cache but never pushed. */
  push: boolean;
  /** A remote this output always goes to. */
  remote: string | undefined;
}

/** A parsed `.dvc` file; `raw` keeps every key in its order so a rewrite changes only what changed. */
export interface DvcFile {
  file: string;
  /** The text as read. */
  text: string;
  outs: DvcOut[];
  /** `dvc import` stages carry deps; their data comes from elsewhere. */
  isImport: boolean;
  raw: Map<string, YamlValue>;
}

function asMap(value: YamlValue | undefined): Map<string, YamlValue> {
  return value instanceof Map ? (value as Map<string, YamlValue>) : new Map<string, YamlValue>();
}

function outFrom(map: Map<string, YamlValue>): DvcOut {
  const md5 = map.get('md5');
  const size = map.get('size');
  const nfiles = map.get('nfiles');
  const remote = map.get('remote');
  return {
    path: scalarText(map.get('path')) ?? '',
    md5: md5 === '' ? undefined : scalarText(md5)?.toLowerCase(),
    size: typeof size === 'number' ? size : undefined,
    nfiles: typeof nfiles === 'number' ? nfiles : undefined,
    isexec: map.get('isexec') === true,
    hashName: map.get('hash') === 'md5' ? 'md5' : 'md5-dos2unix',
    cache: map.get('cache') !== false,
    push: map.get('push') !== false,
    remote: typeof remote === 'string' ? remote : undefined,
  };
}

/** Parse a `.dvc` file. Syntax and schema problems are a SpecError pointing at file:line:col. */
export function parseDvcFile(text: string, file: string): DvcFile {
  const source = parseDvcYaml(file, text);
  if (source.value === null || source.value === undefined) {
    throw new SpecError(
      [{ file, severity: 'error', code: 'empty', message: 'the .dvc file is empty' }],
      { hint: `track the data again with "gitops-ml data add", or delete ${file}` },
    );
  }
  const checked = checkAgainst(DvcFileSchema, source, source.value);
  if (checked.diagnostics.length > 0) {
    throw new SpecError(checked.diagnostics, {
      hint: `${file} does not match DVC's .dvc file format`,
    });
  }
  const raw = asMap(nodeValue(rootNode(source)));
  const outs = (raw.get('outs') as YamlValue[]).map((o) => outFrom(asMap(o)));
  const deps = raw.get('deps');
  return { file, text, outs, isImport: Array.isArray(deps) && deps.length > 0, raw };
}

/** Read and parse a `.dvc` file (repository-relative `file` under `root`). */
export async function readDvcFile(root: string, file: string): Promise<DvcFile> {
  let text: string;
  try {
    text = await readFile(posix.join(root, file), 'utf8');
  } catch (error) {
    throw fsError(error, file);
  }
  return parseDvcFile(text, file);
}

const OUT_TAIL_KEYS = [
  'desc',
  'type',
  'labels',
  'meta',
  'cache',
  'metric',
  'plot',
  'persist',
  'remote',
  'push',
];

/**
 * An output's mapping in DVC's key order (`Output.dumpd`): the hash, size, nfiles, isexec, then
 * `hash: md5`, path, then annotations and flags carried over from `previous`.
 */
export function outYaml(
  path: string,
  info: HashInfo,
  previous?: Map<string, YamlValue>,
): Map<string, YamlValue> {
  const m = new Map<string, YamlValue>([
    ['md5', info.md5],
    ['size', info.size],
  ]);
  if (info.nfiles !== undefined) m.set('nfiles', info.nfiles);
  if (info.isExec === true) m.set('isexec', true);
  m.set('hash', 'md5');
  m.set('path', path);
  for (const key of OUT_TAIL_KEYS) {
    const v = previous?.get(key);
    if (v !== undefined) m.set(key, v);
  }
  return m;
}

/**
 * DVC's apply_diff: write `next` into `previous` keeping the order of keys `previous` already
 * has, appending new keys, dropping keys `next` lacks. Lists of equal length merge item by item.
 */
export function applyDiff(next: YamlValue, previous: YamlValue): YamlValue {
  if (next instanceof Map && previous instanceof Map) {
    const out = new Map<string, YamlValue>();
    for (const [k, v] of previous as Map<string, YamlValue>) {
      if ((next as Map<string, YamlValue>).has(k))
        out.set(k, applyDiff((next as Map<string, YamlValue>).get(k)!, v));
    }
    for (const [k, v] of next as Map<string, YamlValue>) if (!out.has(k)) out.set(k, v);
    return out;
  }
  if (Array.isArray(next) && Array.isArray(previous) && next.length === previous.length) {
    return (next as YamlValue[]).map((v, i) => applyDiff(v, (previous as YamlValue[])[i]!));
  }
  return next;
}

/** The text of a new `.dvc` file tracking one path. */
export function formatNewDvcFile(path: string, info: HashInfo): string {
  return emitYaml(new Map<string, YamlValue>([['outs', [outYaml(path, info)]]]));
}

/**
 * The text of `previous` with output `index` now recording `info`, every other key kept in place
 * (what DVC does when it re-adds data tracked by an existing `.dvc` file).
 */
export function formatUpdatedDvcFile(previous: DvcFile, index: number, info: HashInfo): string {
  const outs = (previous.raw.get('outs') as YamlValue[]).map((o, i) => {
    const old = asMap(o);
    return i === index ? outYaml(scalarText(old.get('path')) ?? '', info, old) : old;
  });
  const next = new Map(previous.raw);
  next.set('outs', outs);
  return emitYaml(applyDiff(next, previous.raw) as Map<string, YamlValue>);
}

export async function writeDvcFile(root: string, file: string, text: string): Promise<void> {
  await writeFileAtomic(posix.join(root, file), text);
}
