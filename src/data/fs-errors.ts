import { posix } from 'node:path';
import { InfraError, InputError, type GitopsMlError } from '../errors.ts';

/** The errno code of a Node fs error, if it is one. */
export function errnoCode(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * A filesystem failure on a path the user named, as a typed error: what a user can fix (missing,
 * unreadable, a symlink loop) is bad input (exit 2), anything else an infrastructure error.
 */
export function fsError(error: unknown, path: string, doing = 'read'): GitopsMlError {
  const code = errnoCode(error);
  switch (code) {
    case 'ENOENT':
      return new InputError(`${path}: no such file or directory`, {
        cause: error,
        hint: 'check the path; paths are relative to the repository root',
      });
    case 'EACCES':
    case 'EPERM':
      return new InputError(`${path}: permission denied (cannot ${doing} it)`, {
        cause: error,
        hint: `give the current user ${doing === 'read' ? 'read' : 'write'} access (chmod/chown), or run as its owner`,
      });
    case 'ELOOP':
      return new InputError(`${path}: symbolic link loop`, {
        cause: error,
        hint: 'a symbolic link points back at itself; remove or fix the link',
      });
    case 'ENOTDIR':
      return new InputError(`${path}: a part of the path is not a directory`, { cause: error });
    case 'ENAMETOOLONG':
      return new InputError(`${path}: name too long`, { cause: error });
    default:
      return new InfraError(`${path}: cannot ${doing} it (${code ?? String(error)})`, {
        cause: error,
        hint: 'check the disk and file system',
      });
  }
}

/**
 * A hashing thread's failure on an absolute path (its `path` property) as fsError does, the path
 * shown relative to `root`.
 */
export function fsErrorUnder(error: unknown, root: string): GitopsMlError {
  const path = (error as { path?: unknown }).path;
  return fsError(error, typeof path === 'string' ? posix.relative(root, path) : 'a file');
}
