import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, writeFiles } from '../../test/support/temp.ts';
import { target, withEngine } from '../../test/support/validation.ts';
import type { Engine } from './engine.ts';
import type { DatasetResult } from './results.ts';
import { exitCodeOf, validatePipeline, type ValidateOptions } from './validate.ts';

async function run(
  root: string,
  spec: string,
  options: Partial<ValidateOptions> = {},
  log?: string[],
): Promise<DatasetResult[]> {
  return withEngine(root, async (engine) => {
    const logged: Engine = log
      ? {
          ...engine,
          all: (sql) => (log.push(sql), engine.all(sql)),
          get statements() {
            return engine.statements;
          },
        }
      : engine;
    const report = await validatePipeline({ engine: logged, root, ...options }, target(spec));
    return report.datasets;
  });
}

const ROWS = Array.from(
  { length: 50 },
  (_, i) => `${i},${i % 7},${['a', 'b'][i % 2]},0${1000 + i}`,
);

describe('a suite compiles to a fixed number of scans', () => {
  it('reads the data once for any number of aggregate checks', async () => {
    const root = tempDir();
    writeFiles(root, { 'd.csv': ['id,n,k,zip', ...ROWS].join('\n') + '\n' });
    const few = `
datasets: {d: {path: d.csv}}
validation:
  - dataset: d
    columns: {id: {unique: true}}
`;
    const many = `
datasets: {d: {path: d.csv}}
validation:
  - dataset: d
    columns:
      id: {type: integer, unique: true, min: 0, max: 49, nullable: false}
      n: {type: integer, min: 0, max: 6, in: [0, 1, 2, 3, 4, 5, 6]}
      k: {type: string, in: [a, b], regex: "^[ab]$", length: 1}
      zip: {type: string, length: 5, regex: "^0[0-9]+$"}
    checks:
      - rows: {min: 50, max: 50}
      - unique: [id, k]
      - duplicates: {max: 0}
      - balance: {column: k, min: 0.4}
`;
    const scans = async (spec: string) => {
      const log: string[] = [];
      const [d] = await run(root, spec, {}, log);
      expect(
        d!.checks.every((c) => c.status === 'pass'),
        JSON.stringify(d!.checks),
      ).toBe(true);
      return log.filter(
        (sql) => sql.includes('d.csv') && !sql.startsWith('SELECT * FROM sniff_csv'),
      );
    };
    const one = await scans(few);
    const sixteen = await scans(many);
    expect(one).toHaveLength(1);
    expect(sixteen).toHaveLength(1);
    expect(sixteen[0]).toMatch(/SELECT count\(\*\) AS n,/);
    // k's checks are evaluated on the value counts the balance check takes anyway.
    expect(sixteen[0]).toContain('list_filter(map_entries(totals.');
  });

  it('keeps declared strings as text, so codes keep their leading zeros', async () => {
    const root = tempDir();
    writeFiles(root, { 'd.csv': ['id,n,k,zip', ...ROWS].join('\n') + '\n' });
    const [d] = await run(
      root,
      `
datasets: {d: {path: d.csv}}
validation:
  - dataset: d
    columns: {zip: {type: string, length: 5}}
`,
    );
    expect(d!.source!.columns.find((c) => c.name === 'zip')!.type).toBe('VARCHAR');
    expect(d!.checks.map((c) => c.status)).toEqual(['pass', 'pass', 'pass']);
  });
});

describe('results are identical across runs', () => {
  it('gives the same JSON twice with two threads', async () => {
    const root = tempDir();
    const rows = Array.from(
      { length: 20000 },
      (_, i) => `${i % 9000},${(i * 0.37) % 101},${['x', 'y', 'z'][i % 3]}`,
    );
    const ref = Array.from(
      { length: 20000 },
      (_, i) => `${i},${(i * 0.41) % 97},${['x', 'y', 'z', 'w'][i % 4]}`,
    );
    writeFiles(root, {
      'cur.csv': ['id,v,c', ...rows].join('\n') + '\n',
      'ref.csv': ['id,v,c', ...ref].join('\n') + '\n',
    });
    const spec = `
datasets: {cur: {path: cur.csv}}
validation:
  - dataset: cur
    columns: {id: {unique: true}, v: {min: 1}}
    checks: [{duplicates: true}]
    drift: {reference: ref.csv}
`;
    const a = await run(root, spec);
    const b = await run(root, spec);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    // ids i % 9000: every id repeats (0..1999 three times, the rest twice).
    const unique = a[0]!.checks.find((c) => c.id === 'columns.id.unique')!;
    expect([unique.observed, unique.unexpectedCount]).toEqual([9000, 20000]);
  });
});

