import { DuckDBInstance } from '@duckdb/node-api';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { parse } from 'yaml';
import { Pipeline } from '../../src/spec/schema/pipeline.ts';
import { openDuckDb } from '../../src/validation/duckdb.ts';
import type { Engine, EngineSettings } from '../../src/validation/engine.ts';
import type { PipelineTarget } from '../../src/validation/validate.ts';
import { projectRoot } from './temp.ts';

export const flightsParquet = join(
  projectRoot,
  'node_modules/vega-datasets/data/flights-3m.parquet',
);

/** A pipeline spec (YAML text) as validation takes it; stages are optional here. */
export function target(spec: string, name = 'p'): PipelineTarget {
  const data = parse(spec) as Record<string, unknown>;
  const pipeline = Pipeline.parse({ stages: { noop: { cmd: 'true' } }, ...data });
  return { name, file: `pipelines/${name}.yaml`, spec: pipeline, producers: [] };
}

/** Run `fn` with a DuckDB engine rooted at `root`, closed afterwards. */
export async function withEngine<T>(
  root: string,
  fn: (engine: Engine) => Promise<T>,
  settings: Partial<EngineSettings> = {},
): Promise<T> {
  const engine = await openDuckDb({ root, threads: 2, ...settings });
  try {
    return await fn(engine);
  } finally {
    engine.close();
  }
}

/** Run statements on a plain DuckDB (no sandbox) in `cwd`, as a user would; the last one's rows. */
export async function duckdbQuery(
  cwd: string,
  ...statements: string[]
): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  const connection = await instance.connect();
  try {
    await connection.run(`SET file_search_path = '${cwd.replace(/'/g, "''")}'`);
    let rows: Record<string, unknown>[] = [];
    for (const sql of statements) rows = (await connection.runAndReadAll(sql)).getRowObjectsJson();
    return rows;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Write fixtures with a plain DuckDB in `cwd`. */
export async function duckdbExec(cwd: string, ...statements: string[]): Promise<void> {
  await duckdbQuery(cwd, ...statements);
}

/** A temporary directory for a whole describe block (beforeAll), removed after it. */
export function suiteTempDir(prefix = 'gitops-ml-suite-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
