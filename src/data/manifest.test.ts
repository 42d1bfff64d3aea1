import { describe, expect, it } from 'vitest';
import {
  ManifestSlots,
  manifestBytes,
  manifestOid,
  parseManifest,
  sortEntries,
} from './manifest.ts';

describe('.dir manifests read from a cache or remote', () => {
  it('round-trip, and ignore the extra keys older DVC versions wrote', () => {
    const entries = [{ md5: 'acbd18db4cc2f85cedef654fccc4a4d8', relpath: 'a/é' }];
    expect(parseManifest(manifestBytes(entries))).toEqual(entries);
    expect(
      parseManifest(
        Buffer.from('[{"md5": "acbd18db4cc2f85cedef654fccc4a4d8", "relpath": "x", "size": 3}]'),
      ),
    ).toEqual([{ md5: 'acbd18db4cc2f85cedef654fccc4a4d8', relpath: 'x' }]);
  });

  it('are refused when a path would leave the directory or an md5 is not one', () => {
    for (const relpath of ['../evil', '/etc/passwd', 'a/../../b', 'a//b', '', '.']) {
      expect(
        parseManifest(manifestBytes([{ md5: 'acbd18db4cc2f85cedef654fccc4a4d8', relpath }])),
      ).toBeUndefined();
    }
    expect(parseManifest(Buffer.from('[{"md5": "x", "relpath": "a"}]'))).toBeUndefined();
    expect(parseManifest(Buffer.from('{"not": "a list"}'))).toBeUndefined();
    expect(parseManifest(Buffer.from('not json'))).toBeUndefined();
  });
});

describe('a manifest laid out before its md5s are known', () => {
  it('has the bytes and oid of manifestBytes once every slot is filled, in any order', () => {
    const md5 = (i: number) => i.toString(16).padStart(32, '0');
    // Found in walk order; the manifest sorts them as Python does ('-' < '/' < '0', é escaped).
    const relpaths = ['z', 'b/é', 'a0', 'a/b', 'a-c', 'b/"q"', 'c\\d'];
    const slots = new ManifestSlots(relpaths);
    for (const i of [3, 0, 6, 1, 5, 2, 4]) slots.set(i, md5(i));
    const entries = relpaths.map((relpath, i) => ({ relpath, md5: md5(i) }));
    const whole = manifestBytes(sortEntries(entries));
    expect(slots.bytes.toString('ascii')).toBe(whole.toString('ascii'));
    expect(slots.oid()).toBe(manifestOid(whole));
    expect(Array.from(slots.order, (i) => relpaths[i])).toEqual(entries.map((e) => e.relpath));
    expect(new ManifestSlots([]).bytes.toString()).toBe('[]');
  });
});
