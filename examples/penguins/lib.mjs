// Shared helpers for the penguins example: CSV, a seeded PRNG, and the feature layout.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export const NUMERIC = [
  'Beak Length (mm)',
  'Beak Depth (mm)',
  'Flipper Length (mm)',
  'Body Mass (g)',
];
export const ISLANDS = ['Biscoe', 'Dream', 'Torgersen'];
export const SEXES = ['FEMALE', 'MALE'];
export const LABEL = 'Species';

/** mulberry32: small, fast, and the same sequence on every machine for a seed. */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function parseArgs(argv, defaults) {
  const out = { ...defaults };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i]?.replace(/^--/, '');
    if (!key || !(key in defaults)) throw new Error(`unknown option ${argv[i]}`);
    out[key] = Number(argv[i + 1]);
    if (!Number.isFinite(out[key])) throw new Error(`--${key} needs a number`);
  }
  return out;
}

export function writeAtomic(path, text) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path + '.tmp', text);
  renameSync(path + '.tmp', path);
}

export function toCsv(rows, columns) {
  const cell = (v) =>
    v === null || v === undefined
      ? ''
      : /[",\n]/.test(String(v))
        ? `"${String(v).replace(/"/g, '""')}"`
        : String(v);
  return (
    [
      columns.map(cell).join(','),
      ...rows.map((r) => columns.map((c) => cell(r[c])).join(',')),
    ].join('\n') + '\n'
  );
}

/** Reads the CSVs this example writes (quoted fields, no embedded newlines). */
export function readCsv(path) {
  const [header, ...lines] = readFileSync(path, 'utf8').trimEnd().split('\n');
  const split = (line) =>
    [...line.matchAll(/("([^"]|"")*"|[^,]*)(,|$)/g)]
      .slice(0, -1)
      .map((m) => m[1].replace(/^"|"$/g, '').replace(/""/g, '"'));
  const columns = split(header);
  return lines.map((line) => Object.fromEntries(split(line).map((v, i) => [columns[i], v])));
}

/** One row → feature vector: standardized numerics, then one-hot island and sex. */
export function features(row, mean, std) {
  const x = NUMERIC.map((c, i) => (Number(row[c]) - mean[i]) / std[i]);
  for (const island of ISLANDS) x.push(row.Island === island ? 1 : 0);
  for (const sex of SEXES) x.push(row.Sex === sex ? 1 : 0);
  return x;
}

export function softmax(z) {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

export function predict(model, row) {
  const x = features(row, model.mean, model.std);
  const z = model.weights.map((w, k) => w.reduce((acc, wj, j) => acc + wj * x[j], model.bias[k]));
  return softmax(z);
}
