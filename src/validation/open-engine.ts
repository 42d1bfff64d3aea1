import type { RepoConfig } from '../spec/schema/repo-config.ts';
import { openDuckDb } from './duckdb.ts';
import { engineSettings, sqlTrace, type EngineFlags } from './settings.ts';

/**
 * DuckDB as a command opens it: gitops-ml.yaml `engine:` under the command-line flags, and
 * GITOPS_ML_DEBUG=sql tracing every statement to stderr.
 */
export function openEngine(
  root: string,
  config: RepoConfig | undefined,
  io: {
    env: Readonly<Record<string, string | undefined>>;
    stderr: { write(chunk: string): unknown };
  },
  flags: EngineFlags = {},
): ReturnType<typeof openDuckDb> {
  return openDuckDb({ ...engineSettings(root, config, flags), trace: sqlTrace(io.env, io.stderr) });
}
