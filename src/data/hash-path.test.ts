import { chmodSync, mkdirSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.ts';
import { tempDir, writeFiles } from '../../test/support/temp.ts';
import { hashPath, hashTree } from './hash-path.ts';
import { MIN_PARALLEL_FILES } from './hash-pool.ts';
import { comparePythonStr } from './python-json.ts';
import { StateCache } from './state.ts';

function repo(files: Record<string, string>): string {
  const dir = tempDir();
  writeFiles(dir, files);
  return dir;
}

describe('hashPath reproduces the values DVC 3 publishes', () => {
  it('hashes a file as the md5 of its raw bytes (CRLF kept)', async () => {
    const root = repo({ foo: 'foo', crlf: 'a\r\nb\r\n' });
    expect(await hashPath(root, 'foo')).toEqual({
      md5: 'acbd18db4cc2f85cedef654fccc4a4d8',
      size: 3,
    });
    // md5("a\r\nb\r\n"), not md5("a\nb\n"): DVC 3 no longer folds line endings.
    expect((await hashPath(root, 'crlf')).md5).toBe('59b0d7772f0561efb95518f3cb8abc60');
  });

  it('hashes {foo, bar} as 5ea40360f5b4ec688df672a4db9c17d1.dir (tests/func/test_virtual_directory.py)', async () => {
    const root = repo({ 'dir/foo': 'foo', 'dir/bar': 'bar' });
    expect(await hashPath(root, 'dir')).toEqual({
      md5: '5ea40360f5b4ec688df672a4db9c17d1.dir',
      size: 6,
      nfiles: 2,
    });
  });

  it('hashes nested directories as DVC does', async () => {
    const root = repo({
      'dir/foo': 'foo',
      'dir/bar': 'bar',
      'dir/subdir/lorem': 'lorem',
      'dir/subdir/ipsum': 'ipsum',
      'two/foo': 'foo',
      'two/subdir/lorem': 'lorem',
      'data/one': 'one',
      'data/two': 'two',
    });
    expect((await hashPath(root, 'dir')).md5).toBe('15b0e3c73ad2c748ce206988cb6b7319.dir');
    expect((await hashPath(root, 'two')).md5).toBe('22a16c9bf84b3068bc2206d88a6b5776.dir');
    expect((await hashPath(root, 'data')).md5).toBe('6b18131dc289fd37006705affe961ef8.dir');
  });

  it('escapes non-ASCII names as \\uXXXX (surrogate pairs for astral characters) and sorts by code point', async () => {
    const root = repo({
      'd/é.txt': 'é',
      'd/中文/数据.csv': 'a,b\n',
      'd/😀.bin': 'x',
      'd/z': 'z',
      'd/\uff5e': 'tilde',
      'd/a b/"q"\\.txt': '',
      'd/ctl\x7f': 'del',
    });
    const tree = await hashTree(root, 'd');
    // Expected bytes and oid from Python: json.dumps(sorted entries, sort_keys=True).
    expect(tree.manifest.toString('ascii')).toBe(
      '[{"md5": "d41d8cd98f00b204e9800998ecf8427e", "relpath": "a b/\\"q\\"\\\\.txt"}, ' +
        '{"md5": "d2bcc286168bf8e040885c5cb7b6df13", "relpath": "ctl\\u007f"}, ' +
        '{"md5": "fbade9e36a3f36d3d676c1b808451dd7", "relpath": "z"}, ' +
        '{"md5": "66ddcd97cfdeabb2f6fb8a999b4bc76f", "relpath": "\\u00e9.txt"}, ' +
        '{"md5": "f69f5b72bc79a92dc70c63c9aa142e36", "relpath": "\\u4e2d\\u6587/\\u6570\\u636e.csv"}, ' +
        '{"md5": "8a30532e2e4fbac1d59983c62d910902", "relpath": "\\uff5e"}, ' +
        '{"md5": "9dd4e461268c8034f5c8564e155c67a6", "relpath": "\\ud83d\\ude00.bin"}]',
    );
    expect(tree.md5).toBe('1f2bf989ba9a91b2f81b02a12704ccf9.dir');
    expect(tree.size).toBe(16);
    expect(tree.nfiles).toBe(7);
  });

  it('hashes an empty directory as md5("[]").dir', async () => {
    const root = tempDir();
    mkdirSync(join(root, 'empty'));
    expect(await hashPath(root, 'empty')).toEqual({
      md5: 'd751713988987e9331980363e24189ce.dir',
      size: 0,
      nfiles: 0,
    });
  });

  it('marks executables', async () => {
    const root = repo({ 'run.sh': '#!/bin/sh\n' });
    chmodSync(join(root, 'run.sh'), 0o755);
    expect((await hashPath(root, 'run.sh')).isExec).toBe(true);
  });
});

describe('.dvcignore', () => {
  it('leaves ignored files out of the directory hash, as DVC does', async () => {
    const root = repo({
      '.dvcignore': '# comment\n*.tmp\n/dir/sub/\n!keep.tmp\n',
      'dir/foo': 'foo',
      'dir/bar': 'bar',
      'dir/x.tmp': 'junk',
      'dir/keep.tmp': 'keep',
      'dir/sub/deep': 'ignored',
      'dir/.git': 'gitfile',
    });
    const tree = await hashTree(root, 'dir');
    expect(tree.files.map((f) => f.relpath)).toEqual(['bar', 'foo', 'keep.tmp']);
  });

  it('refuses a .dvcignore inside the tracked directory and a path it ignores', async () => {
    const inside = repo({ 'dir/foo': 'foo', 'dir/.dvcignore': 'x\n' });
    await expect(hashPath(inside, 'dir')).rejects.toThrow(
      'dir/.dvcignore: a .dvcignore file may not be inside a tracked directory',
    );
    const ignored = repo({ '.dvcignore': 'data\n', 'data/foo': 'foo' });
    await expect(hashPath(ignored, 'data')).rejects.toThrow('data: is ignored by .dvcignore');
  });
});

describe('bad input', () => {
  it('names a missing path, a path outside the repository and a symlink loop', async () => {
    const root = repo({ 'd/ok': 'ok' });
    symlinkSync('loop-b', join(root, 'd', 'loop-a'));
    symlinkSync('loop-a', join(root, 'd', 'loop-b'));
    await expect(hashPath(root, 'nope')).rejects.toThrow('nope: no such file or directory');
    await expect(hashPath(root, '../elsewhere')).rejects.toThrow(/is outside the repository/);
    const loop = hashPath(root, 'd');
    await expect(loop).rejects.toBeInstanceOf(InputError);
    await expect(hashPath(root, 'd')).rejects.toThrow(/d\/loop-[ab]: symbolic link loop/);
  });

  it('does not follow a symlink to a directory (DVC does not), but follows one to a file', async () => {
    const root = repo({ 'real/x': 'x', 'd/foo': 'foo' });
    symlinkSync(join(root, 'real'), join(root, 'd', 'linked-dir'));
    symlinkSync(join(root, 'real', 'x'), join(root, 'd', 'linked-file'));
    const tree = await hashTree(root, 'd');
    expect(tree.files.map((f) => [f.relpath, f.md5])).toEqual([
      ['foo', 'acbd18db4cc2f85cedef654fccc4a4d8'],
      ['linked-file', '9dd4e461268c8034f5c8564e155c67a6'],
    ]);
    expect(tree.skippedDirLinks).toEqual(['d/linked-dir']);
  });
});

describe('the state cache', () => {
  it('answers from (inode, mtime, size) without reading the file again', async () => {
    const root = repo({ 'd/a': 'aaa', 'd/b': 'bbb' });
    const old = new Date(Date.now() - 60_000);
    for (const f of ['d/a', 'd/b']) {
      const p = join(root, f);
      // An mtime in the past: entries for just-written files are not trusted (same-tick writes).
      await import('node:fs/promises').then((fs) => fs.utimes(p, old, old));
    }
    const state = StateCache.load(join(root, '.dvc/tmp/gitops-ml'));
    let read = 0;
    const first = await hashPath(root, 'd', { state, onStart: (bytes) => (read += bytes) });
    expect(read).toBe(6);
    await state.save();
    const again = StateCache.load(join(root, '.dvc/tmp/gitops-ml'));
    read = 0;
    const second = await hashPath(root, 'd', { state: again, onStart: (bytes) => (read += bytes) });
    expect(read).toBe(0);
    expect(second).toEqual(first);
    // A change in content changes size or mtime, so the file is read again.
    writeFileSync(join(root, 'd/a'), 'AAAA');
    read = 0;
    const third = await hashPath(root, 'd', { state: again, onStart: (bytes) => (read += bytes) });
    expect(read).toBe(4);
    expect(third.md5).not.toBe(first.md5);
  });
});

describe('the directory memo', () => {
  it('answers for an unchanged directory and never hides a change (content, rename, new file)', async () => {
    const root = repo({ 'd/a': 'aaa', 'd/b': 'bbb' });
    const { utimes, rename } = await import('node:fs/promises');
    let ago = 60_000;
    // Files written in the last 2 s are never trusted: date them back (each time differently,
    // as a real later write would be).
    const age = async (...files: string[]) => {
      const old = new Date(Date.now() - (ago -= 1000));
      for (const f of files) await utimes(join(root, f), old, old);
    };
    await age('d/a', 'd/b');
    const state = StateCache.load(join(root, '.dvc/tmp/gitops-ml'));
    let read = -1;
    const onStart = (bytes: number) => (read = bytes);
    const first = await hashPath(root, 'd', { state, onStart });
    expect(read).toBe(6);
    expect(await hashPath(root, 'd', { state, onStart })).toEqual(first);
    expect(read).toBe(0);
    writeFileSync(join(root, 'd/a'), 'AAA'); // same size, another mtime
    await age('d/a');
    const changed = await hashPath(root, 'd', { state, onStart });
    expect(changed.md5).not.toBe(first.md5);
    expect(read).toBe(3);
    await rename(join(root, 'd/b'), join(root, 'd/z'));
    const renamed = await hashPath(root, 'd', { state, onStart });
    expect(renamed.md5).not.toBe(changed.md5);
    expect(read).toBe(0); // a rename keeps the inode: its md5 comes from the state cache
    writeFileSync(join(root, 'd/c'), 'c');
    await age('d/c');
    expect((await hashPath(root, 'd', { state, onStart })).nfiles).toBe(3);
  });
});

describe('a large directory the state cache knows nothing about', () => {
  it('hashes the same on hashing threads that stat what they open as through a stat-ing walk', async () => {
    const files: Record<string, string> = {
      '.dvcignore': '*.tmp\n',
      'real/x': 'x',
      'd/junk.tmp': 'ignored',
      // Names whose order differs between a per-directory sort and DVC's sort of whole relpaths
      // ('-' and '0' around '/'), or between UTF-16 and code points (an astral character and U+E000).
      'd/a/b': 'ab',
      'd/a-c': 'a-c',
      'd/a0': 'a0',
      'd/\u{1F600}/x': 'emoji',
      'd/\uE000': 'private use',
      'd/\u00E9/x': 'e acute',
    };
    for (let i = 0; i < MIN_PARALLEL_FILES + 100; i++)
      files[`d/sub${i % 7}/f${i}.csv`] = `row ${i}\n`.repeat(i % 13);
    const root = repo(files);
    chmodSync(join(root, 'd/sub1/f1.csv'), 0o755);
    symlinkSync(join(root, 'real'), join(root, 'd', 'linked-dir'));
    symlinkSync(join(root, 'real', 'x'), join(root, 'd', 'linked-file'));
    const cold = StateCache.memory();
    let files0 = 0;
    const unstated = await hashTree(root, 'd', {
      state: cold,
      threads: 2,
      onFiles: (n) => (files0 += n),
    });
    expect(files0).toBe(MIN_PARALLEL_FILES + 107);
    // A state cache that knows some file takes the stat-ing walk.
    const warm = StateCache.memory();
    warm.set(
      { dev: 0, ino: 0, mtimeMs: 0, size: 0 },
      'd41d8cd98f00b204e9800998ecf8427e',
      'md5',
      1e13,
    );
    const stated = await hashTree(root, 'd', { state: warm, threads: 2 });
    const shape = (t: typeof stated) => ({
      md5: t.md5,
      size: t.size,
      nfiles: t.nfiles,
      manifest: t.manifest.toString('ascii'),
      files: t.files,
      skippedDirLinks: t.skippedDirLinks,
      fingerprint: t.stamps.fingerprint('md5'),
    });
    expect(shape(unstated)).toEqual(shape(stated));
    // The walk found them in DVC's order: relpaths sorted as Python sorts str.
    const relpaths = unstated.files.map((f) => f.relpath);
    expect(relpaths).toEqual([...relpaths].sort(comparePythonStr));
    expect(relpaths.indexOf('a-c')).toBeLessThan(relpaths.indexOf('a/b'));
    expect(relpaths.indexOf('a/b')).toBeLessThan(relpaths.indexOf('a0'));
    expect(relpaths.indexOf('\uE000')).toBeLessThan(relpaths.indexOf('\u{1F600}/x'));
    expect(unstated.skippedDirLinks).toEqual(['d/linked-dir']);
    expect(unstated.files.find((f) => f.relpath === 'linked-file')?.md5).toBe(
      '9dd4e461268c8034f5c8564e155c67a6',
    );
    expect(unstated.files.find((f) => f.relpath === 'sub1/f1.csv')?.file.mode).toBe(0o100755);
    // What the threads learnt is in the state cache, as a stat-ing walk would have left it.
    const learnt = unstated.files.filter((f) => cold.get(f.file) !== undefined).length;
    expect(learnt).toBe(0); // written just now: too recent to be trusted (RACY_MS)
  });

  it('leaves every file it hashed in the state cache once the files are old enough', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < MIN_PARALLEL_FILES + 10; i++) files[`d/s${i % 3}/f${i}`] = `file ${i}`;
    const root = repo(files);
    const old = new Date(Date.now() - 60_000);
    for (const f of Object.keys(files)) utimesSync(join(root, f), old, old);
    const dir = join(root, '.dvc/tmp/gitops-ml');
    const state = StateCache.load(dir);
    const tree = await hashTree(root, 'd', { state, threads: 2 });
    await state.save();
    // A later process finds each file's md5 by its stamps, without reading it.
    const later = StateCache.load(dir);
    for (const f of tree.files) expect(later.get(f.file)).toBe(f.md5);
    expect(tree.files).toHaveLength(MIN_PARALLEL_FILES + 10);
  });

  it('reports a dangling link in a large directory as the stat-ing walk does', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < MIN_PARALLEL_FILES; i++) files[`d/f${i}`] = String(i);
    const root = repo(files);
    symlinkSync(join(root, 'nowhere'), join(root, 'd', 'dangling'));
    await expect(hashTree(root, 'd', { threads: 2 })).rejects.toThrow(
      'd/dangling: dangling symbolic link',
    );
  });
});
