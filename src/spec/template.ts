import { closest } from './suggest.ts';

/**
 * Values visible to `${...}`: params, vars, and `item`/`key` inside foreach and matrix. Scopes
 * chain so a foreach item adds one small layer instead of copying every param.
 */
export interface TemplateContext {
  readonly values: Readonly<Record<string, unknown>>;
  readonly parent?: TemplateContext | undefined;
}

export function scope(
  values: Readonly<Record<string, unknown>>,
  parent?: TemplateContext,
): TemplateContext {
  return { values, parent };
}

function findName(context: TemplateContext, name: string): { found: boolean; value: unknown } {
  for (let c: TemplateContext | undefined = context; c; c = c.parent) {
    if (Object.hasOwn(c.values, name)) return { found: true, value: c.values[name] };
  }
  return { found: false, value: undefined };
}

function namesOf(context: TemplateContext): string[] {
  const names: string[] = [];
  for (let c: TemplateContext | undefined = context; c; c = c.parent)
    names.push(...Object.keys(c.values));
  return names;
}

export interface TemplateError {
  message: string;
  /** The `${...}` text as written, to point at it. */
  expression: string;
}

export type Interpolated = { ok: true; value: unknown } | { ok: false; error: TemplateError };

const EXPRESSION = /(\\?)\$\{([^}]*)\}/g;
const WHOLE = /^\$\{([^}]*)\}$/;
const SEGMENT = /^[A-Za-z_][A-Za-z0-9_-]*$/;

export function hasTemplate(text: string): boolean {
  EXPRESSION.lastIndex = 0;
  return EXPRESSION.test(text);
}

/**
 * Interpolate `${...}` in `text` as dvc.yaml does: a string that is exactly one expression takes
 * the value's own type (a list, a number); inside a longer string only scalars are allowed.
 * `\${` stays a literal `${`.
 */
export function interpolate(text: string, context: TemplateContext): Interpolated {
  const whole = WHOLE.exec(text);
  if (whole) return lookup(whole[1]!, context, text);
  let error: TemplateError | undefined;
  const value = text.replace(EXPRESSION, (match, escape: string, expression: string) => {
    if (escape) return match.slice(1);
    const found = lookup(expression, context, match);
    if (!found.ok) {
      error ??= found.error;
      return '';
    }
    if (!isScalarValue(found.value)) {
      const kind = Array.isArray(found.value)
        ? 'a list'
        : found.value === null
          ? 'empty'
          : 'a mapping';
      error ??= {
        message: `${match} is ${kind} and cannot be part of a longer string`,
        expression: match,
      };
      return '';
    }
    return String(found.value);
  });
  return error === undefined ? { ok: true, value } : { ok: false, error };
}

export function isScalarValue(value: unknown): value is string | number | boolean | bigint {
  return ['string', 'number', 'boolean', 'bigint'].includes(typeof value);
}

/** Parse `a.b[0].c` into segments. */
function parseExpression(expression: string): (string | number)[] | undefined {
  const segments: (string | number)[] = [];
  const text = expression.trim();
  if (text === '') return undefined;
  for (const part of text.split('.')) {
    const m = /^([^[\]]+)((?:\[\d+\])*)$/.exec(part);
    if (!m || !SEGMENT.test(m[1]!)) return undefined;
    segments.push(m[1]!);
    for (const index of m[2]!.matchAll(/\[(\d+)\]/g)) segments.push(Number(index[1]));
  }
  return segments;
}

function lookup(expression: string, context: TemplateContext, written: string): Interpolated {
  const segments = parseExpression(expression);
  const shown = `\${${expression.trim()}}`;
  const fail = (message: string): Interpolated => ({
    ok: false,
    error: { message, expression: written },
  });
  if (!segments) return fail(`${shown} is not a valid reference (use names, "." and [index])`);
  const [first, ...rest] = segments as [string, ...(string | number)[]];
  const top = findName(context, first);
  if (!top.found) {
    const hint = closest(first, namesOf(context));
    return fail(
      `${shown}: "${first}" is not defined in params or vars` +
        (hint ? ` (did you mean "${hint}"?)` : ''),
    );
  }
  let current: unknown = top.value;
  let walked = first;
  for (const segment of rest) {
    if (typeof segment === 'number') {
      if (!Array.isArray(current)) return fail(`${shown}: "${walked}" is not a list`);
      if (segment >= current.length)
        return fail(`${shown}: "${walked}" has ${current.length} items, no [${segment}]`);
      current = current[segment];
      walked += `[${segment}]`;
      continue;
    }
    if (current === null || typeof current !== 'object' || Array.isArray(current)) {
      return fail(`${shown}: "${walked}" is not a mapping`);
    }
    const record = current as Record<string, unknown>;
    if (!Object.hasOwn(record, segment)) {
      const hint = closest(segment, Object.keys(record));
      return fail(
        `${shown}: "${segment}" is not a key of "${walked}"` +
          (hint ? ` (did you mean "${hint}"?)` : ''),
      );
    }
    current = record[segment];
    walked += `.${segment}`;
  }
  return { ok: true, value: current };
}

/** Dotted lookup (`train.lr`) in a params mapping. */
export function getDotted(root: unknown, key: string): { found: boolean; value: unknown } {
  let current: unknown = root;
  for (const segment of key.split('.')) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) {
      return { found: false, value: undefined };
    }
    const record = current as Record<string, unknown>;
    if (!Object.hasOwn(record, segment)) return { found: false, value: undefined };
    current = record[segment];
  }
  return { found: true, value: current };
}
