/**
 * The two places where JavaScript and Python disagree and DVC's directory hash depends on it:
 * how `json.dumps` writes a string (ensure_ascii: every character outside space..tilde escaped,
 * astral characters as surrogate pairs, lowercase hex) and how Python orders `str` (by code point;
 * JavaScript's `<` compares UTF-16 code units, which differs once surrogates are involved).
 */

const shortEscapes: Readonly<Record<number, string>> = {
  0x22: '\\"',
  0x5c: '\\\\',
  0x08: '\\b',
  0x0c: '\\f',
  0x0a: '\\n',
  0x0d: '\\r',
  0x09: '\\t',
};

/** A string as Python's `json.dumps(s)` writes it, quotes included. */
export function pythonJsonString(s: string): string {
  let out = '"';
  let plainStart = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c <= 0x7e && c !== 0x22 && c !== 0x5c) continue;
    out += s.slice(plainStart, i);
    out += shortEscapes[c] ?? `\\u${c.toString(16).padStart(4, '0')}`;
    plainStart = i + 1;
  }
  return out + s.slice(plainStart) + '"';
}

/**
 * Python's `str` order (code points). UTF-16 order only differs when a surrogate (an astral
 * character) meets a BMP character at or above U+E000; moving surrogates above that range fixes it.
 */
export function comparePythonStr(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}

const surrogate = /[\uD800-\uDFFF]/;

function compareUtf16(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The comparison that orders `keys` as Python orders `str`: the engine's own (faster) when no key
 * holds a surrogate, as UTF-16 order is then code point order.
 */
export function pythonStrOrder(keys: readonly string[]): (a: string, b: string) => number {
  return keys.some((k) => surrogate.test(k)) ? comparePythonStr : compareUtf16;
}
