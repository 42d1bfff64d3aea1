import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod';
import { InputError, SpecError } from '../errors.ts';
import { checkAgainst } from '../spec/zod-diagnostics.ts';
import { writeFileAtomic } from './atomic.ts';
import { outputDataFields } from './data-schema.ts';
import { errnoCode, fsError } from './fs-errors.ts';
import { LOCK_FILE } from './lock-name.ts';
import type { HashInfo } from './hash-info.ts';
import { comparePythonStr } from './python-json.ts';
import { emitYaml, type YamlValue } from './yaml-emit.ts';
import { nodeValue, parseDvcYaml, rootNode, scalarText } from './yaml-read.ts';

export { LOCK_FILE };
const DEFAULT_PARAMS = 'params.yaml';

/**
 * One dependency or output of a stage in dvc.lock. `hash: 'md5'` marks DVC 3 hashes; without it
 * the md5 is DVC 2's legacy md5-dos2unix.
 */
export interface LockEntry {
  path: string;
  hash?: 'md5';
  md5?: string;
  size?: number;
  nfiles?: number;
  isexec?: boolean;
  /** Keys DVC writes that gitops-ml does not interpret (etag, version_id, files...), kept as read. */
  extra?: ReadonlyMap<string, YamlValue>;
}

export interface LockStage {
  cmd: string | string[];
  deps?: LockEntry[];
  /** Params file → param name → value (as in the params file; PyFloat keeps `1.0`). */
  params?: Record<string, Record<string, YamlValue>>;
  outs?: LockEntry[];
}

/** dvc.lock, schema 2.0. Stage order is kept as given (DVC appends new stages at the end). */
export interface Lock {
  stages: Record<string, LockStage>;
}

const LockEntrySchema = z.strictObject({ path: z.string().min(1), ...outputDataFields });
const LockSchema = z.strictObject({
  schema: z.literal('2.0', { error: "dvc.lock must declare schema: '2.0'" }),
  datasets: z.unknown().optional(),
  stages: z
    .record(
      z.string(),
      z.strictObject({
        cmd: z.union([z.string(), z.array(z.string())]),
        deps: z.array(LockEntrySchema).optional(),
        params: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
        outs: z.array(LockEntrySchema).optional(),
      }),
    )
    .optional(),
});

const ENTRY_KEYS = new Set(['path', 'hash', 'md5', 'size', 'nfiles', 'isexec']);

function entryFrom(map: ReadonlyMap<string, YamlValue>): LockEntry {
  const entry: LockEntry = { path: map.get('path') as string };
  if (map.get('hash') === 'md5') entry.hash = 'md5';
  const md5 = map.get('md5');
  const text = scalarText(md5);
  if (text !== undefined && text !== '') entry.md5 = text.toLowerCase();
  const size = map.get('size');
  if (typeof size === 'number') entry.size = size;
  const nfiles = map.get('nfiles');
  if (typeof nfiles === 'number') entry.nfiles = nfiles;
  if (map.get('isexec') === true) entry.isexec = true;
  const extra = new Map(
    [...map].filter(([k]) => !ENTRY_KEYS.has(k) || (k === 'hash' && map.get(k) !== 'md5')),
  );
  if (extra.size > 0) entry.extra = extra;
  return entry;
}

function asMap(value: YamlValue | undefined): ReadonlyMap<string, YamlValue> {
  return value instanceof Map ? value : new Map();
}

/**
 * Parse dvc.lock. A schema or syntax problem is a SpecError whose diagnostics point at
 * file:line:col.
 */
export function parseLock(text: string, file = LOCK_FILE): Lock {
  const source = parseDvcYaml(file, text);
  const checked = checkAgainst(LockSchema, source, source.value ?? {});
  if (checked.diagnostics.length > 0) {
    throw new SpecError(checked.diagnostics, {
      hint: `${file} does not match DVC's lock file schema 2.0`,
    });
  }
  const root = asMap(nodeValue(rootNode(source)));
  const stages: Record<string, LockStage> = {};
  for (const [name, raw] of asMap(root.get('stages'))) {
    const s = asMap(raw);
    const cmd = s.get('cmd');
    const stage: LockStage = { cmd: Array.isArray(cmd) ? (cmd as string[]) : (cmd as string) };
    const deps = s.get('deps');
    if (Array.isArray(deps)) stage.deps = (deps as YamlValue[]).map((d) => entryFrom(asMap(d)));
    const params = s.get('params');
    if (params instanceof Map) {
      stage.params = {};
      for (const [f, values] of params as Map<string, YamlValue>)
        stage.params[f] = Object.fromEntries(asMap(values));
    }
    const outs = s.get('outs');
    if (Array.isArray(outs)) stage.outs = (outs as YamlValue[]).map((o) => entryFrom(asMap(o)));
    stages[name] = stage;
  }
  return { stages };
}

