import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, writeFiles } from '../../test/support/temp.ts';
import { HashPool } from './hash-pool.ts';

describe('HashPool', () => {
  it('hashes whole files even when a file grew or shrank since the walk sized it', async () => {
    const root = tempDir();
    writeFiles(root, { a: 'foo', b: 'bar', c: '' });
    const pool = new HashPool(1);
    try {
      const md5s = await pool.submit([
        { abs: join(root, 'a'), size: 1 }, // grew
        { abs: join(root, 'b'), size: 1000 }, // shrank
        { abs: join(root, 'c'), size: 0 },
      ]);
      expect(md5s).toEqual([
        'acbd18db4cc2f85cedef654fccc4a4d8',
        '37b51d194a7513e45b56f6524f2d51f2',
        'd41d8cd98f00b204e9800998ecf8427e',
      ]);
    } finally {
      pool.close();
    }
  });
});
