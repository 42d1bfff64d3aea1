import {
  isNumeric,
  isRecord,
  pyEqual,
  subtract,
  toNumber,
  type PyFloat,
  type PyValue,
} from './pyvalue.ts';

export interface Change {
  old: PyValue;
  new: PyValue;
  /** Present only when both sides are numbers. */
  diff?: number | PyFloat;
}

/** `{path: {key: change}}`, the shape of `dvc metrics diff --json`. */
export type DiffResult = Record<string, Record<string, Change>>;

/** One file at one revision: its parsed content, or why it could not be read. */
export type FileState = { data: PyValue } | { error: string };

/** Files by path at one revision; a file absent there is absent here. */
export type Snapshot = Record<string, FileState>;

const UNPARSED = 'unable to parse';

/** flatten_dict with the "dot" reducer: nested mappings become `a.b.c`; lists are leaves. */
export function flatten(
  value: { [key: string]: PyValue },
  prefix = '',
  out: Record<string, PyValue> = {},
): Record<string, PyValue> {
  for (const [key, v] of Object.entries(value)) {
    const full = prefix === '' ? key : `${prefix}.${key}`;
    if (isRecord(v) && Object.keys(v).length > 0) flatten(v, full, out);
    else out[full] = v;
  }
  return out;
}

function diffValues(older: PyValue, newer: PyValue, withUnchanged: boolean): Change | undefined {
  if (Array.isArray(older) && Array.isArray(newer) && older.length === 1 && newer.length === 1) {
    return diffValues(older[0]!, newer[0]!, withUnchanged);
  }
  if (!withUnchanged && pyEqual(older, newer)) return undefined;
  const change: Change = { old: older, new: newer };
  if (isNumeric(older) && isNumeric(newer)) change.diff = subtract(newer, older);
  return change;
}

/** A file's content as DVC's diff sees it: missing or unreadable is an empty mapping. */
function content(state: FileState | undefined): PyValue {
  return state === undefined || 'error' in state ? {} : state.data;
}

function falsy(v: PyValue): boolean {
  if (v === null || v === false || v === '' || v === 0) return true;
  if (isNumeric(v)) return toNumber(v) === 0;
  if (Array.isArray(v)) return v.length === 0;
  return isRecord(v) && Object.keys(v).length === 0;
}

/** DVC's `_flatten`: nothing for a falsy value; "unable to parse" for every key of a non-mapping. */
function flat(v: PyValue): { keys: Record<string, PyValue>; missing: PyValue } {
  if (falsy(v)) return { keys: {}, missing: null };
  if (isRecord(v)) return { keys: flatten(v), missing: null };
  return { keys: {}, missing: UNPARSED };
}

function diffFile(
  older: FileState | undefined,
  newer: FileState | undefined,
  withUnchanged: boolean,
): Record<string, Change> {
  const a = content(older);
  const b = content(newer);
  if (isRecord(a) || isRecord(b)) {
    const fa = flat(a);
    const fb = flat(b);
    const get = (f: typeof fa, key: string) =>
      Object.hasOwn(f.keys, key) ? f.keys[key]! : f.missing;
    const out: Record<string, Change> = {};
    for (const key of new Set([...Object.keys(fa.keys), ...Object.keys(fb.keys)])) {
      const change = diffValues(get(fa, key), get(fb, key), withUnchanged);
      if (change) out[key] = change;
    }
    return out;
  }
  const change = diffValues(a, b, withUnchanged);
  return change ? { '': change } : {};
}

/** DVC's metrics/params diff between two snapshots (old, new), with the same semantics. */
export function diffSnapshots(older: Snapshot, newer: Snapshot, withUnchanged = false): DiffResult {
  const out: DiffResult = {};
  for (const path of new Set([...Object.keys(older), ...Object.keys(newer)])) {
    const d = diffFile(older[path], newer[path], withUnchanged);
    if (Object.keys(d).length > 0) out[path] = d;
  }
  return out;
}
