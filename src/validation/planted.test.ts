import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeFiles } from '../../test/support/temp.ts';
import { duckdbQuery, suiteTempDir, target, withEngine } from '../../test/support/validation.ts';
import type { CheckResult, DatasetResult } from './results.ts';
import { exitCodeOf, validatePipeline } from './validate.ts';

// One dataset with a planted fault of every kind the suite language checks, each planted a known
// number of times, and the same dataset without them.

const NOW = Date.parse('2024-06-01T12:00:00Z');
const COUNTRIES = ['DE', 'FR', 'US', 'IT'];
const HEADER = 'id,email,age,country,code,zip,amount,label,start_date,end_date,updated_at';

interface Row {
  id: number;
  email: string;
  age: number;
  country: string;
  code: string;
  zip: string;
  amount: string;
  label: string;
  start: string;
  end: string;
  updated: string;
}

function day(offset: number): string {
  return new Date(Date.UTC(2024, 0, 1) + offset * 86400e3).toISOString().slice(0, 10);
}

function cleanRows(): Row[] {
  return Array.from({ length: 200 }, (_, i) => ({
    id: i + 1,
    email: i === 5 ? 'u5\nsecond-line@example.org' : `u${i}@example.org`,
    age: 20 + (i % 50),
    country: COUNTRIES[i % 4]!,
    code: `XYZ-${String(i).padStart(3, '0')}`,
    zip: `0${1000 + i}`,
    amount: (i * 1.25).toFixed(2),
    label: ['a', 'b', 'c'][i % 3]!,
    start: day(i % 100),
    end: day((i % 100) + 5),
    updated: `2024-06-01 ${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00`,
  }));
}

function plantFaults(rows: Row[]): Row[] {
  for (const i of [10, 11, 12]) rows[i]!.amount = ['n/a', 'unknown', '1,5'][i - 10]!; // type: 3
  for (const i of [20, 21, 22, 23]) rows[i]!.email = ''; // nullable: 4
  rows[30]!.age = -1; // min: 2
  rows[31]!.age = -5;
  for (const i of [32, 33, 34]) rows[i]!.age = [130, 150, 200][i - 32]!; // max: 3
  for (const i of [40, 41, 42, 43, 44, 45]) rows[i]!.country = 'ES'; // in: 6 (ES is a country)
  for (const i of [46, 47]) rows[i]!.country = 'ZZ'; // in: +2, references: 2
  for (const i of [50, 51, 52, 53, 54, 55, 56]) rows[i]!.code = `bad-${i}`; // regex: 7
  rows[60]!.zip = '123'; // length: 2
  rows[61]!.zip = '1234567';
  rows[70]!.id = 1; // unique id: ids 1 and 2 twice
  rows[71]!.id = 2;
  rows[81]!.country = rows[80]!.country; // unique (country, code): one key twice
  rows[81]!.code = rows[80]!.code;
  for (const i of [90, 91, 92, 93]) rows[i]!.end = day(-1); // sql: 4 rows end before they start
  for (const r of rows) r.updated = r.updated.replace('2024-06-01', '2024-05-29'); // freshness
  for (const r of rows) if (r.label === 'c' && r.id > 30) r.label = 'a'; // balance: c is rare
  // duplicates: row 100 once more, row 101 twice more (3 surplus rows; ids and keys repeat too)
  return [...rows, { ...rows[100]! }, { ...rows[101]! }, { ...rows[101]! }];
}

function csv(rows: Row[]): string {
  const quote = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return (
    [
      HEADER,
      ...rows.map((r) =>
        [
          r.id,
          r.email,
          r.age,
          r.country,
          r.code,
          r.zip,
          r.amount,
          r.label,
          r.start,
          r.end,
          r.updated,
        ]
          .map(String)
          .map(quote)
          .join(','),
      ),
    ].join('\n') + '\n'
  );
}

