import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/temp.ts';
import { lineNumbersAt } from './rejects.ts';

describe('line numbers of byte offsets', () => {
  it('counts the newlines before each offset, across read chunks, a newline being on its line', async () => {
    // Lines of varying length over several 64 KiB chunks.
    const lines = Array.from({ length: 20_000 }, (_, i) => 'x'.repeat(i % 17) + String(i));
    const text = lines.join('\n') + '\n';
    const path = join(tempDir(), 'f.csv');
    writeFileSync(path, text);
    const offsets = [0, 1, text.indexOf('\n'), text.indexOf('\n') + 1, 65_535, 65_536, 131_073];
    offsets.push(text.length - 1, text.length + 10);
    const expected = (o: number) => text.slice(0, Math.min(o, text.length)).split('\n').length;
    const found = await lineNumbersAt(path, offsets);
    expect(offsets.map((o) => found.get(o))).toEqual(offsets.map(expected));
  });
});
