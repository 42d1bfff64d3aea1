import { posix } from 'node:path';
import { UsageError } from '../errors.ts';
import type { RepoReader } from '../spec/repo.ts';
import { BlobReader } from './cat-file.ts';
import { git } from './run.ts';

/** The full commit SHA `rev` names, or undefined when it names no commit here. */
export async function commitOf(root: string, rev: string): Promise<string | undefined> {
  const r = await git(
    root,
    ['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`],
    { allowFailure: [1, 128] },
  );
  return r?.stdout.trim() || undefined;
}

/** The full commit SHA `rev` names, or a usage error that says it names nothing. */
export async function resolveRevision(root: string, rev: string): Promise<string> {
  if (rev.startsWith('-')) throw new UsageError(`"${rev}" is not a revision`);
  const sha = await commitOf(root, rev);
  if (!sha) {
    throw new UsageError(`unknown revision "${rev}"`, {
      hint: 'name a commit, branch or tag (e.g. HEAD, main, origin/main), or "workspace"',
    });
  }
  return sha;
}

export interface RevisionReader extends RepoReader {
  readonly sha: string;
  close(): void;
}

/**
 * A RepoReader over the tree of a commit, relative to `root` (which may be a subdirectory of the
 * repository): specs, params and metrics as they were at that revision.
 */
export async function revisionReader(root: string, sha: string): Promise<RevisionReader> {
  const listed = await git(root, ['ls-tree', '-r', '-z', '--name-only', sha]);
  const files = listed!.stdout.split('\0').filter((f) => f !== '');
  const blobs = new BlobReader(root);
  return {
    sha,
    async readText(path) {
      const content = await blobs.read(`${sha}:./${posix.normalize(path)}`);
      return content?.toString('utf8');
    },
    listFiles(dir) {
      const d = posix.normalize(dir);
      return Promise.resolve(
        files.filter((f) => posix.dirname(f) === d).map((f) => posix.basename(f)),
      );
    },
    worktreeFiles() {
      return Promise.resolve(files);
    },
    close() {
      blobs.close();
    },
  };
}
