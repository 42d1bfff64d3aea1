import { floatRepr, PyFloat } from '../python.ts';

export { floatRepr, PyFloat };

/**
 * Values read from metrics and params files, as DVC (Python) sees them. JavaScript has one number
 * type; Python tells `1` from `1.0`, and DVC prints them differently. A float with an integral value
 * is therefore kept as a `PyFloat`; every other number is what it looks like.
 */
export type PyValue =
  string | number | boolean | null | PyFloat | PyValue[] | { [key: string]: PyValue };

/** Numeric (int or float, not bool) as Python's isinstance(v, (int, float)) minus bools. */
export function isNumeric(v: unknown): v is number | PyFloat {
  return typeof v === 'number' || v instanceof PyFloat;
}

export function toNumber(v: number | PyFloat): number {
  return typeof v === 'number' ? v : v.value;
}

/** Python `float` semantics: a non-integral number, or an integral value read as `1.0`. */
export function isFloat(v: number | PyFloat): boolean {
  return v instanceof PyFloat || !Number.isInteger(v);
}

/** `new - old` with Python's typing: int - int is int, anything with a float is a float. */
export function subtract(newer: number | PyFloat, older: number | PyFloat): number | PyFloat {
  const d = toNumber(newer) - toNumber(older);
  return (isFloat(newer) || isFloat(older)) && Number.isInteger(d) ? new PyFloat(d) : d;
}

export function isRecord(v: unknown): v is { [key: string]: PyValue } {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof PyFloat);
}

/**
 * Python's `==` between two values, for "did it change?" (1 == 1.0; lists, objects and the Maps
 * of parsed YAML compared deeply; booleans are not numbers here).
 */
export function pyEqual(a: unknown, b: unknown): boolean {
  const num = (v: unknown) =>
    v instanceof PyFloat ? v.value : typeof v === 'number' ? v : undefined;
  const x = num(a);
  const y = num(b);
  if (x !== undefined || y !== undefined) return x === y;
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) &&
      Array.isArray(b) &&
      a.length === b.length &&
      a.every((v, i) => pyEqual(v, b[i]))
    );
  }
  const entries = (v: unknown): [string, unknown][] | undefined =>
    v instanceof Map
      ? [...(v as Map<string, unknown>).entries()]
      : v !== null && typeof v === 'object'
        ? Object.entries(v)
        : undefined;
  const ea = entries(a);
  const eb = entries(b);
  if (ea || eb) {
    if (!ea || !eb || ea.length !== eb.length) return false;
    const mb = new Map(eb);
    return ea.every(([k, v]) => mb.has(k) && pyEqual(v, mb.get(k)));
  }
  return a === b;
}

// --- formatting as Python's repr()/str() -------------------------------------------------------

/** Python's str() of a value as DVC prints table cells (`[2, 3]`, `{'foo': 3}`, `True`). */
export function pyStr(v: PyValue): string {
  return format(v, false);
}

function format(v: PyValue, nested: boolean): string {
  if (v === null) return 'None';
  if (v instanceof PyFloat) return floatRepr(v.value);
  switch (typeof v) {
    case 'number':
      return Number.isInteger(v) ? String(v) : floatRepr(v);
    case 'boolean':
      return v ? 'True' : 'False';
    case 'string':
      return nested ? pyStringRepr(v) : v;
    default:
      break;
  }
  if (Array.isArray(v)) return `[${v.map((x) => format(x, true)).join(', ')}]`;
  return `{${Object.entries(v)
    .map(([k, x]) => `${pyStringRepr(k)}: ${format(x, true)}`)
    .join(', ')}}`;
}

function pyStringRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  const body = s
    .replace(/\\/g, '\\\\')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t')
    .replace(quote === "'" ? /'/g : /"/g, `\\${quote}`);
  return `${quote}${body}${quote}`;
}

/**
 * Python's round(x, n) for floats: the decimal nearest to the exact binary value, ties to even.
 * Returns a float (PyFloat when integral).
 */
export function pyRound(x: number, ndigits: number): number | PyFloat {
  if (!Number.isFinite(x)) return x;
  const exact = exactDecimal(x);
  const rounded = roundDecimalHalfEven(exact, ndigits);
  const n = Number(rounded);
  return Number.isInteger(n) ? new PyFloat(n) : n;
}

/** The exact decimal expansion of a double, e.g. 0.1 → "0.1000000000000000055511151231257827…". */
function exactDecimal(x: number): string {
  const buffer = new DataView(new ArrayBuffer(8));
  buffer.setFloat64(0, x);
  const bits = buffer.getBigUint64(0);
  const negative = bits >> 63n === 1n;
  const exponent = Number((bits >> 52n) & 0x7ffn);
  let mantissa = bits & 0xfffffffffffffn;
  let e2: number;
  if (exponent === 0) e2 = -1074;
  else {
    mantissa |= 1n << 52n;
    e2 = exponent - 1075;
  }
  let text: string;
  if (e2 >= 0) text = (mantissa << BigInt(e2)).toString();
  else {
    // mantissa / 2^-e2 = mantissa * 5^-e2 / 10^-e2
    const scaled = (mantissa * 5n ** BigInt(-e2)).toString().padStart(-e2 + 1, '0');
    text = `${scaled.slice(0, scaled.length + e2)}.${scaled.slice(scaled.length + e2)}`;
  }
  return (negative ? '-' : '') + text;
}

function roundDecimalHalfEven(decimal: string, ndigits: number): string {
  const negative = decimal.startsWith('-');
  const [intPart, fracPart = ''] = (negative ? decimal.slice(1) : decimal).split('.') as [
    string,
    string?,
  ];
  const digits = intPart + fracPart.padEnd(ndigits, '0');
  const keep = intPart.length + ndigits;
  const rest = (fracPart + '').slice(ndigits);
  let kept = BigInt(digits.slice(0, keep) || '0');
  const first = rest[0] ?? '0';
  const tail = rest.slice(1);
  const above = first > '5' || (first === '5' && /[1-9]/.test(tail));
  const tie = first === '5' && !/[1-9]/.test(tail);
  if (above || (tie && kept % 2n === 1n)) kept += 1n;
  const s = kept.toString().padStart(ndigits + 1, '0');
  const out = ndigits > 0 ? `${s.slice(0, s.length - ndigits)}.${s.slice(s.length - ndigits)}` : s;
  return (negative ? '-' : '') + out;
}
