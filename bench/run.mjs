// npm run bench [name...]: runs bench/<name>.bench.mjs (all of them by default) and prints each
// measurement as a ratio to a baseline taken in the same run.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const wanted = process.argv.slice(2);
const benches = readdirSync(join(root, 'bench'))
  .filter((f) => f.endsWith('.bench.mjs'))
  .map((f) => f.replace(/\.bench\.mjs$/, ''))
  .filter((name) => wanted.length === 0 || wanted.includes(name));

let missed = 0;
for (const name of benches) {
  const bench = await import(join(root, 'bench', `${name}.bench.mjs`));
  const results = await bench.run({ root });
  missed += results.filter((r) => r.pass === false).length;
}
console.log(missed ? `\n${missed} target(s) missed` : '\nall targets met');
