import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { onTestFinished } from 'vitest';

export const projectRoot = join(import.meta.dirname, '../..');

/** A temporary directory removed when the current test finishes. */
export function tempDir(prefix = 'gitops-ml-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function writeFiles(dir: string, files: Readonly<Record<string, string>>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

const gitEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
};

export function gitIn(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'init.defaultBranch=main', '-c', 'gc.auto=0', ...args], {
    cwd: dir,
    env: gitEnv,
    encoding: 'utf8',
  });
}

/** A real git repository holding `files` (or a copy of `fixture`), committed. */
export function gitRepo(files: Readonly<Record<string, string>> = {}, fixture?: string): string {
  const dir = tempDir('gitops-ml-repo-');
  if (fixture) cpSync(fixture, dir, { recursive: true });
  writeFiles(dir, files);
  gitIn(dir, 'init', '-q');
  gitIn(dir, 'add', '-A');
  gitIn(dir, 'commit', '-q', '-m', 'initial');
  return dir;
}

/** A fresh clone of a repository, as CI checks it out. */
export function cloneOf(repo: string): string {
  const dir = join(tempDir('gitops-ml-clone-'), 'clone');
  gitIn(dirname(dir), 'clone', '-q', repo, dir);
  return dir;
}
