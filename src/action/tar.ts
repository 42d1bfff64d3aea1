import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';
import { InfraError } from '../errors.ts';

export interface TarEntry {
  path: string;
  type: 'file' | 'directory';
  mode: number;
  data: Uint8Array;
}

function field(block: Uint8Array, start: number, length: number): string {
  const bytes = block.subarray(start, start + length);
  const end = bytes.indexOf(0);
  return Buffer.from(end < 0 ? bytes : bytes.subarray(0, end)).toString('utf8');
}

function octal(block: Uint8Array, start: number, length: number): number {
  const text = field(block, start, length).trim();
  return text === '' ? 0 : parseInt(text, 8);
}

/** pax extended header records: "<len> key=value\n". */
function paxPath(data: Uint8Array): string | undefined {
  const text = Buffer.from(data).toString('utf8');
  for (const record of text.split('\n')) {
    const m = /^\d+ path=(.*)$/.exec(record);
    if (m) return m[1];
  }
  return undefined;
}

/**
 * Read a (decompressed) tar archive as npm packs them: ustar with pax or GNU long names,
 * regular files and directories only. Links and devices are refused: a package needs none, and
 * a link is how an archive writes outside its directory.
 */
export function readTar(archive: Uint8Array): TarEntry[] {
  const entries: TarEntry[] = [];
  let offset = 0;
  let longName: string | undefined;
  while (offset + 512 <= archive.length) {
    const header = archive.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    const size = octal(header, 124, 12);
    const type = String.fromCharCode(header[156] ?? 0);
    const data = archive.subarray(offset + 512, offset + 512 + size);
    offset += 512 + Math.ceil(size / 512) * 512;
    if (type === 'x') {
      longName = paxPath(data) ?? longName;
      continue;
    }
    if (type === 'L') {
      longName = field(data, 0, data.length);
      continue;
    }
    if (type === 'g') continue;
    const prefix = field(header, 345, 155);
    const name =
      longName ?? (prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100));
    longName = undefined;
    if (type === '5')
      entries.push({ path: name, type: 'directory', mode: octal(header, 100, 8), data });
    else if (type === '0' || type === '\0' || type === '7')
      entries.push({ path: name, type: 'file', mode: octal(header, 100, 8), data });
    else throw new InfraError(`refusing tar entry ${name}: type "${type}" (links are not allowed)`);
  }
  return entries;
}

/**
 * Write entries under `dir`, dropping the first path component (npm's "package/"). A path that
 * would land outside `dir` fails the whole extraction.
 */
export async function extractTar(entries: readonly TarEntry[], dir: string): Promise<void> {
  for (const entry of entries) {
    const inner = entry.path.split('/').slice(1).join('/');
    const normal = posix.normalize(inner);
    if (inner === '' || normal === '.') continue;
    if (normal.startsWith('../') || normal === '..' || posix.isAbsolute(normal))
      throw new InfraError(`refusing tar entry ${entry.path}: it points outside the package`);
    const target = join(dir, normal);
    if (entry.type === 'directory') {
      await mkdir(target, { recursive: true });
      continue;
    }
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, entry.data, { mode: entry.mode & 0o111 ? 0o755 : 0o644 });
  }
}
