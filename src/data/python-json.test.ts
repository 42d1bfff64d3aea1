import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { comparePythonStr, pythonJsonString } from './python-json.ts';

describe('Python string semantics', () => {
  it('orders strings by code point (as UTF-8 bytes do), not by UTF-16 unit', () => {
    expect(comparePythonStr('\uff5e', '😀')).toBeLessThan(0);
    expect('\uff5e' < '😀').toBe(false);
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        const expected = Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b)));
        expect(Math.sign(comparePythonStr(a, b))).toBe(expected);
      }),
    );
  });

  it('escapes as json.dumps(ensure_ascii=True) does', () => {
    expect(pythonJsonString('a"b\\c\n\t\x01\x7f é😀')).toBe(
      '"a\\"b\\\\c\\n\\t\\u0001\\u007f \\u00e9\\ud83d\\ude00"',
    );
  });
});
