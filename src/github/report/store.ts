import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../data/atomic.ts';
import { InputError } from '../../errors.ts';
import { ReportModel, REPORT_DIR, type ReportModelInput } from './model.ts';

/** A report model is data from PR code: refuse anything larger than this before parsing it. */
export const MAX_MODEL_BYTES = 4 * 1024 * 1024;

/**
 * Write a pipeline's report model where `gitops-ml report` finds it
 * (`.gitops-ml/report/<pipeline>.json`), atomically. Producers call this; it validates first, so
 * a bad model fails where it was made.
 */
export async function writeReportModel(root: string, model: ReportModelInput): Promise<string> {
  const parsed = ReportModel.parse(model);
  const file = join(root, REPORT_DIR, `${parsed.pipeline}.json`);
  await writeFileAtomic(file, JSON.stringify(parsed, null, 2) + '\n');
  return file;
}

function describeIssues(error: { issues: readonly { path: PropertyKey[]; message: string }[] }) {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.map(String).join('.') : '(top)'}: ${i.message}`)
    .join('; ');
}

/** Every report model in `dir` (default `.gitops-ml/report` under `root`), sorted by pipeline. */
export async function readReportModels(root: string, dir = REPORT_DIR): Promise<ReportModel[]> {
  const full = join(root, dir);
  const names = await readdir(full).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw new InputError(`cannot list ${dir}: ${error.code ?? error.message}`, { cause: error });
  });
  const models: ReportModel[] = [];
  for (const name of names.filter((n) => n.endsWith('.json') && !n.startsWith('.')).sort()) {
    const path = `${dir}/${name}`;
    if ((await stat(join(full, name))).size > MAX_MODEL_BYTES)
      throw new InputError(`${path} is larger than ${MAX_MODEL_BYTES / 1024 / 1024} MB`, {
        hint: 'a report model holds summaries, not data; trim what the pipeline writes into it',
      });
    let json: unknown;
    try {
      json = JSON.parse(await readFile(join(full, name), 'utf8'));
    } catch (error) {
      throw new InputError(`${path} is not valid JSON: ${(error as Error).message}`, {
        cause: error,
      });
    }
    const parsed = ReportModel.safeParse(json);
    if (!parsed.success)
      throw new InputError(`${path} is not a valid report model: ${describeIssues(parsed.error)}`, {
        hint: 'report models are written by `gitops-ml run` (writeReportModel); see docs/adr/0032',
      });
    models.push(parsed.data);
  }
  return models;
}
