import { git } from './run.ts';

/**
 * Files git tracks or would track (untracked and not ignored), relative to `dir`, or undefined
 * when `dir` is not inside a git work tree.
 */
export async function worktreeFiles(dir: string): Promise<string[] | undefined> {
  const inside = await git(dir, ['rev-parse', '--is-inside-work-tree'], { allowFailure: [128] });
  if (!inside || inside.stdout.trim() !== 'true') return undefined;
  const listed = await git(dir, ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--deduplicate']);
  const files = listed!.stdout.split('\0');
  if (files.at(-1) === '') files.pop();
  return files;
}
