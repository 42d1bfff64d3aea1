import type { LockedStage } from '../status.ts';

/**
 * Where each pipeline's dvc.lock-format lock lives and how it is read and updated: one file per
 * pipeline spec (`pipelines/x.yaml` → `pipelines/x.lock`; a repository's `dvc.yaml` → `dvc.lock`).
 * Updates are per stage and atomic, so a failure later in a run keeps what earlier stages recorded.
 */
export interface LockFiles {
  /** A lock's stages: read once, then as this process updated them. */
  read(specFile: string): Promise<ReadonlyMap<string, LockedStage>>;
  update(specFile: string, stage: string, entry: LockedStage): Promise<void>;
}

export function lockPathFor(specFile: string): string {
  return specFile.replace(/\.ya?ml$/, '') + '.lock';
}