describe('integer keys are proved unique by their low bits', () => {
  it('settles keys whose low bits collide with one exact query, both ways', async () => {
    const root = tempDir();
    // 1, 2^27 + 1 and 2^28 + 1 share their low 27 bits but are distinct; 5 appears twice.
    const ids = [1, 2 ** 27 + 1, 2 ** 28 + 1, 2, 3];
    writeFiles(root, {
      'u.csv': ['id', ...ids].join('\n') + '\n',
      'd.csv': ['id', ...ids, 5, 5].join('\n') + '\n',
    });
    const spec = (data: string) => `
datasets: {d: {path: ${data}}}
validation:
  - dataset: d
    columns: {id: {type: integer, unique: true}}
    checks: [{duplicates: true}]
`;
    const log: string[] = [];
    const [u] = await run(root, spec('u.csv'), {}, log);
    const unique = u!.checks.find((c) => c.id === 'columns.id.unique')!;
    expect([unique.status, unique.observed, unique.message]).toEqual([
      'pass',
      0,
      'every id is unique',
    ]);
    expect(u!.checks.find((c) => c.check === 'duplicates')!.status).toBe('pass');
    expect(log.filter((sql) => sql.includes('HAVING count(*) > 1'))).not.toHaveLength(0);
    const [d] = await run(root, spec('d.csv'));
    const duplicated = d!.checks.find((c) => c.id === 'columns.id.unique')!;
    expect([duplicated.status, duplicated.observed, duplicated.unexpectedCount]).toEqual([
      'fail',
      1,
      2,
    ]);
  });
});

describe('reruns parse CSV identically', () => {
  it('uses a dialect from earlier results instead of sniffing the new file', async () => {
    const root = tempDir();
    writeFiles(root, { 'd.csv': 'id;code\n1;7\n2;8\n' });
    const spec = `
datasets: {d: {path: d.csv}}
validation:
  - dataset: d
    columns: {code: {type: integer}}
`;
    const [first] = await run(root, spec);
    expect(first!.source!.sniffed).toBe(true);
    expect(first!.source!.dialect!.delimiter).toBe(';');
    // The next version has a code the sniffer would read as text: pinned, it is a failing value.
    writeFiles(root, { 'd.csv': 'id;code\n1;7\n2;A8\n' });
    const [resniffed] = await run(root, spec);
    expect(resniffed!.source!.columns.find((c) => c.name === 'code')!.type).toBe('VARCHAR');
    const [pinned] = await run(root, spec, { dialects: { d: first!.source!.dialect! } });
    expect(pinned!.source!.sniffed).toBe(false);
    expect(pinned!.source!.columns).toEqual(first!.source!.columns);
    const parse = pinned!.checks.find((c) => c.id === 'parse')!;
    expect([parse.status, parse.unexpectedCount]).toEqual(['fail', 1]);
    expect((parse.sample![0] as { line: number; error: string }).line).toBe(3);
  });

  it('reads TSV with the tab pinned, and honours a fully pinned dialect without sniffing', async () => {
    const root = tempDir();
    writeFiles(root, { 'd.tsv': 'a\tb\n1\tx\n2\ty\n', 'e.csv': '1|x\n2|y\n' });
    const [tsv, pinned] = await run(
      root,
      `
datasets:
  d: {path: d.tsv}
  e:
    path: e.csv
    csv: {delimiter: "|", header: false, quote: '"', columns: {n: BIGINT, s: VARCHAR}}
validation:
  - {dataset: d, checks: [{rows: {min: 2}}]}
  - {dataset: e, columns: {n: {min: 1}, s: {in: [x, y]}}}
`,
    );
    expect(tsv!.source!.dialect!.delimiter).toBe('\t');
    expect(tsv!.status).toBe('pass');
    expect(pinned!.source!.sniffed).toBe(false);
    expect(pinned!.status).toBe('pass');
  });
});

