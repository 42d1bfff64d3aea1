import { git } from './run.ts';

export interface GitState {
  commit: string | null;
  branch: string | null;
  /** Tracked files differ from HEAD. */
  dirty: boolean;
}

/**
 * HEAD, its branch and whether tracked files have changes; nulls outside a repository. One git
 * process answers all three (`status --porcelain=v2 --branch` heads its list with the commit and
 * the branch): a run records this on every start, and each spawn costs tens of milliseconds.
 */
export async function gitState(root: string): Promise<GitState> {
  const status = await git(
    root,
    ['status', '--porcelain=v2', '--branch', '--no-ahead-behind', '--untracked-files=no'],
    { allowFailure: [128] },
  );
  const lines = status?.stdout.split('\n').filter((l) => l !== '') ?? [];
  const header = (name: string) =>
    lines.find((l) => l.startsWith(`# branch.${name} `))?.slice(`# branch.${name} `.length);
  const commit = header('oid');
  if (commit === undefined || !/^[0-9a-f]{40,64}$/.test(commit))
    return { commit: null, branch: null, dirty: false };
  const branch = header('head');
  return {
    commit,
    branch: branch === undefined || branch === '(detached)' ? null : branch,
    dirty: lines.some((l) => !l.startsWith('#')),
  };
}

export async function gitVersion(root: string): Promise<string | null> {
  const r = await git(root, ['--version'], { allowFailure: [1, 128] }).catch(() => undefined);
  return r?.stdout.trim().replace(/^git version /, '') ?? null;
}
