import { constants } from 'node:fs';
import { chmod, copyFile, link, symlink } from 'node:fs/promises';
import type { LinkType } from './config.ts';
import { errnoCode } from './fs-errors.ts';

/** errno codes meaning "this kind of link is not possible here", so the next kind is tried. */
const unsupported: Record<LinkType, ReadonlySet<string>> = {
  reflink: new Set([
    'ENOTSUP',
    'EOPNOTSUPP',
    'EXDEV',
    'EINVAL',
    'ENOSYS',
    'ENOTTY',
    'EBADF',
    'ERR_FS_CP_EINVAL',
  ]),
  hardlink: new Set(['EXDEV', 'EPERM', 'EMLINK', 'ENOTSUP', 'EOPNOTSUPP']),
  symlink: new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP']),
  copy: new Set(),
};

/** Mode of a file checked out as its own inode: writable, executable when the data says so. */
export function workspaceMode(exec: boolean): number {
  return exec ? 0o755 : 0o644;
}

/**
 * Makes `dst` hold the content of `src` with the first link type that works, remembering which
 * works so later files go straight to it (a filesystem either supports reflinks or does not).
 * Hard and symbolic links share the cache object's inode or point at it, so they are skipped for
 * executables (the read-only object must not change mode) and when `ownInode` is asked for.
 */
export class Linker {
  private readonly types: LinkType[];
  private readonly failed = new Set<LinkType>();

  constructor(types: readonly LinkType[]) {
    this.types = types.includes('copy') ? [...types] : [...types, 'copy'];
  }

  /** Create `dst` (which must not exist) from `src`; returns the link type used. */
  async link(
    src: string,
    dst: string,
    options: { exec?: boolean; ownInode?: boolean } = {},
  ): Promise<LinkType> {
    const exec = options.exec === true;
    for (const type of this.types) {
      if (this.failed.has(type)) continue;
      if ((exec || options.ownInode === true) && (type === 'hardlink' || type === 'symlink'))
        continue;
      try {
        await make(type, src, dst);
      } catch (error) {
        const code = errnoCode(error);
        if (code !== undefined && unsupported[type].has(code)) {
          this.failed.add(type);
          continue;
        }
        throw error;
      }
      if (type === 'reflink' || type === 'copy') await chmod(dst, workspaceMode(exec));
      return type;
    }
    throw new Error('no link type worked (copy never fails this way)');
  }

  /** The link type new links will use, as far as is known yet. */
  preferred(): LinkType {
    return this.types.find((t) => !this.failed.has(t)) ?? 'copy';
  }
}

async function make(type: LinkType, src: string, dst: string): Promise<void> {
  switch (type) {
    case 'reflink':
      return copyFile(src, dst, constants.COPYFILE_EXCL | constants.COPYFILE_FICLONE_FORCE);
    case 'hardlink':
      return link(src, dst);
    case 'symlink':
      return symlink(src, dst);
    case 'copy':
      return copyFile(src, dst, constants.COPYFILE_EXCL);
  }
}
