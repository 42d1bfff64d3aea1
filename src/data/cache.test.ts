import { chmodSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.ts';
import { tempDir, writeFiles } from '../../test/support/temp.ts';
import { checkoutPath } from './checkout.ts';
import { openDataRepo } from './repo.ts';
import { savePath } from './save.ts';

function repoWith(files: Record<string, string>, config = ''): string {
  const root = tempDir();
  writeFiles(root, { ...files, ...(config ? { 'gitops-ml.yaml': config } : {}) });
  return root;
}

function objectsUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, rel: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name), `${rel}${e.name}/`);
      else out.push(`${rel}${e.name}`);
    }
  };
  if (existsSync(dir)) walk(dir, '');
  return out.sort();
}

describe('the cache', () => {
  it('stores files and the .dir manifest in DVC 3 layout, read-only, with no temporary files left', async () => {
    const root = repoWith({ 'data/foo': 'foo', 'data/bar': 'bar' });
    const repo = await openDataRepo(root);
    const info = await savePath(repo, 'data');
    expect(info).toEqual({ md5: '5ea40360f5b4ec688df672a4db9c17d1.dir', size: 6, nfiles: 2 });
    const cache = join(root, '.dvc/cache');
    expect(objectsUnder(cache)).toEqual([
      'files/md5/37/b51d194a7513e45b56f6524f2d51f2',
      'files/md5/5e/a40360f5b4ec688df672a4db9c17d1.dir',
      'files/md5/ac/bd18db4cc2f85cedef654fccc4a4d8',
    ]);
    expect(
      readFileSync(join(cache, 'files/md5/5e/a40360f5b4ec688df672a4db9c17d1.dir'), 'utf8'),
    ).toBe(
      '[{"md5": "37b51d194a7513e45b56f6524f2d51f2", "relpath": "bar"}, {"md5": "acbd18db4cc2f85cedef654fccc4a4d8", "relpath": "foo"}]',
    );
    for (const o of objectsUnder(cache)) expect(statSync(join(cache, o)).mode & 0o777).toBe(0o444);
  });

  it('hard-links by default (one copy on disk); copies when cache.type says so', async () => {
    const linked = repoWith({ foo: 'foo' });
    await savePath(await openDataRepo(linked), 'foo');
    const object = join(linked, '.dvc/cache/files/md5/ac/bd18db4cc2f85cedef654fccc4a4d8');
    expect(statSync(join(linked, 'foo')).ino).toBe(statSync(object).ino);

    const copied = repoWith({ foo: 'foo' }, 'cache:\n  type: [copy]\n');
    await savePath(await openDataRepo(copied), 'foo');
    const copy = join(copied, '.dvc/cache/files/md5/ac/bd18db4cc2f85cedef654fccc4a4d8');
    expect(statSync(join(copied, 'foo')).ino).not.toBe(statSync(copy).ino);
    expect(statSync(join(copied, 'foo')).mode & 0o777).toBe(0o644);
  });

  it('detects a corrupted object by re-hashing, deletes it, and never checks it out', async () => {
    const root = repoWith({ foo: 'foo' }, 'cache:\n  type: [copy]\n');
    const repo = await openDataRepo(root);
    await savePath(repo, 'foo');
    const object = join(root, '.dvc/cache/files/md5/ac/bd18db4cc2f85cedef654fccc4a4d8');
    chmodSync(object, 0o644);
    writeFileSync(object, 'bad');
    writeFileSync(join(root, 'foo'), 'changed');
    const target = { md5: 'acbd18db4cc2f85cedef654fccc4a4d8', hashName: 'md5' as const };
    // The workspace holds data the cache lacks: refused without --force, nothing written.
    await expect(checkoutPath(repo, 'foo', target)).rejects.toBeInstanceOf(InputError);
    expect(readFileSync(join(root, 'foo'), 'utf8')).toBe('changed');
    const result = await checkoutPath(repo, 'foo', target, { force: true });
    expect(result.missing).toEqual([{ oid: 'acbd18db4cc2f85cedef654fccc4a4d8', name: 'md5' }]);
    expect(result.written).toEqual([]);
    expect(existsSync(object)).toBe(false);
    expect(readFileSync(join(root, 'foo'), 'utf8')).toBe('changed');
  });

  it('checks a directory out: writes what differs, removes what the version lacks, keeps the rest', async () => {
    const root = repoWith(
      { 'd/a': 'a', 'd/b': 'b', 'd/sub/c': 'c' },
      'cache:\n  type: [reflink, copy]\n',
    );
    const repo = await openDataRepo(root);
    const info = await savePath(repo, 'd');
    writeFiles(root, { 'd/extra': 'extra' });
    const b = join(root, 'd/b');
    chmodSync(b, 0o644);
    writeFileSync(b, 'B!');
    await savePath(repo, 'd'); // the modified version is now in the cache too
    const target = { md5: info.md5, hashName: 'md5' as const };
    const result = await checkoutPath(repo, 'd', target);
    expect(result.written).toEqual(['d/b']);
    expect(result.removed).toEqual(['d/extra']);
    expect(readFileSync(b, 'utf8')).toBe('b');
    expect(existsSync(join(root, 'd/extra'))).toBe(false);
  });
});

describe('hard-linked checkouts', () => {
  it('share the object: an in-place edit (after chmod) corrupts it, which is detected and never used', async () => {
    const root = repoWith({ 'd/a': 'a', 'd/b': 'b' });
    const repo = await openDataRepo(root);
    const info = await savePath(repo, 'd');
    const b = join(root, 'd/b');
    expect(statSync(b).mode & 0o777).toBe(0o444);
    chmodSync(b, 0o644);
    writeFileSync(b, 'B!');
    const result = await checkoutPath(
      repo,
      'd',
      { md5: info.md5, hashName: 'md5' },
      { force: true },
    );
    expect(result.missing).toEqual([{ oid: '92eb5ffee6ae2fec3ad71c777531578f', name: 'md5' }]);
    expect(result.written).toEqual([]);
    expect(existsSync(join(root, '.dvc/cache/files/md5/92/eb5ffee6ae2fec3ad71c777531578f'))).toBe(
      false,
    );
  });
});
