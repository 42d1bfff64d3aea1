// train: multinomial logistic regression by full-batch gradient descent with L2, on CPU in Node.
import {
  LABEL,
  NUMERIC,
  features,
  parseArgs,
  readCsv,
  softmax,
  toCsv,
  writeAtomic,
} from './lib.mjs';

const opts = parseArgs(process.argv.slice(2), { lr: 0.1, epochs: 300, l2: 0.001 });
const rows = readCsv('data/prepared/train.csv');
const classes = [...new Set(rows.map((r) => r[LABEL]))].sort();

const mean = NUMERIC.map((c) => rows.reduce((s, r) => s + Number(r[c]), 0) / rows.length);
const std = NUMERIC.map(
  (c, i) =>
    Math.sqrt(rows.reduce((s, r) => s + (Number(r[c]) - mean[i]) ** 2, 0) / rows.length) || 1,
);
const X = rows.map((r) => features(r, mean, std));
const Y = rows.map((r) => classes.indexOf(r[LABEL]));
const d = X[0].length;
const k = classes.length;
const weights = Array.from({ length: k }, () => new Array(d).fill(0));
const bias = new Array(k).fill(0);

let loss = 0;
const curve = [];
for (let epoch = 0; epoch < opts.epochs; epoch++) {
  const gw = Array.from({ length: k }, () => new Array(d).fill(0));
  const gb = new Array(k).fill(0);
  loss = 0;
  for (let n = 0; n < X.length; n++) {
    const x = X[n];
    const p = softmax(weights.map((w, c) => w.reduce((a, wj, j) => a + wj * x[j], bias[c])));
    loss -= Math.log(Math.max(p[Y[n]], 1e-12));
    for (let c = 0; c < k; c++) {
      const g = p[c] - (c === Y[n] ? 1 : 0);
      gb[c] += g;
      for (let j = 0; j < d; j++) gw[c][j] += g * x[j];
    }
  }
  if (epoch % 10 === 0 || epoch === opts.epochs - 1)
    curve.push({ epoch: epoch + 1, loss: Math.round((loss / X.length) * 1e5) / 1e5 });
  for (let c = 0; c < k; c++) {
    bias[c] -= (opts.lr * gb[c]) / X.length;
    for (let j = 0; j < d; j++)
      weights[c][j] -= opts.lr * (gw[c][j] / X.length + opts.l2 * weights[c][j]);
  }
}

writeAtomic(
  'models/penguins/model.json',
  JSON.stringify(
    { kind: 'softmax-regression', classes, numeric: NUMERIC, mean, std, weights, bias },
    null,
    2,
  ) + '\n',
);
writeAtomic('plots/penguins/loss.csv', toCsv(curve, ['epoch', 'loss']));
console.log(
  `train: ${X.length} rows, ${opts.epochs} epochs, final loss ${(loss / X.length).toFixed(4)}`,
);
