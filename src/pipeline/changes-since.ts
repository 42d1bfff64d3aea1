import { changedFiles, mergeBase } from '../git/changes.ts';
import { commitOf, resolveRevision, revisionReader } from '../git/revision.ts';
import { resolvePipeline } from '../spec/expand.ts';
import { Findings } from '../spec/findings.ts';
import { loadRepo } from '../spec/load.ts';
import type { RepoReader } from '../spec/repo.ts';
import type { Validation } from '../spec/validate.ts';
import { affectedPipelines, type Affected, type Side } from './affected.ts';

async function sideOf(reader: RepoReader): Promise<Side> {
  const { repo } = await loadRepo(reader);
  const findings = new Findings();
  return {
    repo,
    pipelines: new Map(repo.pipelines.map((p) => [p.name, resolvePipeline(p, repo, findings)])),
  };
}

export interface ChangesSince {
  /** The merge base of `since` and HEAD: what the change is compared with. */
  base: string;
  changed: string[];
  affected: Affected[];
}

/** The pipelines the working tree's changes since `since` (from their merge base) affect. */
export async function changesSince(
  root: string,
  head: Validation,
  since: string,
): Promise<ChangesSince> {
  const sinceSha = await resolveRevision(root, since);
  const headSha = await commitOf(root, 'HEAD');
  const base = (headSha ? await mergeBase(root, sinceSha, headSha) : undefined) ?? sinceSha;
  const changed = await changedFiles(root, base);
  const reader = await revisionReader(root, base);
  try {
    const headSide: Side = {
      repo: head.repo,
      pipelines: new Map(head.pipelines.map((p) => [p.name, p])),
    };
    return { base, changed, affected: affectedPipelines(await sideOf(reader), headSide, changed) };
  } finally {
    reader.close();
  }
}
