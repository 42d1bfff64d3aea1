/**
 * Python's number semantics, where DVC's files and output depend on them: a float stays a float
 * even when integral (`1.0`), and floats print as Python's repr() prints them.
 */

/** A float that must stay one even when integral (YAML `1.0`, Python `1.0`). */
export class PyFloat {
  readonly value: number;

  constructor(value: number) {
    this.value = value;
  }
}

/** Python's repr(float): shortest round-trip digits, exponent below 1e-4 or from 1e16. */
export function floatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  const [mantissa, exp] = Math.abs(x).toExponential().split('e') as [string, string];
  const digits = mantissa.replace('.', '');
  const e = Number(exp);
  const decpt = e + 1; // digits[0] sits just left of the point at position decpt
  if (decpt > -4 && decpt <= 16) {
    if (decpt <= 0) return `${sign}0.${'0'.repeat(-decpt)}${digits}`;
    if (decpt >= digits.length) return `${sign}${digits}${'0'.repeat(decpt - digits.length)}.0`;
    return `${sign}${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
  }
  const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const ee = Math.abs(e) < 10 ? `0${Math.abs(e)}` : String(Math.abs(e));
  return `${sign}${m}e${e < 0 ? '-' : '+'}${ee}`;
}

/** Whether a number's YAML/JSON source text makes it a Python float (`1.0`, `1e3`, `.inf`, `nan`). */
export function isFloatSource(source: string): boolean {
  return /[.eE]|inf|nan/i.test(source);
}