/** Lines DuckDB cannot parse, spliced in after the 150th data row: too long, not UTF-8, too short. */
function withMalformedLines(text: string): Buffer {
  const lines = text.split('\n');
  // Row 5's email spans two lines, so data row 150 ends on line 152 (after the header).
  const at = 152;
  const bad = [
    Buffer.from(
      '900,x@example.org,30,DE,XYZ-900,01900,1.00,a,2024-01-01,2024-01-02,2024-06-01 00:00:00,EXTRA\n',
    ),
    Buffer.concat([
      Buffer.from('901,'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from(
        '@example.org,30,DE,XYZ-901,01901,1.00,a,2024-01-01,2024-01-02,2024-06-01 00:00:00\n',
      ),
    ]),
    Buffer.from('902,y@example.org,30\n'),
  ];
  return Buffer.concat([
    Buffer.from(lines.slice(0, at).join('\n') + '\n'),
    ...bad,
    Buffer.from(lines.slice(at).join('\n')),
  ]);
}

const SPEC = `
datasets:
  orders: {path: data/orders.csv}
  countries: {path: data/countries.csv}
validation:
  - dataset: orders
    columns:
      id: {type: integer, unique: true}
      email: {nullable: false}
      age: {type: integer, min: 0, max: 120}
      country: {in: [DE, FR, US, IT]}
      code: {regex: "^[A-Z]{3}-[0-9]{3}$"}
      zip: {type: string, length: 5, severity: warn}
      amount: {type: number}
      updated_at: {type: timestamp}
    checks:
      - rows: {min: 10, max: 200}
      - unique: [country, code]
      - duplicates: {max: 0}
      - freshness: {column: updated_at, maxAge: 1d}
      - references: {columns: country, dataset: countries, to: code}
      - balance: {column: label, min: 0.2}
      - sql: select * from data where end_date < start_date
`;

async function validate(root: string, spec = SPEC): Promise<DatasetResult> {
  const report = await withEngine(root, (engine) =>
    validatePipeline({ engine, root, now: NOW }, target(spec), 'orders'),
  );
  return report.datasets[0]!;
}

function byId(d: DatasetResult): Record<string, CheckResult> {
  return Object.fromEntries(d.checks.map((c) => [c.id, c]));
}

describe('a dataset with planted faults of every kind', () => {
  const clean = suiteTempDir();
  const faulty = suiteTempDir();
  let good: DatasetResult;
  let bad: DatasetResult;

  beforeAll(async () => {
    const countries = 'code,name\nDE,Germany\nFR,France\nUS,United States\nIT,Italy\nES,Spain\n';
    writeFiles(clean, { 'data/orders.csv': csv(cleanRows()), 'data/countries.csv': countries });
    writeFiles(faulty, { 'data/countries.csv': countries });
    writeFileSync(
      join(faulty, 'data/orders.csv'),
      withMalformedLines(csv(plantFaults(cleanRows()))),
    );
    [good, bad] = await Promise.all([validate(clean), validate(faulty)]);
    if (process.env.DUMP) {
      const { renderValidationText } = await import('./text.ts');
      const { renderValidationMarkdown } = await import('./markdown.ts');
      const { style } = await import('../cli/io.ts');
      console.log(
        renderValidationText(
          [{ pipeline: 'p', status: bad.status, datasets: [bad] }],
          style(false),
        ),
      );
      console.log(renderValidationMarkdown({ pipeline: 'p', status: bad.status, datasets: [bad] }));
    }
  }, 60_000);

  it('passes every check on the clean version', () => {
    expect(good.checks.filter((c) => c.status !== 'pass')).toEqual([]);
    expect(good.status).toBe('pass');
    expect(good.source!.rows).toBe(200);
    expect(exitCodeOf([good])).toBe(0);
  });

  it('finds each planted fault with its exact count', () => {
    const c = byId(bad);
    const found = (id: string) => [c[id]?.status, c[id]?.unexpectedCount];
    expect(found('parse')).toEqual(['fail', 3]);
    expect(found('columns.amount.type')).toEqual(['fail', 3]);
    expect(found('columns.email.nullable')).toEqual(['fail', 4]);
    expect(found('columns.age.min')).toEqual(['fail', 2]);
    expect(found('columns.age.max')).toEqual(['fail', 3]);
    expect(found('columns.country.in')).toEqual(['fail', 8]);
    expect(found('columns.code.regex')).toEqual(['fail', 7]);
    expect(found('columns.zip.length')).toEqual(['warn', 2]);
    // ids 1, 2 (planted) and 101, 102 (the duplicated rows): 4 values in 2 + 2 + 2 + 3 rows.
    expect(found('columns.id.unique')).toEqual(['fail', 9]);
    expect(c['columns.id.unique']!.observed).toBe(4);
    // one planted key, and the keys of the two duplicated rows: 3 keys in 2 + 2 + 3 rows.
    expect(found('checks.1.unique')).toEqual(['fail', 7]);
    expect(c['checks.1.unique']!.observed).toBe(3);
    expect(found('checks.2.duplicates')).toEqual(['fail', 3]);
    expect(found('checks.4.references')).toEqual(['fail', 2]);
    expect(found('checks.5.balance')).toEqual(['fail', 1]);
    expect(found('checks.6.sql')).toEqual(['fail', 4]);
    expect([c['checks.0.rows']!.status, c['checks.0.rows']!.observed]).toEqual(['fail', 203]);
    expect([c['checks.3.freshness']!.status, c['checks.3.freshness']!.observed]).toEqual([
      'fail',
      '2024-05-29 03:19:00',
    ]);
    // What held still holds.
    expect(found('columns.id.type')).toEqual(['pass', 0]);
    expect(found('columns.zip.type')).toEqual(['pass', 0]);
    expect(found('columns.updated_at.type')).toEqual(['pass', 0]);
    expect(exitCodeOf([bad])).toBe(1);
  });

  it('reports failing values, shares and the SQL that returns every failing row', () => {
    const c = byId(bad);
    expect(c['columns.amount.type']!.sample).toEqual(['1,5', 'n/a', 'unknown']);
    expect(c['columns.age.min']!.sample).toEqual([-5, -1]);
    expect(c['columns.age.max']!.sample).toEqual([200, 150, 130]);
    expect(c['columns.country.in']!.sample).toEqual(['ES', 'ZZ']);
    expect(c['columns.country.in']!.unexpectedShare).toBeCloseTo(8 / 203, 9);
    expect(c['checks.4.references']!.sample).toEqual(['ZZ']);
    expect(c['checks.5.balance']!.sample).toEqual(['c']);
    expect(c['checks.6.sql']!.sample).toHaveLength(4);
    expect(c['columns.id.unique']!.sample).toEqual([102, 1, 2, 101]);
    for (const check of bad.checks.filter(
      (x) =>
        x.status !== 'pass' &&
        x.check !== 'parse' &&
        x.check !== 'rows' &&
        x.check !== 'freshness' &&
        x.check !== 'balance',
    )) {
      expect(check.failingRowsSql, check.id).toMatch(/data\/orders\.csv/);
      expect(check.failingRowsSql, check.id).not.toContain(faulty);
    }
  });

  it('returns exactly the failing rows from the printed SQL', async () => {
    const c = byId(bad);
    // As a user runs it: DuckDB started in the repository root, the SQL pasted as printed.
    const ids = [
      'columns.age.max',
      'columns.country.in',
      'checks.4.references',
      'checks.6.sql',
      'columns.id.unique',
    ];
    const counts: Record<string, number> = {};
    for (const id of ids) {
      const rows = await duckdbQuery(
        faulty,
        `SELECT count(*) AS n FROM (${c[id]!.failingRowsSql!})`,
      );
      counts[id] = Number(rows[0]!.n);
    }
    expect(counts).toEqual({
      'columns.age.max': 3,
      'columns.country.in': 8,
      'checks.4.references': 2,
      'checks.6.sql': 4,
      'columns.id.unique': 9,
    });
  });

  it('finds the same on columns it also counts for drift (checks taken on their value counts)', async () => {
    writeFiles(faulty, { 'data/reference.csv': csv(cleanRows()) });
    const counted = await validate(
      faulty,
      `${SPEC}    drift: {reference: data/reference.csv, exclude: [updated_at]}\n`,
    );
    const checks = counted.checks.filter((c) => c.check !== 'drift');
    expect(counted.drift!.columns.map((c) => c.column)).toContain('country');
    expect(JSON.stringify(checks)).toBe(JSON.stringify(bad.checks));
  });

  it('locates rows that do not parse by their physical line, after a quoted line break', () => {
    const parse = byId(bad).parse!;
    expect(parse.observed).toEqual({
      'INVALID ENCODING': 1,
      'MISSING COLUMNS': 1,
      'TOO MANY COLUMNS': 1,
    });
    expect(
      parse.sample!.map((s) => {
        const r = s as { file: string; line: number; error: string };
        return `${r.file}:${r.line} ${r.error}`;
      }),
    ).toEqual([
      'data/orders.csv:153 TOO MANY COLUMNS',
      'data/orders.csv:154 INVALID ENCODING',
      'data/orders.csv:155 MISSING COLUMNS',
    ]);
  });
});
