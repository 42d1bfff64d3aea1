import { readdirSync, readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../errors.ts';
import { worktreeFiles } from '../git/worktree.ts';
import type { RepoReader } from './repo.ts';

const SKIP_DIRS = new Set(['.git', 'node_modules', '.dvc']);

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** A RepoReader over a directory on disk; git decides which files count as part of the repo. */
export function nodeRepoReader(root: string): RepoReader {
  return {
    // Spec files are small and many: one synchronous read each beats four thread-pool round
    // trips (open, fstat, read, close) of fs/promises by a wide margin.
    readText(path) {
      try {
        return Promise.resolve(readFileSync(join(root, path), 'utf8'));
      } catch (error) {
        if (isMissing(error)) return Promise.resolve(undefined);
        const code = (error as NodeJS.ErrnoException).code;
        throw new InputError(
          `cannot read ${path}: ${code === 'EISDIR' ? 'it is a directory' : String(code)}`,
          { cause: error },
        );
      }
    },
    listFiles(dir) {
      try {
        const entries = readdirSync(join(root, dir), { withFileTypes: true });
        return Promise.resolve(entries.filter((e) => e.isFile()).map((e) => e.name));
      } catch (error) {
        if (isMissing(error)) return Promise.resolve([]);
        throw new InputError(
          `cannot list ${dir}: ${String((error as NodeJS.ErrnoException).code)}`,
          { cause: error },
        );
      }
    },
    async worktreeFiles() {
      return (await worktreeFiles(root)) ?? walk(root);
    },
  };
}

/** Outside git every file counts, except in .git, .dvc and node_modules. */
async function walk(root: string): Promise<string[]> {
  const files: string[] = [];
  const pending = [''];
  while (pending.length > 0) {
    const dir = pending.pop()!;
    const entries = await readdir(join(root, dir), { withFileTypes: true });
    for (const entry of entries) {
      const rel = dir === '' ? entry.name : `${dir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!SKIP_DIRS.has(entry.name)) pending.push(rel);
      } else if (entry.isFile()) {
        files.push(rel);
      }
    }
  }
  return files;
}
