import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/temp.ts';
import { HashPool } from './hash-pool.ts';
import { createLaneHasher, md5Lanes } from './md5-lanes.ts';

const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');

/** A lane hasher reading `chunk` bytes per lane at a time (small, so files span many chunks). */
function laneHasher(groups: number, chunk: number, aloneBytes = Infinity, simd = true) {
  const setup = md5Lanes({ groups, chunk, aloneBytes });
  expect(setup.module).not.toBeNull();
  return createLaneHasher({
    ...setup,
    ...(simd ? {} : { module: null }),
    createHash,
    fs: { openSync, readSync, fstatSync, closeSync },
  });
}

// Lengths around MD5's padding edges (55/56/63/64 bytes mod 64) and the chunk size (256 here).
const edges = [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 200, 255, 256, 257, 311, 312];

describe('md5 of many files at once (WebAssembly SIMD lanes)', () => {
  it('equals OpenSSL md5 for every file, whatever their lengths and order', () => {
    // Every file in lanes, or those of 1000 bytes or more hashed alone between them.
    const hashers = [laneHasher(2, 256), laneHasher(2, 256, 1000)];
    const dir = tempDir();
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.constantFrom(...edges).map((n) => new Uint8Array(n).map((_, i) => (i * 31) & 255)),
            fc.uint8Array({ maxLength: 3000 }),
          ),
          { minLength: 1, maxLength: 20 },
        ),
        fc.boolean(),
        fc.constantFrom(0, 1),
        (files, stamped, which) => {
          const hash = hashers[which]!;
          const paths = files.map((bytes, i) => {
            writeFileSync(join(dir, `f${i}`), bytes);
            return `f${i}`;
          });
          const stamps = stamped ? new Float64Array(paths.length * 5) : null;
          const sizes = stamped ? null : files.map((f) => f.length);
          const { md5s, error, deferred } = hash(dir, paths, sizes, stamps);
          expect(error).toBeNull();
          // Large files of a batch of several come back unhashed; alone, they are hashed.
          for (const i of deferred) {
            expect(files[i]!.length).toBeGreaterThanOrEqual(1000);
            expect(md5s[i]).toBeUndefined();
            md5s[i] = hash(dir, [paths[i]!], [files[i]!.length], null).md5s[0]!;
          }
          if (which === 1 && files.length > 1)
            expect(deferred).toEqual(files.flatMap((f, i) => (f.length >= 1000 ? [i] : [])));
          expect(md5s).toEqual(files.map(md5));
          if (stamps)
            for (let i = 0; i < files.length; i++) expect(stamps[i * 5 + 3]).toBe(files[i]!.length);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('hashes every file with OpenSSL, none deferred, where the module is not available', () => {
    const hash = laneHasher(2, 256, 1000, false);
    const dir = tempDir();
    const files = [0, 64, 999, 1000, 5000].map((n) => Buffer.alloc(n, n & 255));
    files.forEach((bytes, i) => writeFileSync(join(dir, `f${i}`), bytes));
    const paths = files.map((_, i) => `f${i}`);
    expect(hash(dir, paths, null, new Float64Array(paths.length * 5))).toEqual({
      md5s: files.map(md5),
      error: null,
      deferred: [],
    });
  });

  it('names the file it could not open, and goes on hashing the next batch', () => {
    const hash = laneHasher(1, 256);
    const dir = tempDir();
    for (const [i, n] of [0, 300, 70, 1000].entries())
      writeFileSync(join(dir, `f${i}`), 'x'.repeat(n));
    const paths = ['f0', 'f1', 'missing', 'f2', 'f3'];
    const { error } = hash(dir, paths, null, new Float64Array(paths.length * 5));
    expect(error).toMatchObject({ index: 2, code: 'ENOENT', syscall: 'open' });
    const again = hash(dir, ['f3', 'f1'], [1000, 300], null);
    expect(again).toEqual({
      deferred: [],
      md5s: [md5(Buffer.from('x'.repeat(1000))), md5(Buffer.from('x'.repeat(300)))],
      error: null,
    });
  });

  it('hashes the same in the hashing threads, from the serialised scheduler', async () => {
    const dir = tempDir();
    const files = Array.from({ length: 40 }, (_, i) => Buffer.alloc(i * 997 + (i % 3) * 64, i));
    files.push(Buffer.alloc((1 << 20) + 5, 7)); // more than one 1 MiB chunk
    files.push(Buffer.alloc(9 << 20, 9)); // large enough to be hashed alone
    files.forEach((bytes, i) => writeFileSync(join(dir, `f${i}`), bytes));
    const pool = new HashPool(2);
    try {
      const got = await pool.submitPaths(
        dir,
        files.map((_, i) => `f${i}`),
      );
      expect(got.md5s).toEqual(files.map(md5));
    } finally {
      pool.close();
    }
  });
});
