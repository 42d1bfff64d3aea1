import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/temp.ts';
import { openDuckDb } from './duckdb.ts';
import { engineSettings, sqlTrace } from './settings.ts';
import { formatAge, parseByteSize, parseDuration } from '../units.ts';

describe('engine settings', () => {
  it('reads gitops-ml.yaml engine:, lets flags win, and resolves the spill directory', () => {
    const config = { engine: { threads: 4, memoryLimit: '2GB', tempDirectory: '.spill' } };
    expect(engineSettings('/repo', config)).toEqual({
      root: '/repo',
      threads: 4,
      memoryLimit: '2GB',
      tempDirectory: '/repo/.spill',
    });
    expect(
      engineSettings('/repo', config, {
        threads: '1',
        memoryLimit: '512MiB',
        tempDirectory: '/tmp/x',
      }),
    ).toEqual({ root: '/repo', threads: 1, memoryLimit: 512 * 2 ** 20, tempDirectory: '/tmp/x' });
    expect(() => engineSettings('/repo', undefined, { threads: 'two' })).toThrow(
      '--threads two: expected a whole number of at least 1',
    );
    expect(() => engineSettings('/repo', undefined, { memoryLimit: 'lots' })).toThrow(
      '--memory-limit lots: expected a size such as 1GB or 512MiB',
    );
  });

  it('applies the limits to DuckDB and refuses less than 125 MB a thread', async () => {
    const root = tempDir();
    const engine = await openDuckDb({ root, threads: 2, memoryLimit: '1GB' });
    try {
      const [row] = await engine.all(
        "SELECT current_setting('threads') AS t, current_setting('memory_limit') AS m",
      );
      expect(row).toEqual({ t: '2', m: '953.6 MiB' });
    } finally {
      engine.close();
    }
    await expect(openDuckDb({ root, threads: 4, memoryLimit: '200MB' })).rejects.toThrow(
      "memory limit 200MB is below DuckDB's minimum of 125 MB per thread for 4 threads",
    );
  });

  it('keeps custom SQL inside the repository', async () => {
    const root = tempDir();
    const engine = await openDuckDb({ root });
    try {
      await expect(engine.all("SELECT * FROM read_text('/etc/passwd')")).rejects.toThrow(
        /Permission Error/,
      );
      await expect(engine.checkSelect('SELECT 1; SELECT 2')).rejects.toThrow(
        'expected one SELECT statement, found 2 statements',
      );
      await expect(engine.all('SET enable_external_access = true')).rejects.toThrow(/locked/);
    } finally {
      engine.close();
    }
  });

  it('traces statements only when asked', () => {
    let text = '';
    const trace = sqlTrace({ GITOPS_ML_DEBUG: 'sql' }, { write: (s: string) => (text += s) });
    trace?.('SELECT\n  1', 12.4);
    expect(text).toBe('[sql 12 ms] SELECT 1\n');
    expect(sqlTrace({}, { write: () => undefined })).toBeUndefined();
  });
});

describe('sizes and durations', () => {
  it('reads the spec language units', () => {
    expect(parseByteSize('1GB')).toBe(1e9);
    expect(parseByteSize('1.5 GiB')).toBe(1.5 * 2 ** 30);
    expect(parseByteSize(42)).toBe(42);
    expect(parseDuration('1h30m')).toBe(5400e3);
    expect(parseDuration('2d')).toBe(172800e3);
    expect(parseDuration(90)).toBe(90e3);
    expect(formatAge(3 * 86400e3 + 8 * 3600e3 + 5e3)).toBe('3d 8h');
    expect(formatAge(-45e3)).toBe('-45s');
  });
});
