import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as DuckDbApi from '@duckdb/node-api';
import { InfraError } from '../errors.ts';
import {
  classifyEngineMessage,
  EngineError,
  type Engine,
  type EngineSettings,
  type Row,
} from './engine.ts';
import { str } from './sql.ts';
import { parseByteSize } from '../units.ts';

/** DuckDB's "125 MB per thread" minimum; below it queries fail instead of spilling. */
const MIN_BYTES_PER_THREAD = 125e6;

/**
 * Open an in-process DuckDB with the given limits. Relative paths in SQL resolve against
 * `settings.root`, so the SQL printed in results runs as written from the repository root.
 */
export async function openDuckDb(settings: EngineSettings): Promise<Engine> {
  let duckdb: typeof DuckDbApi;
  try {
    duckdb = await import('@duckdb/node-api');
  } catch (error) {
    throw new InfraError('cannot load DuckDB (@duckdb/node-api)', {
      cause: error,
      hint: 'reinstall gitops-ml (npm ci) so that the DuckDB native binding for this platform is present',
    });
  }
  const options: Record<string, string> = {};
  if (settings.threads !== undefined) options.threads = String(settings.threads);
  if (settings.memoryLimit !== undefined) {
    const bytes = parseByteSize(settings.memoryLimit);
    if (settings.threads !== undefined && bytes < MIN_BYTES_PER_THREAD * settings.threads) {
      throw new InfraError(
        `memory limit ${String(settings.memoryLimit)} is below DuckDB's minimum of 125 MB per thread for ${settings.threads} threads`,
        { hint: 'raise engine.memoryLimit or lower engine.threads in gitops-ml.yaml' },
      );
    }
    options.memory_limit = `${bytes}B`;
  }
  // DuckDB's default spill directory for an in-memory database is `.tmp` in the working
  // directory: the user's repository. Spill to a private temporary directory instead.
  const ownTemp =
    settings.tempDirectory === undefined
      ? mkdtempSync(join(tmpdir(), 'gitops-ml-duckdb-'))
      : undefined;
  const tempDirectory = settings.tempDirectory ?? ownTemp!;
  options.temp_directory = tempDirectory;
  let instance: DuckDbApi.DuckDBInstance;
  try {
    instance = await duckdb.DuckDBInstance.create(':memory:', options);
  } catch (error) {
    if (ownTemp) rmSync(ownTemp, { recursive: true, force: true });
    throw new InfraError(`cannot start DuckDB: ${(error as Error).message}`, {
      cause: error,
      hint: 'check engine.threads, engine.memoryLimit and engine.tempDirectory in gitops-ml.yaml',
    });
  }
  const connection = await instance.connect();
  let statements = 0;

  async function execute(sql: string): Promise<Row[]> {
    statements++;
    try {
      const start = performance.now();
      const reader = await connection.runAndReadAll(sql);
      settings.trace?.(sql, performance.now() - start);
      return reader.getRowObjectsJson();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new EngineError(message, classifyEngineMessage(message), sql, error);
    }
  }

  // Results never depend on row order (samples are ordered explicitly), so DuckDB may stream
  // and aggregate without keeping insertion order, which lowers memory on large files.
  await execute(`SET file_search_path = ${str(settings.root)}`);
  await execute('SET preserve_insertion_order = false');
  // A CSV row that fails to parse in any column is skipped by every query, even one that names
  // only some columns: keep `SELECT *` relations reading every column (see source.ts).
  await execute("SET disabled_optimizers = 'unused_columns'");
  // Custom checks are SQL from the spec: they may read the repository and nothing else, and
  // cannot change these settings back.
  const allowed = [settings.root, tempDirectory];
  await execute(
    `SET allowed_directories = [${allowed.map((d) => str(d.endsWith('/') ? d : `${d}/`)).join(', ')}]`,
  );
  await execute('SET enable_external_access = false');
  await execute('SET lock_configuration = true');
  statements = 0;
  return {
    all: execute,
    run: async (sql) => {
      await execute(sql);
    },
    async checkSelect(sql) {
      try {
        const extracted = await connection.extractStatements(sql);
        if (extracted.count !== 1) {
          throw new Error(`expected one SELECT statement, found ${extracted.count} statements`);
        }
        const prepared = await extracted.prepare(0);
        if (prepared.statementType !== duckdb.StatementType.SELECT) {
          throw new Error('expected a SELECT statement: a check may only read data');
        }
        prepared.destroySync();
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        throw new EngineError(message, 'sql', sql, error);
      }
    },
    get statements() {
      return statements;
    },
    close() {
      connection.closeSync();
      instance.closeSync();
      if (ownTemp) rmSync(ownTemp, { recursive: true, force: true });
    },
  };
}
