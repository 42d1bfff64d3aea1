import { constants, readdirSync } from 'node:fs';
import { copyFile, mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { tempPathFor } from '../atomic.ts';
import { errnoCode } from '../fs-errors.ts';
import { mapLimit } from '../pool.ts';
import { groupByDirectory, LIST_THRESHOLD, type RemoteStore } from './store.ts';

/** A remote that is a directory (local disk, NFS, a mounted bucket). */
export class LocalRemote implements RemoteStore {
  readonly name: string;
  readonly url: string;
  private readonly root: string;

  constructor(name: string, root: string) {
    this.name = name;
    this.root = root;
    this.url = root;
  }

  /** Sizes are not reported: objects appear by rename, complete or not at all. */
  async has(keys: readonly string[], jobs: number): Promise<Map<string, number | undefined>> {
    const byDir = groupByDirectory(keys);
    const found = new Map<string, number | undefined>();
    await mapLimit([...byDir], jobs, async ([dir, group]) => {
      if (group.length >= LIST_THRESHOLD) {
        let names: Set<string>;
        try {
          names = new Set(readdirSync(join(this.root, dir)));
        } catch {
          return;
        }
        for (const key of group)
          if (names.has(key.slice(dir.length + 1))) found.set(key, undefined);
        return;
      }
      for (const key of group) {
        try {
          if ((await stat(join(this.root, key))).isFile()) found.set(key, undefined);
        } catch (error) {
          if (errnoCode(error) !== 'ENOENT') throw error;
        }
      }
    });
    return found;
  }

  async put(
    key: string,
    localPath: string,
    size: number,
    onBytes?: (bytes: number) => void,
  ): Promise<void> {
    const dest = join(this.root, key);
    await mkdir(dirname(dest), { recursive: true });
    const temp = tempPathFor(dest);
    try {
      await copyFile(localPath, temp, constants.COPYFILE_FICLONE);
      await rename(temp, dest);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    onBytes?.(size);
  }

  async get(key: string, dest: string, onBytes?: (bytes: number) => void): Promise<void> {
    await copyFile(join(this.root, key), dest, constants.COPYFILE_FICLONE);
    onBytes?.((await stat(dest)).size);
  }

  close(): void {}
}
