import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { baseRepo, validateFiles } from '../../test/support/memory-repo.ts';
import { projectRoot } from '../../test/support/temp.ts';
import type { Validation } from './validate.ts';

/** A valid repository made of the real example specs plus the files they reference. */
function exampleRepo(): Record<string, string> {
  const read = (f: string) => readFileSync(join(projectRoot, f), 'utf8');
  const specs = [
    'gitops-ml.yaml',
    'params.yaml',
    'pipelines/penguins.yaml',
    'models/penguins.yaml',
    'deployments/staging.yaml',
    'deployments/production.yaml',
  ];
  const others = [
    'data/penguins.json',
    'examples/penguins/prepare.mjs',
    'examples/penguins/train.mjs',
    'examples/penguins/evaluate.mjs',
    'examples/penguins/lib.mjs',
    'deploy/production/penguins.yaml',
  ];
  return Object.fromEntries([
    ...specs.map((f): [string, string] => [f, read(f)]),
    ...others.map((f): [string, string] => [f, '']),
  ]);
}

const specFiles = (repo: Record<string, string>) =>
  Object.keys(repo).filter((f) => f.endsWith('.yaml'));

/** Every result is either valid, or a list of errors each placed inside a file we gave. */
function expectWellFormed(v: Validation, repo: Record<string, string>): void {
  const errors = v.diagnostics.filter((d) => d.severity === 'error');
  expect(v.valid).toBe(errors.length === 0);
  for (const d of v.diagnostics) {
    const text = repo[d.file];
    expect(text, `diagnostic for an unknown file ${d.file}`).toBeDefined();
    expect(d.span, `${d.file}: ${d.message}`).toBeDefined();
    const lineCount = text!.split('\n').length;
    expect(d.span!.line).toBeGreaterThanOrEqual(1);
    expect(d.span!.line).toBeLessThanOrEqual(lineCount);
    expect(d.span!.col).toBeGreaterThanOrEqual(1);
    expect(d.message.length).toBeGreaterThan(0);
    expect(d.message).not.toMatch(/undefined|\[object Object\]|NaN/);
    expect(d.code).toMatch(/^[a-z-]+$/);
  }
  expect(() => JSON.stringify(v.diagnostics)).not.toThrow();
}

/** Line-level damage a hand edit or a bad merge can do. */
const textMutation = fc.oneof(
  fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('duplicate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('swap' as const), at: fc.nat(), to: fc.nat() }),
  fc.record({
    op: fc.constant('indent' as const),
    at: fc.nat(),
    by: fc.integer({ min: -4, max: 4 }),
  }),
  fc.record({
    op: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.string({ maxLength: 12 }),
  }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    op: fc.constant('char' as const),
    at: fc.nat(),
    text: fc.constantFrom(
      ':',
      '-',
      '[',
      '{',
      '}',
      ']',
      '"',
      "'",
      '#',
      '&a',
      '*a',
      '!!binary',
      '\t',
      '${',
      '${x}',
      '%',
      '|',
      '>',
      '?',
      ',',
    ),
  }),
);
type TextMutation = typeof textMutation extends fc.Arbitrary<infer T> ? T : never;

function applyText(text: string, m: TextMutation): string {
  const lines = text.split('\n');
  const i = m.at % lines.length;
  switch (m.op) {
    case 'delete':
      lines.splice(i, 1);
      break;
    case 'duplicate':
      lines.splice(i, 0, lines[i]!);
      break;
    case 'swap': {
      const j = m.to % lines.length;
      [lines[i], lines[j]] = [lines[j]!, lines[i]!];
      break;
    }
    case 'indent':
      lines[i] =
        m.by >= 0
          ? ' '.repeat(m.by) + lines[i]!
          : lines[i]!.slice(Math.min(-m.by, /^ */.exec(lines[i]!)![0].length));
      break;
    case 'insert':
    case 'char': {
      const line = lines[i]!;
      const col = m.at % (line.length + 1);
      lines[i] = line.slice(0, col) + m.text + line.slice(col);
      break;
    }
    case 'truncate':
      return text.slice(0, m.at % (text.length + 1));
  }
  return lines.join('\n');
}

/** Structural damage: values of the wrong type, deleted and invented keys. */
const anyValue = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.integer(),
  fc.double({ noNaN: true }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
  fc.constantFrom('${seed}', '${nope}', '${item}', 'v1.2.3', '2h', '../x', '/abs', 'a.b'),
);

const valueMutation = fc.record({
  op: fc.constantFrom('set', 'delete', 'add'),
  pick: fc.array(fc.nat(), { minLength: 1, maxLength: 6 }),
  key: fc.string({ minLength: 1, maxLength: 8 }),
  value: anyValue,
});
type ValueMutation = typeof valueMutation extends fc.Arbitrary<infer T> ? T : never;

function applyValue(root: unknown, m: ValueMutation): unknown {
  if (root === null || typeof root !== 'object') return m.value;
  let parent = root as Record<string, unknown>;
  for (let depth = 0; depth < m.pick.length; depth++) {
    const keys = Object.keys(parent);
    if (keys.length === 0) break;
    const key = keys[m.pick[depth]! % keys.length]!;
    const child = parent[key];
    const last = depth === m.pick.length - 1 || child === null || typeof child !== 'object';
    if (last) {
      if (m.op === 'delete') delete parent[key];
      else if (m.op === 'add') parent[m.key] = m.value;
      else parent[key] = m.value;
      return root;
    }
    parent = child as Record<string, unknown>;
  }
  return root;
}

describe('validate never crashes on damaged specs', () => {
  const repos = [exampleRepo(), baseRepo()];

  it('line-level mutations give valid, or positioned errors', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat(),
        fc.nat(),
        fc.array(textMutation, { minLength: 1, maxLength: 4 }),
        async (r, f, mutations) => {
          const repo = { ...repos[r % repos.length]! };
          const files = specFiles(repo);
          const file = files[f % files.length]!;
          repo[file] = mutations.reduce(applyText, repo[file]!);
          expectWellFormed(await validateFiles(repo), repo);
        },
      ),
      { numRuns: Number(process.env.FC_RUNS ?? 400) },
    );
  });

  it('structural mutations give valid, or positioned errors', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat(),
        fc.nat(),
        fc.array(valueMutation, { minLength: 1, maxLength: 3 }),
        async (r, f, mutations) => {
          const repo = { ...repos[r % repos.length]! };
          const files = specFiles(repo);
          const file = files[f % files.length]!;
          const value = mutations.reduce(applyValue, parse(repo[file]!) as unknown);
          repo[file] = stringify(value);
          expectWellFormed(await validateFiles(repo), repo);
        },
      ),
      { numRuns: Number(process.env.FC_RUNS ?? 400) },
    );
  });
});
