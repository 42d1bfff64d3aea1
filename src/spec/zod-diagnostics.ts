import type { z } from 'zod';
import type { Diagnostic } from '../diagnostic.ts';
import { diagnosticAt } from './findings.ts';
import { closest } from './suggest.ts';
import { isScalar } from 'yaml';
import { walk, type YamlPath, type YamlSource } from './yaml-source.ts';

type Issue = z.core.$ZodIssue;
type AnySchema = z.core.$ZodType;

/** Validate `source.value` against `schema`; every issue becomes a positioned diagnostic. */
export function checkAgainst<T extends z.ZodType>(
  schema: T,
  source: YamlSource,
  value: unknown = source.value,
  base: YamlPath = [],
): { data: z.infer<T> | undefined; diagnostics: Diagnostic[] } {
  // jitless: zod would compile a fast path for each object schema on first use, which costs more
  // than it saves when a command checks a handful of small documents once.
  const result = schema.safeParse(value, { reportInput: true, jitless: true });
  if (result.success) return { data: result.data, diagnostics: [] };
  const diagnostics: Diagnostic[] = [];
  for (const issue of result.error.issues) {
    collect(issue, base, [], schema, source, diagnostics);
  }
  return { data: undefined, diagnostics: dedupe(withoutExplainedMissing(diagnostics)) };
}

