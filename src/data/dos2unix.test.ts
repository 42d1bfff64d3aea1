import { describe, expect, it } from 'vitest';
import { Dos2UnixMd5, isTextBlock } from './dos2unix.ts';
import { hashBytes } from './hasher.ts';

// Expected values computed with DVC 2's algorithm (dvc_data/hashfile/hash.py) in Python.
describe('legacy md5-dos2unix', () => {
  it('folds CRLF in text and leaves binary alone', () => {
    expect(hashBytes(Buffer.from('a\r\nb\r\n'), 'md5-dos2unix')).toBe(
      'dd8c6a395b5dd36c56d23275028f526c',
    );
    expect(hashBytes(Buffer.from('\0a\r\nb\r\n'), 'md5-dos2unix')).toBe(
      '1336478d095a693e514198c06812ee2f',
    );
  });

  it('works per 1 MiB chunk: a CRLF split across chunks stays, whatever the feed sizes', () => {
    const big = Buffer.concat([Buffer.alloc((1 << 20) - 1, 'x'), Buffer.from('\r\ny\r\n')]);
    expect(hashBytes(big, 'md5-dos2unix')).toBe('e1825541a28894307881fc219afcc49f');
    const d = new Dos2UnixMd5();
    for (let i = 0; i < big.length; i += 333_333) d.update(big.subarray(i, i + 333_333));
    expect(d.digest()).toBe('e1825541a28894307881fc219afcc49f');
  });

  it('sniffs text as DVC does: no NUL, at most 30% outside printable ASCII', () => {
    const all = Buffer.concat([
      Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
      Buffer.from('\r\n'),
    ]);
    expect(isTextBlock(all.subarray(1))).toBe(false);
    expect(isTextBlock(Buffer.from(''))).toBe(true);
    expect(isTextBlock(Buffer.from('héllo world, bonjour'))).toBe(true);
    expect(isTextBlock(Buffer.from('héllo wörld'))).toBe(false); // 4 of 13 bytes are not ASCII
  });
});
