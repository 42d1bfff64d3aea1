import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InfraError } from '../../errors.ts';
import { checkoutPath, hashPath, objectsOf, savePath, type DataRepo } from '../../data/index.ts';
import type { ArtifactStore, PathHash } from './store.ts';

/** The runner's view of the data layer: DVC-3 hashes through the state cache, the DVC cache. */
export function dataStore(repo: DataRepo): ArtifactStore {
  const exists = (path: string) => existsSync(join(repo.root, path));
  return {
    exists,
    async hash(path, legacy = false) {
      if (!exists(path)) return undefined;
      const info = await hashPath(repo.root, path, {
        state: repo.state,
        name: legacy ? 'md5-dos2unix' : 'md5',
      });
      return { md5: info.md5, size: info.size, nfiles: info.nfiles, isExec: info.isExec };
    },
    async has(hash: PathHash) {
      const objects = await objectsOf(repo, {
        path: '',
        source: '',
        md5: hash.md5,
        hashName: 'md5',
        isExec: hash.isExec === true,
        cache: true,
        push: true,
        remote: undefined,
      });
      if (objects.manifestMissing) return false;
      const status = await repo.cache.verifyMany(objects.refs);
      return [...status.values()].every((s) => s === 'ok');
    },
    async save(path) {
      const info = await savePath(repo, path);
      return { md5: info.md5, size: info.size, nfiles: info.nfiles, isExec: info.isExec };
    },
    async checkout(path, hash) {
      const result = await checkoutPath(
        repo,
        path,
        { md5: hash.md5, hashName: 'md5', isExec: hash.isExec === true },
        { force: true },
      );
      if (result.missing.length > 0) {
        throw new InfraError(
          `cannot restore ${path}: ${result.missing.length} object(s) are missing from the cache`,
          {
            hint: 'gitops-ml data pull fetches them from the remote',
          },
        );
      }
    },
  };
}
