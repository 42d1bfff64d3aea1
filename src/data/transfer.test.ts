import { chmodSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, writeFiles } from '../../test/support/temp.ts';
import { objectKey, type ObjectRef } from './cache.ts';
import { LocalRemote } from './remote/local.ts';
import type { RemoteStore } from './remote/store.ts';
import { openDataRepo } from './repo.ts';
import { savePath } from './save.ts';
import { pullObjects, pushObjects } from './transfer.ts';

const FOO: ObjectRef = { oid: 'acbd18db4cc2f85cedef654fccc4a4d8', name: 'md5' };
const BAR: ObjectRef = { oid: '37b51d194a7513e45b56f6524f2d51f2', name: 'md5' };
const DIR: ObjectRef = { oid: '5ea40360f5b4ec688df672a4db9c17d1.dir', name: 'md5' };

async function cachedRepo() {
  const root = tempDir();
  writeFiles(root, {
    'd/foo': 'foo',
    'd/bar': 'bar',
    'gitops-ml.yaml': 'cache:\n  type: [copy]\n',
  });
  const repo = await openDataRepo(root);
  await savePath(repo, 'd');
  return repo;
}

/** A store that fails the first `n` calls of `put`/`get` with a connection reset, then works. */
function flaky(inner: RemoteStore, n: number): RemoteStore & { calls: number } {
  let left = n;
  const fail = () => {
    if (left-- > 0) throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
  };
  const store = {
    name: inner.name,
    url: inner.url,
    calls: 0,
    has: (keys: readonly string[], jobs: number) => inner.has(keys, jobs),
    put: async (key: string, path: string, size: number) => {
      store.calls++;
      fail();
      return inner.put(key, path, size);
    },
    get: async (key: string, dest: string) => {
      store.calls++;
      fail();
      return inner.get(key, dest);
    },
    close: () => {},
  };
  return store;
}

const fast = { retry: { sleep: () => Promise.resolve() }, jobs: 2 };

describe('push and pull with a directory remote', () => {
  it('uploads only what is missing, files before the manifest, and retries transient errors', async () => {
    const repo = await cachedRepo();
    const dir = tempDir();
    const remote = flaky(new LocalRemote('r', dir), 2);
    const first = await pushObjects(repo.cache, remote, [DIR, FOO, BAR], fast);
    expect(first.uploaded.map(objectKey).sort()).toEqual(
      [objectKey(BAR), objectKey(DIR), objectKey(FOO)].sort(),
    );
    expect(first.uploaded.at(-1)).toEqual(DIR);
    expect(remote.calls).toBe(5); // 3 uploads, 2 of them retried once
    const again = await pushObjects(repo.cache, remote, [DIR, FOO, BAR], fast);
    expect(again).toEqual({ uploaded: [], present: 3, missing: [], failed: [] });
    expect(readdirSync(join(dir, 'files/md5/ac'))).toEqual(['bd18db4cc2f85cedef654fccc4a4d8']);
  });

  it('never pushes a corrupt local object', async () => {
    const repo = await cachedRepo();
    const object = repo.cache.path(FOO);
    chmodSync(object, 0o644);
    writeFileSync(object, 'not foo');
    const result = await pushObjects(repo.cache, new LocalRemote('r', tempDir()), [FOO], fast);
    expect(result.missing).toEqual([FOO]);
    expect(result.uploaded).toEqual([]);
  });

  it('installs a downloaded object only if it hashes to its name', async () => {
    const repo = await cachedRepo();
    const dir = tempDir();
    await pushObjects(repo.cache, new LocalRemote('r', dir), [DIR, FOO, BAR], fast);
    const tampered = join(dir, objectKey(BAR));
    chmodSync(tampered, 0o644);
    writeFileSync(tampered, 'evil');
    const fresh = await openDataRepo(tempDir());
    const result = await pullObjects(
      fresh.cache,
      flaky(new LocalRemote('r', dir), 1),
      [FOO, BAR, DIR],
      fast,
    );
    expect(result.downloaded.map(objectKey).sort()).toEqual(
      [objectKey(DIR), objectKey(FOO)].sort(),
    );
    expect(result.corrupt).toEqual([BAR]);
    expect(existsSync(fresh.cache.path(BAR))).toBe(false);
    // Nothing but objects in the cache: no temporary files left behind.
    expect(readdirSync(join(fresh.cache.dir, 'files/md5/37'))).toEqual([]);
  });

  it('does not read a downloaded object again when the checkout verifies it, but sees a change', async () => {
    const repo = await cachedRepo();
    const dir = tempDir();
    await pushObjects(repo.cache, new LocalRemote('r', dir), [DIR, FOO, BAR], fast);
    const fresh = await openDataRepo(tempDir());
    await pullObjects(fresh.cache, new LocalRemote('r', dir), [FOO, BAR, DIR], fast);
    let read = 0;
    const checked = await fresh.cache.verifyMany([FOO, BAR], (n) => (read += n));
    expect([...checked.values()]).toEqual(['ok', 'ok']);
    expect(read).toBe(0);
    const object = fresh.cache.path(FOO);
    chmodSync(object, 0o644);
    writeFileSync(object, 'oof');
    expect(await fresh.cache.verify(FOO)).toBe('corrupt');
  });
});
