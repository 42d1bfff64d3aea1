// Engine settings: gitops-ml.yaml `engine:` overridden by command-line flags.

import { isAbsolute, resolve } from 'node:path';
import { UsageError } from '../errors.ts';
import type { RepoConfig } from '../spec/schema/repo-config.ts';
import type { EngineSettings } from './engine.ts';
import { parseByteSize } from '../units.ts';

export interface EngineFlags {
  threads?: string | undefined;
  memoryLimit?: string | undefined;
  tempDirectory?: string | undefined;
}

/** With GITOPS_ML_DEBUG=sql, every statement and its time on stderr. */
export function sqlTrace(
  env: Readonly<Record<string, string | undefined>>,
  stderr: { write(chunk: string): unknown },
): EngineSettings['trace'] {
  if (env.GITOPS_ML_DEBUG !== 'sql') return undefined;
  return (sql, ms) => stderr.write(`[sql ${ms.toFixed(0)} ms] ${sql.replace(/\s+/g, ' ')}\n`);
}

export function engineSettings(
  root: string,
  config: RepoConfig | undefined,
  flags: EngineFlags = {},
): EngineSettings {
  const engine = config?.engine ?? {};
  let threads = engine.threads;
  if (flags.threads !== undefined) {
    threads = Number(flags.threads);
    if (!Number.isInteger(threads) || threads < 1)
      throw new UsageError(`--threads ${flags.threads}: expected a whole number of at least 1`);
  }
  let memoryLimit = engine.memoryLimit;
  if (flags.memoryLimit !== undefined) {
    try {
      memoryLimit = parseByteSize(flags.memoryLimit);
    } catch {
      throw new UsageError(
        `--memory-limit ${flags.memoryLimit}: expected a size such as 1GB or 512MiB`,
      );
    }
  }
  const temp = flags.tempDirectory ?? engine.tempDirectory;
  return {
    root,
    threads,
    memoryLimit,
    tempDirectory: temp === undefined ? undefined : isAbsolute(temp) ? temp : resolve(root, temp),
  };
}
