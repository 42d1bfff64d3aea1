import { createHash } from 'node:crypto';
import { comparePythonStr, pythonJsonString } from './python-json.ts';

/** One file of a directory: its `/`-separated path inside the directory and its md5. */
export interface DirEntry {
  relpath: string;
  md5: string;
}

/** Entries in DVC's order: by relpath as Python sorts `str`. Sorts in place and returns it. */
export function sortEntries<T extends DirEntry>(entries: T[]): T[] {
  // Without surrogates, UTF-16 order is code point order and the engine's comparison is faster.
  if (!entries.some((e) => surrogate.test(e.relpath)))
    return entries.sort((a, b) => (a.relpath < b.relpath ? -1 : a.relpath > b.relpath ? 1 : 0));
  return entries.sort((a, b) => comparePythonStr(a.relpath, b.relpath));
}

const surrogate = /[\uD800-\uDFFF]/;
const plainJson = /^[\x20\x21\x23-\x5B\x5D-\x7E]*$/;

function jsonString(s: string): string {
  return plainJson.test(s) ? `"${s}"` : pythonJsonString(s);
}

/**
 * The bytes of a `.dir` object: `json.dumps(entries, sort_keys=True)` with Python's default
 * separators, ASCII only, no trailing newline. `entries` must already be sorted (sortEntries).
 */
export function manifestBytes(entries: readonly DirEntry[]): Buffer {
  const parts = entries.map(
    (e) => `{"md5": ${jsonString(e.md5)}, "relpath": ${jsonString(e.relpath)}}`,
  );
  return Buffer.from(`[${parts.join(', ')}]`, 'ascii');
}

/** The directory's oid: md5 of the manifest bytes plus `.dir`. */
export function manifestOid(bytes: Uint8Array): string {
  return createHash('md5').update(bytes).digest('hex') + '.dir';
}

/**
 * Read a `.dir` object. DVC writes a list of `{md5, relpath}` (older versions also other keys,
 * which are ignored). Returns undefined when the bytes are not such a list.
 */
export function parseManifest(bytes: Uint8Array): DirEntry[] | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(raw)) return undefined;
  const entries: DirEntry[] = [];
  for (const item of raw as unknown[]) {
    if (typeof item !== 'object' || item === null) return undefined;
    const { relpath, md5 } = item as { relpath?: unknown; md5?: unknown };
    if (typeof relpath !== 'string' || typeof md5 !== 'string') return undefined;
    if (!/^[0-9a-f]{32}$/.test(md5) || !isSafeRelpath(relpath)) return undefined;
    entries.push({ relpath, md5 });
  }
  return entries;
}

/** A manifest path must stay inside its directory: no absolute paths, no `..`, no empty parts. */
export function isSafeRelpath(relpath: string): boolean {
  if (relpath === '' || relpath.startsWith('/') || relpath.includes('\0')) return false;
  return relpath.split('/').every((part) => part !== '' && part !== '.' && part !== '..');
}
