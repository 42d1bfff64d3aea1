import { describe, expect, it } from 'vitest';
import { manifestBytes, parseManifest } from './manifest.ts';

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