const missingKey = /^missing required key "([^"]+)"$|^a \S+ needs an? "([^"]+)"$/;
const typoHint = /^unknown key "[^"]+" \(did you mean "([^"]+)"\?\)$/;

/**
 * "missing key cmd" next to "unknown key cmnd (did you mean cmd?)" in the same mapping says the
 * same thing twice: keep the hint, drop the complaint.
 */
function withoutExplainedMissing(diagnostics: Diagnostic[]): Diagnostic[] {
  const hinted = new Set<string>();
  for (const d of diagnostics) {
    const hint = typoHint.exec(d.message)?.[1];
    if (hint !== undefined && d.path) hinted.add(JSON.stringify([...d.path.slice(0, -1), hint]));
  }
  if (hinted.size === 0) return diagnostics;
  return diagnostics.filter((d) => {
    const m = missingKey.exec(d.message);
    const key = m?.[1] ?? m?.[2];
    if (key === undefined || !d.path) return true;
    const parent = d.code === 'missing-key' ? d.path.slice(0, -1) : d.path;
    return !hinted.has(JSON.stringify([...parent, key]));
  });
}

function collect(
  issue: Issue,
  base: YamlPath,
  relBase: YamlPath,
  root: AnySchema,
  source: YamlSource,
  out: Diagnostic[],
): void {
  const rel = [...relBase, ...(issue.path as (string | number)[])];
  const path = [...base, ...rel];
  const push = (message: string, at: 'value' | 'key', code: string, where: YamlPath = path) =>
    out.push(diagnosticAt(source, where, message, code, { at }));

  switch (issue.code) {
    case 'invalid_type': {
      if (issue.input === undefined) {
        push(`missing required key "${String(path.at(-1))}"`, 'key', 'missing-key', path);
      } else {
        push(
          `expected ${article(issue.expected)}, got ${describe(issue.input, written(source, path))}`,
          'value',
          'type',
        );
      }
      return;
    }
    case 'unrecognized_keys': {
      const known = keysAt(root, rel);
      for (const key of issue.keys) {
        const hint = closest(key, known);
        const tail =
          hint !== undefined
            ? ` (did you mean "${hint}"?)`
            : known.length > 0 && known.length <= 12
              ? ` (expected one of: ${known.join(', ')})`
              : '';
        push(`unknown key "${key}"${tail}`, 'key', 'unknown-key', [...path, key]);
      }
      return;
    }
    case 'invalid_union': {
      if (issue.input === undefined && issue.path.length > 0) {
        push(`missing required key "${String(path.at(-1))}"`, 'key', 'missing-key', path);
        return;
      }
      if (
        'discriminator' in issue &&
        issue.discriminator !== undefined &&
        issue.errors.length === 0
      ) {
        const options = ('options' in issue ? (issue.options ?? []) : []).map(String);
        const got = lastValue(issue.input, issue.discriminator);
        const hint = typeof got === 'string' ? closest(got, options) : undefined;
        push(
          got === undefined
            ? `missing required key "${issue.discriminator}" (one of: ${options.join(', ')})`
            : `"${issue.discriminator}" must be one of: ${options.join(', ')}` +
                (hint ? ` (did you mean "${hint}"?)` : ''),
          got === undefined ? 'key' : 'value',
          'invalid-value',
          got === undefined ? path.slice(0, -1) : path,
        );
        return;
      }
      const branches = issue.errors.filter((branch) => branch.length > 0);
      const matching = branches.filter((branch) => !branch.some(isTypeMismatchAtRoot));
      if (matching.length > 0) {
        const best = matching.reduce((a, b) => (b.length < a.length ? b : a));
        for (const inner of best) collect(inner, base, rel, root, source, out);
        return;
      }
      const expected = unique(
        branches.flatMap((branch) =>
          branch
            .filter(isTypeMismatchAtRoot)
            .map((i) => (i.code === 'invalid_type' ? i.expected : 'value')),
        ),
      );
      push(
        `expected ${joinOr(expected.map(article))}, got ${describe(issue.input, written(source, path))}`,
        'value',
        'type',
      );
      return;
    }
    case 'invalid_key': {
      for (const inner of issue.issues) {
        push(`invalid key "${String(path.at(-1))}": ${message(inner)}`, 'key', 'invalid-key');
      }
      return;
    }
    case 'invalid_value': {
      if (issue.input === undefined) {
        push(`missing required key "${String(path.at(-1))}"`, 'key', 'missing-key', path);
        return;
      }
      const options = issue.values.map((v) => JSON.stringify(v));
      const hint =
        typeof issue.input === 'string'
          ? closest(issue.input, issue.values.map(String))
          : undefined;
      const msg =
        issue.values.length === 1
          ? `must be ${options[0]}`
          : `must be one of: ${issue.values.map(String).join(', ')}`;
      push(msg + (hint ? ` (did you mean "${hint}"?)` : ''), 'value', 'invalid-value');
      return;
    }
    case 'custom': {
      const at = (issue.params as { at?: 'key' } | undefined)?.at === 'key' ? 'key' : 'value';
      push(issue.message, at, 'invalid');
      return;
    }
    default:
      push(message(issue), 'value', 'invalid-value');
  }
}

function message(issue: Issue): string {
  switch (issue.code) {
    case 'too_small':
      return tooSmall(issue);
    case 'too_big':
      return tooBig(issue);
    case 'invalid_format':
      return issue.message.startsWith('Invalid') ? `invalid ${issue.format}` : issue.message;
    default:
      return issue.message;
  }
}

function tooSmall(issue: z.core.$ZodIssueTooSmall): string {
  const n = Number(issue.minimum);
  if (issue.message && !issue.message.startsWith('Too small')) return issue.message;
  switch (issue.origin) {
    case 'array':
      return n === 1 ? 'cannot be an empty list' : `needs at least ${n} items`;
    case 'string':
      return n === 1 ? 'cannot be empty' : `needs at least ${n} characters`;
    default:
      return `must be ${issue.inclusive ? 'at least' : 'greater than'} ${n}`;
  }
}

function tooBig(issue: z.core.$ZodIssueTooBig): string {
  const n = Number(issue.maximum);
  if (issue.message && !issue.message.startsWith('Too big')) return issue.message;
  switch (issue.origin) {
    case 'array':
      return `holds at most ${n} items`;
    case 'string':
      return `holds at most ${n} characters`;
    default:
      return `must be ${issue.inclusive ? 'at most' : 'less than'} ${n}`;
  }
}

function isTypeMismatchAtRoot(issue: Issue): boolean {
  return (
    issue.path.length === 0 && (issue.code === 'invalid_type' || issue.code === 'invalid_union')
  );
}

const articles: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
  record: 'a mapping',
  null: 'nothing',
  value: 'another value',
};

function article(expected: string): string {
  return articles[expected] ?? expected;
}

/** A scalar as the user wrote it (`1.0`, not `1`). */
function written(source: YamlSource, path: YamlPath): string | undefined {
  const node = walk(source, path).node;
  return isScalar(node) && typeof node.source === 'string' && node.source !== ''
    ? node.source
    : undefined;
}

function describe(input: unknown, asWritten?: string): string {
  if (input === null) return 'an empty value';
  if (Array.isArray(input)) return 'a list';
  if (asWritten !== undefined && (typeof input === 'number' || typeof input === 'boolean'))
    return asWritten;
  switch (typeof input) {
    case 'string':
      return `"${input.length > 40 ? input.slice(0, 37) + '...' : input}"`;
    case 'number':
    case 'bigint':
    case 'boolean':
      return String(input);
    case 'object':
      return 'a mapping';
    default:
      return typeof input;
  }
}

function joinOr(items: string[]): string {
  if (items.length <= 1) return items[0] ?? 'another value';
  return `${items.slice(0, -1).join(', ')} or ${items.at(-1)!}`;
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}

function lastValue(input: unknown, key: string): unknown {
  return input !== null && typeof input === 'object'
    ? (input as Record<string, unknown>)[key]
    : undefined;
}

function dedupe(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.span?.line}:${d.span?.col}:${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

// --- known keys at a path, for "did you mean" ------------------------------------------------

interface Def {
  type: string;
  shape?: Record<string, AnySchema>;
  innerType?: AnySchema;
  element?: AnySchema;
  valueType?: AnySchema;
  options?: AnySchema[];
  in?: AnySchema;
  out?: AnySchema;
  getter?: () => AnySchema;
  left?: AnySchema;
  right?: AnySchema;
}

function defOf(schema: AnySchema): Def {
  return schema._zod.def;
}

/** Every object schema `schema` may be at the top (through wrappers, unions and pipes). */
function objectsOf(schema: AnySchema, depth = 0): AnySchema[] {
  if (depth > 20) return [];
  const def = defOf(schema);
  switch (def.type) {
    case 'object':
      return [schema];
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'catch':
    case 'readonly':
    case 'nonoptional':
      return def.innerType ? objectsOf(def.innerType, depth + 1) : [];
    case 'union':
      return (def.options ?? []).flatMap((o) => objectsOf(o, depth + 1));
    case 'pipe':
      return def.in ? objectsOf(def.in, depth + 1) : [];
    case 'lazy':
      return def.getter ? objectsOf(def.getter(), depth + 1) : [];
    case 'intersection':
      return [def.left, def.right].flatMap((s) => (s ? objectsOf(s, depth + 1) : []));
    default:
      return [];
  }
}

function childrenAt(schema: AnySchema, segment: string | number, depth = 0): AnySchema[] {
  if (depth > 20) return [];
  const def = defOf(schema);
  switch (def.type) {
    case 'object': {
      const child = def.shape?.[String(segment)];
      return child ? [child] : [];
    }
    case 'array':
      return def.element ? [def.element] : [];
    case 'record':
      return def.valueType ? [def.valueType] : [];
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'catch':
    case 'readonly':
    case 'nonoptional':
      return def.innerType ? childrenAt(def.innerType, segment, depth + 1) : [];
    case 'union':
      return (def.options ?? []).flatMap((o) => childrenAt(o, segment, depth + 1));
    case 'pipe':
      return def.in ? childrenAt(def.in, segment, depth + 1) : [];
    case 'lazy':
      return def.getter ? childrenAt(def.getter(), segment, depth + 1) : [];
    case 'intersection':
      return [def.left, def.right].flatMap((s) => (s ? childrenAt(s, segment, depth + 1) : []));
    default:
      return [];
  }
}

/** The keys an object at `path` may have, per the schema. */
export function keysAt(schema: AnySchema, path: YamlPath): string[] {
  let current: AnySchema[] = [schema];
  for (const segment of path) current = current.flatMap((s) => childrenAt(s, segment));
  const keys = current.flatMap((s) =>
    objectsOf(s).flatMap((o) => Object.keys(defOf(o).shape ?? {})),
  );
  return unique(keys);
}
