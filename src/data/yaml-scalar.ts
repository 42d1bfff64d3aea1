/**
 * Scalars as ruamel.yaml writes them (YAML 1.2, unicode allowed): whether a string must be quoted
 * to read back as a string, which quoting style, the escapes of double quotes, Python's float repr.
 */

import { floatRepr, PyFloat } from '../python.ts';

export { PyFloat };

const resolvers: { first: string; regex: RegExp }[] = [
  { first: 'tTfF', regex: /^(?:true|True|TRUE|false|False|FALSE)$/ },
  {
    first: '-+0123456789.',
    regex:
      /^(?:[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+|[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
  },
  {
    first: '-+0123456789',
    regex: /^(?:[-+]?0b[0-1_]+|[-+]?0o?[0-7_]+|[-+]?[0-9_]+|[-+]?0x[0-9a-fA-F_]+)$/,
  },
  { first: '<', regex: /^<<$/ },
  { first: '~nN', regex: /^(?:~|null|Null|NULL)$/ },
  {
    first: '0123456789',
    regex:
      /^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{4}-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9]{2})?))?)$/,
  },
  { first: '=', regex: /^=$/ },
  { first: '!&*', regex: /^[!&*]$/ },
];

/** Would this text, written plain, read back as something other than a string (YAML 1.2)? */
function resolvesToNonString(text: string): boolean {
  if (text === '') return true;
  const first = text[0]!;
  return resolvers.some((r) => r.first.includes(first) && r.regex.test(text));
}

/** Python's `repr(float)`, which is how ruamel writes a float in YAML 1.2 (`1e-05`, `1.0`). */
export function pythonFloatRepr(x: number): string {
  if (Number.isNaN(x)) return '.nan';
  if (x === Infinity) return '.inf';
  if (x === -Infinity) return '-.inf';
  return floatRepr(x);
}

interface Analysis {
  empty: boolean;
  multiline: boolean;
  allowBlockPlain: boolean;
  allowSingleQuoted: boolean;
}

const SPACE_OR_BREAK = '\0 \t\r\n\u0085\u2028\u2029';
export const BREAKS = '\n\u0085\u2028\u2029';

function isPrintableUnicode(cp: number): boolean {
  return (
    cp === 0x85 ||
    (cp >= 0xa0 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

/** What styles a scalar may take (block context, unicode allowed, YAML 1.2). */
export function analyze(chars: readonly string[]): Analysis {
  if (chars.length === 0)
    return { empty: true, multiline: false, allowBlockPlain: true, allowSingleQuoted: true };
  let blockIndicators = false;
  let lineBreaks = false;
  let special = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  const text = chars.join('');
  if (text.startsWith('---') || text.startsWith('...')) blockIndicators = true;
  let precededByWhitespace = true;
  let followedByWhitespace = chars.length === 1 || SPACE_OR_BREAK.includes(chars[1]!);
  let previousSpace = false;
  let previousBreak = false;
  const last = chars.length - 1;
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) blockIndicators = true;
      if ((ch === '?' || ch === ':') && followedByWhitespace) blockIndicators = true;
      if (ch === '-' && followedByWhitespace) blockIndicators = true;
    } else {
      if (ch === ':' && followedByWhitespace) blockIndicators = true;
      if (ch === '#' && precededByWhitespace) blockIndicators = true;
    }
    if (BREAKS.includes(ch)) lineBreaks = true;
    const cp = ch.codePointAt(0)!;
    if (!(ch === '\n' || (cp >= 0x20 && cp <= 0x7e))) {
      if (!isPrintableUnicode(cp) || cp === 0xfeff) special = true;
    }
    if (ch === ' ') {
      if (i === 0) leadingSpace = true;
      if (i === last) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (BREAKS.includes(ch)) {
      if (i === 0) leadingBreak = true;
      if (i === last) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = SPACE_OR_BREAK.includes(ch);
    followedByWhitespace = i + 2 >= chars.length || SPACE_OR_BREAK.includes(chars[i + 2]!);
  }
  let allowBlockPlain = true;
  let allowSingleQuoted = true;
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) allowBlockPlain = false;
  if (breakSpace) allowBlockPlain = allowSingleQuoted = false;
  if (special || spaceBreak) allowBlockPlain = allowSingleQuoted = false;
  if (lineBreaks || blockIndicators) allowBlockPlain = false;
  return { empty: false, multiline: lineBreaks, allowBlockPlain, allowSingleQuoted };
}

type Style = 'plain' | 'single' | 'double';

export function chooseStyle(
  text: string,
  a: Analysis,
  implicit: boolean,
  simpleKey: boolean,
): Style {
  if (implicit && !(simpleKey && (a.empty || a.multiline)) && a.allowBlockPlain) return 'plain';
  if (text.includes("'") || text.includes('\n')) return 'double';
  if (a.allowSingleQuoted && !(simpleKey && a.multiline)) return 'single';
  return 'double';
}

const doubleEscapes: Readonly<Record<string, string>> = {
  '\0': '0',
  '\x07': 'a',
  '\x08': 'b',
  '\x09': 't',
  '\x0A': 'n',
  '\x0B': 'v',
  '\x0C': 'f',
  '\x0D': 'r',
  '\x1B': 'e',
  '"': '"',
  '\\': '\\',
  '\x85': 'N',
  '\xA0': '_',
  '\u2028': 'L',
  '\u2029': 'P',
};

export function escapeDouble(ch: string): string {
  const named = doubleEscapes[ch];
  if (named !== undefined) return `\\${named}`;
  const cp = ch.codePointAt(0)!;
  const hex = cp.toString(16).toUpperCase();
  if (cp <= 0xff) return `\\x${hex.padStart(2, '0')}`;
  if (cp <= 0xffff) return `\\u${hex.padStart(4, '0')}`;
  return `\\U${hex.padStart(8, '0')}`;
}

export function needsDoubleEscape(ch: string): boolean {
  if ('"\\\u0085\u2028\u2029\uFEFF'.includes(ch)) return true;
  const cp = ch.codePointAt(0)!;
  return !(
    (cp >= 0x20 && cp <= 0x7e) ||
    (cp >= 0xa0 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd)
  );
}

export interface Scalar {
  text: string;
  /** Whether the text read back plain gives the same type (a string that looks like a number does not). */
  implicit: boolean;
}

export function scalarOf(value: string | number | boolean | null | PyFloat): Scalar {
  if (value === null) return { text: '', implicit: true };
  if (typeof value === 'boolean') return { text: value ? 'true' : 'false', implicit: true };
  if (value instanceof PyFloat) return { text: pythonFloatRepr(value.value), implicit: true };
  if (typeof value === 'number') {
    const text = Number.isInteger(value) ? value.toFixed(0) : pythonFloatRepr(value);
    return { text, implicit: true };
  }
  return { text: value, implicit: !resolvesToNonString(value) };
}
