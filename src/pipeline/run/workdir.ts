import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * `.gitops-ml/`: gitops-ml's own scratch space in a repository (interrupted-run backups, run
 * locks). It ignores itself, so the user's .gitignore is left alone.
 */
export function workDir(root: string, ...parts: string[]): string {
  const base = join(root, '.gitops-ml');
  if (!existsSync(join(base, '.gitignore'))) {
    mkdirSync(base, { recursive: true });
    writeFileSync(join(base, '.gitignore'), '*\n');
  }
  const dir = join(base, ...parts);
  mkdirSync(dir, { recursive: true });
  return dir;
}