describe('JSON and JSON lines', () => {
  it('counts objects that do not parse, finds their lines, and widens mixed types to text', async () => {
    const root = tempDir();
    writeFiles(root, {
      'd.jsonl':
        '{"a":1,"b":"x"}\n{"a":2,"b":"y"}\n{"a":3,"b":\n\n{"a":"four","b":"z"}\nnot json\n[1,2]\n{"a":7}\n',
    });
    const [d] = await run(
      root,
      `
datasets: {d: {path: d.jsonl}}
validation:
  - dataset: d
    columns: {a: {type: number}, b: {nullable: false}}
`,
    );
    const c = Object.fromEntries(d!.checks.map((x) => [x.id, x]));
    expect(d!.source!.rows).toBe(4);
    expect(d!.source!.columns).toEqual([
      { name: 'a', type: 'VARCHAR' },
      { name: 'b', type: 'VARCHAR' },
    ]);
    expect([
      c.parse!.unexpectedCount,
      c.parse!.sample!.map((s) => (s as { line: number }).line),
    ]).toEqual([3, [3, 6, 7]]);
    expect([c['columns.a.type']!.unexpectedCount, c['columns.a.type']!.sample]).toEqual([
      1,
      ['four'],
    ]);
    expect(c['columns.b.nullable']!.unexpectedCount).toBe(1);
  });

  it('reads an array of objects (the penguins data)', async () => {
    const root = tempDir();
    const penguins = JSON.stringify([
      { Species: 'Adelie', 'Body Mass (g)': 3750, Sex: 'MALE' },
      { Species: 'Gentoo', 'Body Mass (g)': null, Sex: '.' },
    ]);
    writeFiles(root, { 'p.json': penguins });
    const [d] = await run(
      root,
      `
datasets: {p: {path: p.json, format: json}}
validation:
  - dataset: p
    columns: {Body Mass (g): {min: 3000, nullable: 0.5}, Sex: {in: [MALE, FEMALE], severity: warn}}
`,
    );
    expect(d!.status).toBe('warn');
    expect(d!.checks.map((c) => [c.id, c.status])).toEqual([
      ['parse', 'pass'],
      ['columns.Body Mass (g).nullable', 'pass'],
      ['columns.Body Mass (g).min', 'pass'],
      ['columns.Sex.in', 'warn'],
    ]);
    expect(exitCodeOf([d!])).toBe(0);
  });
});

describe('data that is not there or not readable', () => {
  it('names a missing file, and a directory of mixed formats is a suite error', async () => {
    const root = tempDir();
    writeFiles(root, { 'mixed/a.csv': 'a\n1\n', 'mixed/b.parquet': 'x' });
    const [missing, mixed] = await run(
      root,
      `
datasets: {gone: {path: gone.csv}, mixed: {path: mixed}}
validation:
  - {dataset: gone, checks: [{rows: {min: 1}}]}
  - {dataset: mixed, checks: [{rows: {min: 1}}]}
`,
    );
    expect(missing!.error).toEqual({
      kind: 'missing',
      message: 'gone.csv does not exist',
      hint: 'commit the file, track it with `gitops-ml data add`, or fix the dataset path in the pipeline spec',
    });
    expect(mixed!.error!.kind).toBe('suite');
    expect(mixed!.error!.message).toBe('mixed: cannot tell the format of its files (csv, parquet)');
    expect(exitCodeOf([mixed!])).toBe(2);
    expect(exitCodeOf([missing!, mixed!])).toBe(3);
  });

  it('reports an unreadable file with DuckDB’s reason and a repository-relative path', async () => {
    const root = tempDir();
    writeFileSync(join(root, 'x.parquet'), 'PAR1 not really');
    const [d] = await run(
      root,
      `
datasets: {x: {path: x.parquet}}
validation: [{dataset: x, checks: [{rows: {min: 1}}]}]
`,
    );
    expect(d!.error!.kind).toBe('unreadable');
    expect(d!.error!.message).toMatch(/^cannot read x\.parquet: /);
    expect(d!.error!.message).not.toContain(root);
  });
});
