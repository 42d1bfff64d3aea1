import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, posix, relative, resolve, sep } from 'node:path';
import { InputError } from '../errors.ts';

/**
 * A path the user gave (relative to `cwd`, or absolute) as a `/`-separated path relative to the
 * repository root. Paths outside the repository, the root itself, and paths inside `.git` or
 * `.dvc` are bad input.
 */
export function repoRelative(root: string, path: string, cwd = root): string {
  const abs = isAbsolute(path) ? resolve(path) : resolve(cwd, path);
  const rel = relative(root, abs).split(sep).join('/');
  if (rel === '' || rel === '.') {
    throw new InputError(`${path}: is the repository root; name a file or directory inside it`);
  }
  if (rel === '..' || rel.startsWith('../') || isAbsolute(rel)) {
    throw new InputError(`${path}: is outside the repository (${root})`, {
      hint: 'data must live inside the repository; copy or move it in first',
    });
  }
  const top = rel.split('/')[0];
  if (top === '.git' || top === '.dvc') {
    throw new InputError(
      `${path}: is inside ${top}/, which holds ${top === '.git' ? "git's" : "DVC's"} own files`,
    );
  }
  return posix.normalize(rel);
}

/**
 * The repository root for data commands: the nearest directory, from `start` up, holding `.dvc/`,
 * `.git` or `gitops-ml.yaml` (so commands work from a subdirectory); `start` itself if none.
 */
export function findRepoRoot(start: string): string {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    if (['.dvc', '.git', 'gitops-ml.yaml'].some((m) => existsSync(join(dir, m)))) return dir;
    if (dirname(dir) === dir) return resolve(start);
  }
}
