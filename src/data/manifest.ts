import { createHash } from 'node:crypto';
import { pythonJsonString, pythonStrOrder } from './python-json.ts';

/** One file of a directory: its `/`-separated path inside the directory and its md5. */
export interface DirEntry {
  relpath: string;
  md5: string;
}

/** Entries in DVC's order: by relpath as Python sorts `str`. Sorts in place and returns it. */
export function sortEntries<T extends DirEntry>(entries: T[]): T[] {
  const order = pythonStrOrder(entries.map((e) => e.relpath));
  return entries.sort((a, b) => order(a.relpath, b.relpath));
}
const plainJson = /^[\x20\x21\x23-\x5B\x5D-\x7E]*$/;

function jsonString(s: string): string {
  return plainJson.test(s) ? `"${s}"` : pythonJsonString(s);
}

/** One entry as `json.dumps` writes it (an md5 is hex: nothing to escape). */
function entryJson(md5: string, relpath: string): string {
  return `{"md5": "${md5}", "relpath": ${jsonString(relpath)}}`;
}

/**
 * The bytes of a `.dir` object: `json.dumps(entries, sort_keys=True)` with Python's default
 * separators, ASCII only, no trailing newline. `entries` must already be sorted (sortEntries).
 */
export function manifestBytes(entries: readonly DirEntry[]): Buffer {
  return Buffer.from(`[${entries.map((e) => entryJson(e.md5, e.relpath)).join(', ')}]`, 'ascii');
}

/** What comes before each entry's relpath, a blank md5 included; the first entry has no `, `. */
const ENTRY_HEAD = Buffer.from(`, {"md5": "${' '.repeat(32)}", "relpath": `, 'latin1');
const MD5_AT = ', {"md5": "'.length;

/**
 * A manifest laid out before its md5s are known: the walk's files sorted and written with a blank
 * 32-character slot for each md5, filled as the hashes come back in any order (an md5 is always 32
 * hex digits). Made while the files are being hashed, it leaves nothing but the oid's md5 to do
 * once the last one is in. Written straight into its buffer: for 20,000 files a string joined
 * and then encoded costs several times more.
 */
export class ManifestSlots {
  readonly bytes: Buffer;
  /** Walk index of the file at each manifest position. */
  readonly order: Uint32Array;
  private readonly at: Uint32Array;

  /** For files `relpaths`, in the order they were found. */
  constructor(relpaths: readonly string[]) {
    const compare = pythonStrOrder(relpaths);
    const order = Array.from(relpaths.keys()).sort((a, b) => compare(relpaths[a]!, relpaths[b]!));
    this.order = Uint32Array.from(order);
    this.at = new Uint32Array(relpaths.length);
    // Relpaths that need escaping, escaped; the others are written between quotes as they are.
    const escaped = relpaths.map((r) => (plainJson.test(r) ? undefined : pythonJsonString(r)));
    let size = 2;
    for (let i = 0; i < relpaths.length; i++)
      size += ENTRY_HEAD.length + (escaped[i]?.length ?? relpaths[i]!.length + 2) + 1;
    const bytes = Buffer.allocUnsafe(size);
    let at = 0;
    bytes[at++] = 0x5b; // [
    for (let k = 0; k < order.length; k++) {
      const i = order[k]!;
      const skip = k === 0 ? 2 : 0; // no ", " before the first entry
      at += ENTRY_HEAD.copy(bytes, at, skip);
      this.at[i] = at - ENTRY_HEAD.length + MD5_AT;
      const json = escaped[i];
      if (json === undefined) {
        bytes[at++] = 0x22; // "
        at += bytes.write(relpaths[i]!, at, 'latin1');
        bytes[at++] = 0x22;
      } else at += bytes.write(json, at, 'latin1');
      bytes[at++] = 0x7d; // }
    }
    bytes[at++] = 0x5d; // ]
    this.bytes = bytes.subarray(0, at);
  }

  /** The md5 of file `i` (walk order). */
  set(i: number, md5: string): void {
    this.bytes.write(md5, this.at[i]!, 32, 'latin1');
  }

  oid(): string {
    return manifestOid(this.bytes);
  }
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