function entryYaml(e: LockEntry): Map<string, YamlValue> {
  const m = new Map<string, YamlValue>([['path', e.path]]);
  if (e.hash === 'md5') m.set('hash', 'md5');
  if (e.md5 !== undefined) m.set('md5', e.md5);
  if (e.size !== undefined) m.set('size', e.size);
  if (e.nfiles !== undefined) m.set('nfiles', e.nfiles);
  if (e.isexec === true) m.set('isexec', true);
  for (const [k, v] of e.extra ?? []) if (!m.has(k)) m.set(k, v);
  return m;
}

function byPath(a: LockEntry, b: LockEntry): number {
  return comparePythonStr(a.path, b.path);
}

function paramsYaml(params: Record<string, Record<string, YamlValue>>): Map<string, YamlValue> {
  const files = Object.keys(params).sort(comparePythonStr);
  const ordered = files.includes(DEFAULT_PARAMS)
    ? [DEFAULT_PARAMS, ...files.filter((f) => f !== DEFAULT_PARAMS)]
    : files;
  return new Map(
    ordered.map((f) => {
      const values = params[f]!;
      const keys = Object.keys(values).sort(comparePythonStr);
      return [f, new Map(keys.map((k) => [k, values[k]!]))];
    }),
  );
}

/**
 * dvc.lock text exactly as DVC writes it: `schema: '2.0'`, then each stage's cmd, deps, params,
 * outs (empty ones left out), deps and outs sorted by path with keys path, hash, md5, size,
 * nfiles; params files with params.yaml first, then by name, their keys sorted (top level only).
 */
export function formatLock(lock: Lock): string {
  const stages = new Map<string, YamlValue>();
  for (const [name, stage] of Object.entries(lock.stages)) {
    const s = new Map<string, YamlValue>([['cmd', stage.cmd]]);
    if (stage.deps?.length) s.set('deps', [...stage.deps].sort(byPath).map(entryYaml));
    if (stage.params && Object.keys(stage.params).length > 0)
      s.set('params', paramsYaml(stage.params));
    if (stage.outs?.length) s.set('outs', [...stage.outs].sort(byPath).map(entryYaml));
    stages.set(name, s);
  }
  return emitYaml(
    new Map<string, YamlValue>([
      ['schema', '2.0'],
      ['stages', stages],
    ]),
  );
}

/** A lock entry for a path hashed by gitops-ml (always DVC 3 `hash: md5`). */
export function lockEntry(path: string, info: HashInfo): LockEntry {
  const entry: LockEntry = { path, hash: 'md5', md5: info.md5, size: info.size };
  if (info.nfiles !== undefined) entry.nfiles = info.nfiles;
  if (info.isExec === true) entry.isexec = true;
  return entry;
}

/** The repository's dvc.lock, or undefined when there is none. */
export async function readLockFile(root: string): Promise<Lock | undefined> {
  let text: string;
  try {
    text = await readFile(join(root, LOCK_FILE), 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return undefined;
    throw fsError(error, LOCK_FILE);
  }
  return parseLock(text, LOCK_FILE);
}

/** Write dvc.lock atomically (temp file + rename). */
export async function writeLockFile(root: string, lock: Lock): Promise<void> {
  await writeFileAtomic(join(root, LOCK_FILE), formatLock(lock));
}

/**
 * The values dvc.lock records for `keys` (dotted paths such as `train.lr`, or whole sections)
 * of a YAML or JSON params file: mapping order and integral floats (`1.0`) are kept, so the lock
 * reads as DVC writes it. A key the file lacks is bad input.
 */
export function paramValues(
  text: string,
  file: string,
  keys: readonly string[],
): Record<string, YamlValue> {
  return paramsLookup(text, file)(keys);
}

/**
 * paramValues for a file parsed once, however many keys are then looked up in it (a run reads
 * every param of every stage). The values it answers share structure: do not change them.
 */
export function paramsLookup(
  text: string,
  file: string,
): (keys: readonly string[]) => Record<string, YamlValue> {
  const root = nodeValue(rootNode(parseDvcYaml(file, text)));
  return (keys) => {
    const out: Record<string, YamlValue> = {};
    for (const key of keys) {
      let value: YamlValue | undefined = root;
      for (const part of key.split('.')) {
        if (value instanceof Map) value = (value as Map<string, YamlValue>).get(part);
        else if (Array.isArray(value) && /^\d+$/.test(part))
          value = (value as YamlValue[])[Number(part)];
        else value = undefined;
        if (value === undefined) break;
      }
      if (value === undefined) {
        throw new InputError(`${file}: has no param "${key}"`, {
          hint: `add "${key}" to ${file}, or remove it from the stage's params`,
        });
      }
      out[key] = value;
    }
    return out;
  };
}
