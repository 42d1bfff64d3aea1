import {
  chmodSync,
  constants,
  copyFileSync,
  linkSync,
  mkdirSync,
  renameSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { tempPathFor } from './atomic.ts';
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

  /**
   * Create `dst` (which must not exist) from `src`; returns the link type used. Synchronous:
   * these are single system calls (a reflink or a link), and thousands of them in a row run
   * several times faster without a promise each.
   */
  link(src: string, dst: string, options: { exec?: boolean; ownInode?: boolean } = {}): LinkType {
    const exec = options.exec === true;
    for (const type of this.types) {
      if (this.failed.has(type)) continue;
      if ((exec || options.ownInode === true) && (type === 'hardlink' || type === 'symlink'))
        continue;
      try {
        make(type, src, dst);
      } catch (error) {
        const code = errnoCode(error);
        if (code !== undefined && unsupported[type].has(code)) {
          this.failed.add(type);
          continue;
        }
        throw error;
      }
      if (type === 'reflink' || type === 'copy') chmodSync(dst, workspaceMode(exec));
      return type;
    }
    throw new Error('no link type worked (copy never fails this way)');
  }

  /**
   * Make `target` hold `src`'s content atomically: link to a temporary name next to it, then
   * rename over whatever is there. Parent directories are created.
   */
  replace(src: string, target: string, options: { exec?: boolean } = {}): LinkType {
    mkdirSync(dirname(target), { recursive: true });
    const temp = tempPathFor(target);
    try {
      const type = this.link(src, temp, options);
      renameSync(temp, target);
      return type;
    } catch (error) {
      rmSync(temp, { force: true });
      throw error;
    }
  }

  /** The link type new links will use, as far as is known yet. */
  preferred(): LinkType {
    return this.types.find((t) => !this.failed.has(t)) ?? 'copy';
  }
}

function make(type: LinkType, src: string, dst: string): void {
  switch (type) {
    case 'reflink':
      return copyFileSync(src, dst, constants.COPYFILE_EXCL | constants.COPYFILE_FICLONE_FORCE);
    case 'hardlink':
      return linkSync(src, dst);
    case 'symlink':
      return symlinkSync(src, dst);
    case 'copy':
      return copyFileSync(src, dst, constants.COPYFILE_EXCL);
  }
}
