// prepare: clean the raw Palmer penguins data and split it, stratified by species, into train/test.
import { readFileSync } from 'node:fs';
import { LABEL, NUMERIC, SEXES, parseArgs, prng, toCsv, writeAtomic } from './lib.mjs';

const opts = parseArgs(process.argv.slice(2), { seed: 42, 'test-size': 0.25 });
const raw = JSON.parse(readFileSync('data/penguins.json', 'utf8'));

// Rows missing a measurement cannot be used; an unknown sex ("." or null) is kept as "neither".
const clean = raw
  .filter((r) => NUMERIC.every((c) => typeof r[c] === 'number'))
  .map((r) => ({ ...r, Sex: SEXES.includes(r.Sex) ? r.Sex : '' }));

const random = prng(opts.seed);
const byClass = new Map();
for (const row of clean) byClass.set(row[LABEL], [...(byClass.get(row[LABEL]) ?? []), row]);
const train = [];
const test = [];
for (const rows of byClass.values()) {
  // Fisher–Yates with the seeded generator, then the first share goes to test.
  for (let i = rows.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [rows[i], rows[j]] = [rows[j], rows[i]];
  }
  const cut = Math.round(rows.length * opts['test-size']);
  test.push(...rows.slice(0, cut));
  train.push(...rows.slice(cut));
}

const columns = [LABEL, 'Island', ...NUMERIC, 'Sex'];
writeAtomic('data/prepared/train.csv', toCsv(train, columns));
writeAtomic('data/prepared/test.csv', toCsv(test, columns));
console.log(
  `prepare: ${clean.length} of ${raw.length} rows usable; train ${train.length}, test ${test.length}`,
);
