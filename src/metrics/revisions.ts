import { resolveRevision, revisionReader } from '../git/revision.ts';
import { nodeRepoReader } from '../spec/node-reader.ts';
import { collect, type Collected, type Kind } from './collect.ts';
import { diffSnapshots, type DiffResult } from './diff.ts';

export const WORKSPACE = 'workspace';

/** Collect metrics or params at a revision, or in the working tree for "workspace". */
export async function collectAt(
  root: string,
  rev: string,
  kind: Kind,
  options: { targets?: readonly string[]; depsOnly?: boolean } = {},
): Promise<Collected> {
  if (rev === WORKSPACE) return collect(nodeRepoReader(root), kind, options);
  const reader = await revisionReader(root, await resolveRevision(root, rev));
  try {
    return await collect(reader, kind, options);
  } finally {
    reader.close();
  }
}

export interface RevisionDiff {
  diff: DiffResult;
  skipped: { rev: string; files: string[] }[];
}

/** `dvc metrics diff a b` / `dvc params diff a b`: a defaults to HEAD, b to the workspace. */
export async function diffRevisions(
  root: string,
  kind: Kind,
  a: string,
  b: string,
  options: { all?: boolean; targets?: readonly string[]; depsOnly?: boolean } = {},
): Promise<RevisionDiff> {
  const [older, newer] = await Promise.all([
    collectAt(root, a, kind, options),
    collectAt(root, b, kind, options),
  ]);
  const skipped = [
    { rev: a, files: older.skipped },
    { rev: b, files: newer.skipped },
  ].filter((s) => s.files.length > 0);
  return { diff: diffSnapshots(older.snapshot, newer.snapshot, options.all === true), skipped };
}
