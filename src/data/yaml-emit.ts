/**
 * A YAML writer that produces the bytes DVC's ruamel.yaml round-trip dumper produces for the
 * documents DVC writes (`.dvc` files, `dvc.lock`): block mappings and sequences (sequences in a
 * mapping not indented), `[]`/`{}` when empty, plain scalars where YAML 1.2 allows them, single
 * quotes otherwise, double quotes for control characters, newlines and strings holding a `'`,
 * long scalars folded at a space once the line passes 80 columns, nulls written as nothing, floats
 * as Python's repr. The `yaml` package is a fine general writer but folds, quotes and spaces
 * differently, and a byte-identical file is what lets a team switch between DVC and gitops-ml.
 */

/** A float that must stay one even when integral (YAML `1.0`, Python `1.0`). */
export class PyFloat {
  readonly value: number;

  constructor(value: number) {
    this.value = value;
  }
}

export type YamlValue =
  | string
  | number
  | boolean
  | null
  | PyFloat
  | readonly YamlValue[]
  | ReadonlyMap<string, YamlValue>
  | { readonly [key: string]: YamlValue };

const BEST_WIDTH = 80;
const MAX_SIMPLE_KEY = 128;

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
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mantissa, expText] = x.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  const sign = mantissa.startsWith('-') ? '-' : '';
  const digits = mantissa.replace('-', '').replace('.', '');
  let body: string;
  if (exp >= -4 && exp < 16) {
    if (exp >= 0) {
      const int = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
      body = `${int}.${digits.slice(exp + 1) || '0'}`;
    } else {
      body = `0.${'0'.repeat(-exp - 1)}${digits}`;
    }
  } else {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    body = `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  return sign + body;
}

interface Analysis {
  empty: boolean;
  multiline: boolean;
  allowBlockPlain: boolean;
  allowSingleQuoted: boolean;
}

const SPACE_OR_BREAK = '\0 \t\r\n\u0085\u2028\u2029';
const BREAKS = '\n\u0085\u2028\u2029';

function isPrintableUnicode(cp: number): boolean {
  return (
    cp === 0x85 ||
    (cp >= 0xa0 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

/** What styles a scalar may take (block context, unicode allowed, YAML 1.2). */
function analyze(chars: readonly string[]): Analysis {
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

function chooseStyle(text: string, a: Analysis, implicit: boolean, simpleKey: boolean): Style {
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

function escapeDouble(ch: string): string {
  const named = doubleEscapes[ch];
  if (named !== undefined) return `\\${named}`;
  const cp = ch.codePointAt(0)!;
  const hex = cp.toString(16).toUpperCase();
  if (cp <= 0xff) return `\\x${hex.padStart(2, '0')}`;
  if (cp <= 0xffff) return `\\u${hex.padStart(4, '0')}`;
  return `\\U${hex.padStart(8, '0')}`;
}

function needsDoubleEscape(ch: string): boolean {
  if ('"\\\u0085\u2028\u2029\uFEFF'.includes(ch)) return true;
  const cp = ch.codePointAt(0)!;
  return !(
    (cp >= 0x20 && cp <= 0x7e) ||
    (cp >= 0xa0 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd)
  );
}

interface Scalar {
  text: string;
  /** Whether the text read back plain gives the same type (a string that looks like a number does not). */
  implicit: boolean;
}

function scalarOf(value: string | number | boolean | null | PyFloat): Scalar {
  if (value === null) return { text: '', implicit: true };
  if (typeof value === 'boolean') return { text: value ? 'true' : 'false', implicit: true };
  if (value instanceof PyFloat) return { text: pythonFloatRepr(value.value), implicit: true };
  if (typeof value === 'number') {
    const text = Number.isInteger(value) ? value.toFixed(0) : pythonFloatRepr(value);
    return { text, implicit: true };
  }
  return { text: value, implicit: !resolvesToNonString(value) };
}

function entriesOf(
  value: ReadonlyMap<string, YamlValue> | { readonly [key: string]: YamlValue },
): [string, YamlValue][] {
  return value instanceof Map
    ? [...(value as ReadonlyMap<string, YamlValue>)]
    : Object.entries(value as Record<string, YamlValue>);
}

function isCollection(
  value: YamlValue,
): value is
  readonly YamlValue[] | ReadonlyMap<string, YamlValue> | { readonly [key: string]: YamlValue } {
  return typeof value === 'object' && value !== null && !(value instanceof PyFloat);
}

class Writer {
  out = '';
  private column = 0;
  private whitespace = true;
  private indention = true;

  private write(data: string, width = [...data].length): void {
    this.out += data;
    this.column += width;
  }

  indicator(text: string, needWhitespace: boolean, whitespace = false, indention = false): void {
    const data = this.whitespace || !needWhitespace ? text : ` ${text}`;
    this.whitespace = whitespace;
    this.indention = this.indention && indention;
    this.write(data);
  }

  lineBreak(data = '\n'): void {
    this.out += data;
    this.whitespace = true;
    this.indention = true;
    this.column = 0;
  }

  indent(indent: number): void {
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace))
      this.lineBreak();
    if (this.column < indent) {
      this.whitespace = true;
      this.write(' '.repeat(indent - this.column));
    }
  }

  scalar(s: Scalar, indent: number, simpleKey: boolean): void {
    const chars = [...s.text];
    const style = chooseStyle(s.text, analyze(chars), s.implicit, simpleKey);
    const split = !simpleKey;
    if (style === 'plain') this.plain(chars, split, indent);
    else if (style === 'single') this.singleQuoted(chars, split, indent);
    else this.doubleQuoted(chars, split, indent);
  }

  private plain(chars: string[], split: boolean, indent: number): void {
    if (chars.length === 0) return;
    if (!this.whitespace) this.write(' ');
    this.whitespace = false;
    this.indention = false;
    let spaces = false;
    let start = 0;
    for (let end = 0; end <= chars.length; end++) {
      const ch = chars[end];
      if (spaces) {
        if (ch !== ' ') {
          if (start + 1 === end && this.column > BEST_WIDTH && split) {
            this.indent(indent);
            this.whitespace = false;
            this.indention = false;
          } else {
            this.write(chars.slice(start, end).join(''), end - start);
          }
          start = end;
        }
      } else if (ch === undefined || ch === ' ') {
        this.write(chars.slice(start, end).join(''), end - start);
        start = end;
      }
      spaces = ch === ' ';
    }
  }

  private singleQuoted(chars: string[], split: boolean, indent: number): void {
    this.indicator("'", true);
    let spaces = false;
    let breaks = false;
    let start = 0;
    for (let end = 0; end <= chars.length; end++) {
      const ch = chars[end];
      if (spaces) {
        if (ch !== ' ') {
          const fold =
            start + 1 === end &&
            this.column > BEST_WIDTH &&
            split &&
            start !== 0 &&
            end !== chars.length;
          if (fold) this.indent(indent);
          else this.write(chars.slice(start, end).join(''), end - start);
          start = end;
        }
      } else if (breaks) {
        if (ch === undefined || !BREAKS.includes(ch)) {
          if (chars[start] === '\n') this.lineBreak();
          for (const br of chars.slice(start, end)) this.lineBreak(br === '\n' ? '\n' : br);
          this.indent(indent);
          start = end;
        }
      } else if (ch === undefined || ch === ' ' || BREAKS.includes(ch) || ch === "'") {
        if (start < end) {
          this.write(chars.slice(start, end).join(''), end - start);
          start = end;
        }
      }
      if (ch === "'") {
        this.write("''");
        start = end + 1;
      }
      if (ch !== undefined) {
        spaces = ch === ' ';
        breaks = BREAKS.includes(ch);
      }
    }
    this.indicator("'", false);
  }

  private doubleQuoted(chars: string[], split: boolean, indent: number): void {
    this.indicator('"', true);
    let start = 0;
    for (let end = 0; end <= chars.length; end++) {
      const ch = chars[end];
      if (ch === undefined || needsDoubleEscape(ch)) {
        if (start < end) {
          this.write(chars.slice(start, end).join(''), end - start);
          start = end;
        }
        if (ch !== undefined) {
          this.write(escapeDouble(ch));
          start = end + 1;
        }
      }
      if (
        end > 0 &&
        end < chars.length - 1 &&
        (ch === ' ' || start >= end) &&
        this.column + (end - start) > BEST_WIDTH &&
        split
      ) {
        this.write(chars.slice(start, end).join('') + '\\', end - start + 1);
        if (start < end) start = end;
        this.indent(indent);
        this.whitespace = false;
        this.indention = false;
        if (chars[start] === ' ') this.write('\\');
      }
    }
    this.indicator('"', false);
  }

  /** A block mapping whose keys sit at `indent`. */
  mapping(entries: [string, YamlValue][], indent: number): void {
    for (const [key, value] of entries) {
      this.indent(indent);
      const k = scalarOf(key);
      const chars = [...k.text];
      if (chars.length < MAX_SIMPLE_KEY && !chars.some((c) => BREAKS.includes(c))) {
        this.scalar(k, indent + 2, true);
        this.indicator(':', false);
      } else {
        // A key too long or spanning lines is written as an explicit `? key` / `: value` pair.
        this.indicator('?', true, false, true);
        this.scalar(k, indent + 2, false);
        this.indent(indent);
        this.indicator(':', true, false, true);
      }
      this.node(value, indent, 'mapping');
    }
  }

  /** A block sequence whose dashes sit at `indent`. */
  sequence(items: readonly YamlValue[], indent: number): void {
    for (const item of items) {
      this.indent(indent);
      this.indicator('-', true, false, true);
      this.node(item, indent, 'sequence');
    }
  }

  /** A value after `key:` (mapping at `indent`) or after `- ` (sequence at `indent`). */
  node(value: YamlValue, indent: number, context: 'mapping' | 'sequence'): void {
    if (!isCollection(value)) {
      if (context === 'sequence') this.indent(indent + 2);
      this.scalar(scalarOf(value), indent + 2, false);
      return;
    }
    if (Array.isArray(value)) {
      const items = value as readonly YamlValue[];
      if (items.length === 0) return this.emptyFlow('[]');
      // A sequence that is a mapping's value is not indented (ruamel's default).
      return this.sequence(items, context === 'mapping' && !this.indention ? indent : indent + 2);
    }
    const entries = entriesOf(value as ReadonlyMap<string, YamlValue>);
    if (entries.length === 0) return this.emptyFlow('{}');
    this.mapping(entries, indent + 2);
  }

  private emptyFlow(text: '[]' | '{}'): void {
    this.indicator(text[0]!, true, true);
    this.indicator(text[1]!, false);
    this.lineBreak();
  }

  end(): string {
    if (this.column > 0) this.lineBreak();
    return this.out;
  }
}

/** A document whose root is a mapping, as DVC writes it. */
export function emitYaml(
  root: ReadonlyMap<string, YamlValue> | { readonly [key: string]: YamlValue },
): string {
  const w = new Writer();
  const entries = entriesOf(root);
  if (entries.length === 0) return '{}\n';
  w.mapping(entries, 0);
  return w.end();
}
