import { git } from './run.ts';

/**
 * Files git tracks or would track (untracked and not ignored), relative to `dir`, or undefined
 * when `dir` is not inside a git work tree (git exits 128 there).
 */
export async function worktreeFiles(dir: string): Promise<string[] | undefined> {
  const listed = await git(
    dir,
    ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--deduplicate'],
    { allowFailure: [128] },
  );
  if (!listed) return undefined;
  const files = listed.stdout.split('\0');
  if (files.at(-1) === '') files.pop();
  return files;
}
