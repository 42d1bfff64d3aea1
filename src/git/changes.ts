import { git } from './run.ts';

/** The best common ancestor of two commits, as `git merge-base` finds it. */
export async function mergeBase(root: string, a: string, b: string): Promise<string | undefined> {
  const r = await git(root, ['merge-base', a, b], { allowFailure: [1] });
  return r?.stdout.trim() || undefined;
}

/**
 * Files that differ between `base` and the working tree (committed, staged or not), plus untracked
 * files that are not ignored; relative to `root` and limited to it.
 */
export async function changedFiles(root: string, base: string): Promise<string[]> {
  const [diff, untracked] = await Promise.all([
    git(root, ['diff', '--name-only', '--relative', '-z', base, '--']),
    git(root, ['ls-files', '--others', '--exclude-standard', '-z']),
  ]);
  const files = new Set(
    [...diff!.stdout.split('\0'), ...untracked!.stdout.split('\0')].filter((f) => f !== ''),
  );
  return [...files].sort();
}
