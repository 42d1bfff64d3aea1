import { git } from './run.ts';

export interface GitState {
  commit: string | null;
  branch: string | null;
  /** Tracked files differ from HEAD. */
  dirty: boolean;
}

/** HEAD, its branch and whether tracked files have changes; nulls outside a repository. */
export async function gitState(root: string): Promise<GitState> {
  const head = await git(root, ['rev-parse', '--verify', '--quiet', 'HEAD'], {
    allowFailure: [1, 128],
  });
  if (!head) return { commit: null, branch: null, dirty: false };
  const [branch, status] = await Promise.all([
    git(root, ['symbolic-ref', '--short', '-q', 'HEAD'], { allowFailure: [1, 128] }),
    git(root, ['status', '--porcelain', '--untracked-files=no'], { allowFailure: [128] }),
  ]);
  return {
    commit: head.stdout.trim(),
    branch: branch?.stdout.trim() || null,
    dirty: (status?.stdout.trim() ?? '') !== '',
  };
}

export async function gitVersion(root: string): Promise<string | null> {
  const r = await git(root, ['--version'], { allowFailure: [1, 128] }).catch(() => undefined);
  return r?.stdout.trim().replace(/^git version /, '') ?? null;
}
