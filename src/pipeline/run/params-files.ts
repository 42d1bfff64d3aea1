import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ResolvedStage } from '../../spec/expand.ts';

/** The text of every params file the stages read (empty when one does not exist). */
export async function readParamsFiles(
  root: string,
  stages: readonly ResolvedStage[],
): Promise<Map<string, string>> {
  const params = new Map<string, string>();
  for (const file of new Set(stages.flatMap((s) => s.params.map((p) => p.file))))
    params.set(file, await readFile(join(root, file), 'utf8').catch(() => ''));
  return params;
}
