import { chmodSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, writeFiles } from '../../test/support/temp.ts';
import { IgnoreRules } from './ignore-rules.ts';
import { StampList, stampWalk } from './stamps.ts';
import { walkDir } from './walk.ts';

describe('StampList', () => {
  it('keeps what walkDir finds and fingerprints it the same way either path', () => {
    const root = tempDir();
    writeFiles(root, { 'd/a': 'a', 'd/sub/b': 'bb' });
    const rules = IgnoreRules.root(undefined);
    const walked = walkDir(root, 'd', rules).files;
    const stamped = stampWalk(root, 'd', rules);
    expect(stamped.files()).toEqual(walked);
    expect(stamped.stamps.fingerprint('md5')).toBe(StampList.of(walked).fingerprint('md5'));
    expect(stamped.stamps.fingerprint('md5')).not.toBe(stamped.stamps.fingerprint('md5-dos2unix'));
  });

  it('fingerprints change with a path, an mtime or a mode, and recent files are not settled', () => {
    const root = tempDir();
    writeFiles(root, { 'd/a': 'a' });
    const rules = IgnoreRules.root(undefined);
    const print = () => stampWalk(root, 'd', rules).stamps.fingerprint('md5');
    const old = new Date(Date.now() - 60_000);
    utimesSync(join(root, 'd/a'), old, old);
    const first = print();
    expect(stampWalk(root, 'd', rules).stamps.settled(Date.now())).toBe(true);
    chmodSync(join(root, 'd/a'), 0o755);
    const second = print();
    expect(second).not.toBe(first);
    utimesSync(join(root, 'd/a'), new Date(), new Date());
    expect(print()).not.toBe(second);
    expect(stampWalk(root, 'd', rules).stamps.settled(Date.now())).toBe(false);
    const renamed = new StampList();
    renamed.add('b', { dev: 1, ino: 2, mtimeMs: 3, size: 4, mode: 5 });
    const same = new StampList();
    same.add('a', { dev: 1, ino: 2, mtimeMs: 3, size: 4, mode: 5 });
    expect(renamed.fingerprint('md5')).not.toBe(same.fingerprint('md5'));
  });

  it('grows past its first block of files', () => {
    const list = new StampList();
    for (let i = 0; i < 3000; i++)
      list.add(`f${i}`, { dev: 1, ino: i, mtimeMs: 0, size: i, mode: 0 });
    const files = list.files('/base');
    expect(files).toHaveLength(3000);
    expect(files[2999]).toEqual({
      relpath: 'f2999',
      abs: '/base/f2999',
      dev: 1,
      ino: 2999,
      mtimeMs: 0,
      size: 2999,
      mode: 0,
    });
  });
});
