import { createHash, type Hash } from 'node:crypto';

/** DVC 2 hashed files in chunks of this size, deciding per chunk whether it is text. */
export const LEGACY_CHUNK = 1 << 20;
const SNIFF = 512;

function isTextByte(b: number): boolean {
  return (
    (b >= 32 && b <= 126) || b === 0x0a || b === 0x0d || b === 0x09 || b === 0x0c || b === 0x08
  );
}

/**
 * DVC's text heuristic on a block (the first 512 bytes of a chunk): empty is text, a NUL byte
 * means binary, otherwise text when at most 30% of the bytes are outside printable ASCII and
 * \n \r \t \f \b.
 */
export function isTextBlock(block: Uint8Array): boolean {
  if (block.length === 0) return true;
  let nontext = 0;
  for (const b of block) {
    if (b === 0) return false;
    if (!isTextByte(b)) nontext++;
  }
  return nontext / block.length <= 0.3;
}

/** `\r\n` → `\n` inside one chunk (a pair split across chunks stays, as in DVC). */
function foldCrlf(chunk: Uint8Array): Uint8Array {
  let i = chunk.indexOf(0x0d);
  if (i === -1) return chunk;
  const out = Buffer.allocUnsafe(chunk.length);
  let o = 0;
  let start = 0;
  while (i !== -1) {
    if (chunk[i + 1] === 0x0a) {
      out.set(chunk.subarray(start, i), o);
      o += i - start;
      start = i + 1;
    }
    i = chunk.indexOf(0x0d, i + 1);
  }
  out.set(chunk.subarray(start), o);
  o += chunk.length - start;
  return out.subarray(0, o);
}

/**
 * The legacy `md5-dos2unix` hash of a byte stream, fed in pieces of any size: pieces are regrouped
 * into DVC's 1 MiB chunks before the text test and CRLF folding.
 */
export class Dos2UnixMd5 {
  private readonly hash: Hash = createHash('md5');
  private readonly pending = Buffer.allocUnsafe(LEGACY_CHUNK);
  private filled = 0;

  update(data: Uint8Array): this {
    let offset = 0;
    while (offset < data.length) {
      const n = Math.min(LEGACY_CHUNK - this.filled, data.length - offset);
      if (this.filled === 0 && n === LEGACY_CHUNK) {
        this.chunk(data.subarray(offset, offset + n));
      } else {
        this.pending.set(data.subarray(offset, offset + n), this.filled);
        this.filled += n;
        if (this.filled === LEGACY_CHUNK) {
          this.chunk(this.pending);
          this.filled = 0;
        }
      }
      offset += n;
    }
    return this;
  }

  digest(): string {
    if (this.filled > 0) this.chunk(this.pending.subarray(0, this.filled));
    this.filled = 0;
    return this.hash.digest('hex');
  }

  private chunk(chunk: Uint8Array): void {
    this.hash.update(isTextBlock(chunk.subarray(0, SNIFF)) ? foldCrlf(chunk) : chunk);
  }
}
