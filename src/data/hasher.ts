import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { Dos2UnixMd5, LEGACY_CHUNK } from './dos2unix.ts';
import type { HashName } from './hash-info.ts';

const CHUNK = 1 << 20;

interface Digest {
  update(data: Uint8Array): unknown;
  digest(encoding: 'hex'): string;
}

function hasherFor(name: HashName): Digest {
  if (name === 'md5') return createHash('md5');
  const d = new Dos2UnixMd5();
  return { update: (data) => d.update(data), digest: () => d.digest() };
}

/**
 * md5 of a file's bytes (or the legacy dos2unix md5), read in 1 MiB chunks with the next read
 * already in flight while the current chunk is hashed, so disk and CPU overlap.
 */
export async function hashFile(
  abs: string,
  name: HashName = 'md5',
  onBytes?: (bytes: number) => void,
): Promise<string> {
  const hash = hasherFor(name);
  const fh = await open(abs, 'r');
  try {
    let buffers = [Buffer.allocUnsafe(CHUNK), Buffer.allocUnsafe(CHUNK)] as const;
    let pending = fh.read(buffers[0], 0, CHUNK, null);
    for (;;) {
      const { bytesRead } = await pending;
      if (bytesRead === 0) break;
      const current = buffers[0];
      buffers = [buffers[1], buffers[0]];
      // Legacy hashing needs whole 1 MiB chunks; a short read mid-file is completed by Dos2UnixMd5.
      pending = fh.read(buffers[0], 0, CHUNK, null);
      hash.update(bytesRead === CHUNK ? current : current.subarray(0, bytesRead));
      onBytes?.(bytesRead);
    }
  } finally {
    await fh.close();
  }
  return hash.digest('hex');
}

/** The same, synchronously, reusing `buffer` (for many small files). */
export function hashFileSync(
  abs: string,
  name: HashName = 'md5',
  buffer = Buffer.allocUnsafe(CHUNK),
): string {
  const hash = hasherFor(name);
  const fd = openSync(abs, 'r');
  try {
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, null);
      if (n === 0) break;
      hash.update(n === buffer.length ? buffer : buffer.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

/** md5 of bytes in memory, raw or legacy. */
export function hashBytes(bytes: Uint8Array, name: HashName = 'md5'): string {
  const hash = hasherFor(name);
  for (let i = 0; i < bytes.length; i += LEGACY_CHUNK)
    hash.update(bytes.subarray(i, i + LEGACY_CHUNK));
  return hash.digest('hex');
}
