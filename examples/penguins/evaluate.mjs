// evaluate: accuracy, macro-F1, log loss and the confusion matrix on the held-out test set.
import { readFileSync } from 'node:fs';
import { LABEL, predict, readCsv, toCsv, writeAtomic } from './lib.mjs';

const model = JSON.parse(readFileSync('models/penguins/model.json', 'utf8'));
const rows = readCsv('data/prepared/test.csv');
const { classes } = model;
const confusion = classes.map(() => classes.map(() => 0));
let logLoss = 0;
for (const row of rows) {
  const p = predict(model, row);
  const actual = classes.indexOf(row[LABEL]);
  const predicted = p.indexOf(Math.max(...p));
  confusion[actual][predicted] += 1;
  logLoss -= Math.log(Math.max(p[actual], 1e-12));
}
const correct = classes.reduce((s, _, i) => s + confusion[i][i], 0);
const f1 = classes.map((_, i) => {
  const tp = confusion[i][i];
  const fp = classes.reduce((s, _, a) => s + (a === i ? 0 : confusion[a][i]), 0);
  const fn = classes.reduce((s, _, p) => s + (p === i ? 0 : confusion[i][p]), 0);
  return tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
});
const round = (x) => Math.round(x * 1e4) / 1e4;
const metrics = {
  accuracy: round(correct / rows.length),
  macro_f1: round(f1.reduce((a, b) => a + b, 0) / f1.length),
  log_loss: round(logLoss / rows.length),
  test_rows: rows.length,
  per_class_f1: Object.fromEntries(classes.map((c, i) => [c, round(f1[i])])),
};
writeAtomic('metrics/penguins.json', JSON.stringify(metrics, null, 2) + '\n');
const cells = classes.flatMap((a, i) =>
  classes.map((p, j) => ({ actual: a, predicted: p, count: confusion[i][j] })),
);
writeAtomic('plots/penguins/confusion.csv', toCsv(cells, ['actual', 'predicted', 'count']));
console.log(
  `evaluate: accuracy ${metrics.accuracy}, macro-F1 ${metrics.macro_f1} on ${rows.length} rows`,
);
