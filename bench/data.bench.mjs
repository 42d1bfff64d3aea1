// Data versioning: DVC-3 hashing of a 1 GiB file against `md5sum`, of 20,000 files of 4–64 KiB
// against `find | xargs md5sum`, and a no-op `data status` on that directory. The data is made
// from vega-datasets content under .bench/ and deleted afterwards.
import { Buffer } from 'node:buffer';
import { execFileSync, spawnSync } from 'node:child_process';
import {
  closeSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { report, summarize } from './lib.mjs';

const GiB = 1024 ** 3;
const STAT_EVERY_FILE = `
const { readdirSync, statSync } = require('node:fs');
const walk = (d) => { for (const e of readdirSync(d, { withFileTypes: true }))
  e.isDirectory() ? walk(d + '/' + e.name) : statSync(d + '/' + e.name); };
walk(process.cwd() + '/tree');`;
// A Node program that md5s every file one at a time with OpenSSL (crypto's createHash) on two
// threads: this thread lists, two worker threads open, fstat, read and md5 batches of 256 files
// (no state, no manifest, no output). gitops-ml's hashing threads md5 8 files at once in
// WebAssembly SIMD instead, which is what takes them below this.
const HASH_EVERY_FILE = `
const { readdirSync } = require('node:fs');
const { Worker } = require('node:worker_threads');
const src = \`const { parentPort } = require('node:worker_threads');
const { openSync, readSync, closeSync, fstatSync } = require('node:fs');
const { createHash } = require('node:crypto');
const buffer = Buffer.allocUnsafe(1 << 20);
parentPort.on('message', (paths) => parentPort.postMessage(paths.map((p) => {
  const fd = openSync(p, 'r'); const size = fstatSync(fd).size; const hash = createHash('md5');
  for (let total = 0; total < size; ) { const n = readSync(fd, buffer, 0, buffer.length, null);
    if (n === 0) break; hash.update(buffer.subarray(0, n)); total += n; }
  closeSync(fd); return hash.digest('hex'); })));\`;
const workers = [new Worker(src, { eval: true }), new Worker(src, { eval: true })];
const files = [];
const walk = (d) => { for (const e of readdirSync(d, { withFileTypes: true }))
  e.isDirectory() ? walk(d + '/' + e.name) : files.push(d + '/' + e.name); };
walk(process.cwd() + '/tree');
let next = 0, left = 0;
const feed = (w) => { if (next >= files.length) return false; left++; w.postMessage(files.slice(next, next += 256)); return true; };
for (const w of workers) { w.on('message', () => { left--; if (!feed(w) && left === 0) workers.forEach((x) => x.terminate()); }); feed(w); feed(w); }`;
const FILES = 20_000;

function corpus(root) {
  const dir = join(root, 'node_modules/vega-datasets/data');
  return Buffer.concat(
    readdirSync(dir)
      .sort()
      .map((f) => readFileSync(join(dir, f))),
  );
}

/** A deterministic pseudo-random sequence (no Math.random: the same files every run). */
function lcg(seed) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
}

export function generate(root, dir) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'tree'), { recursive: true });
  const data = corpus(root);
  const fd = openSync(join(dir, 'big.bin'), 'w');
  for (let written = 0, i = 0; written < GiB; i++) {
    const chunk = data.subarray(0, Math.min(data.length, GiB - written));
    writeSync(fd, Buffer.from(`chunk ${i}\n`));
    writeSync(fd, chunk);
    written += chunk.length + `chunk ${i}\n`.length;
  }
  closeSync(fd);
  const next = lcg(20_000);
  let bytes = 0;
  for (let i = 0; i < FILES; i++) {
    const size = 4096 + (next() % (60 * 1024 + 1));
    const offset = next() % (data.length - size);
    const sub = join(dir, 'tree', `d${String(i % 100).padStart(2, '0')}`);
    if (i < 100) mkdirSync(sub, { recursive: true });
    const f = openSync(join(sub, `f${i}.csv`), 'w');
    writeSync(f, data, offset, size);
    closeSync(f);
    bytes += size;
  }
  // Old enough for the state cache to trust (files modified in the last 2 s are re-read).
  const old = new Date(Date.now() - 60_000);
  utimesSync(join(dir, 'big.bin'), old, old);
  for (const d of readdirSync(join(dir, 'tree')))
    for (const f of readdirSync(join(dir, 'tree', d)))
      utimesSync(join(dir, 'tree', d, f), old, old);
  execFileSync('git', ['init', '-q'], { cwd: dir });
  // Let the kernel write the 1.7 GB out now rather than during the measurements.
  execFileSync('sync');
  return bytes;
}

function time(argv, { cwd, runs, before, env }) {
  const samples = [];
  for (let i = 0; i < runs + 1; i++) {
    before?.();
    const start = process.hrtime.bigint();
    const r = spawnSync(argv[0], argv.slice(1), {
      cwd,
      stdio: ['ignore', 'ignore', 'pipe'],
      maxBuffer: 1 << 26,
      ...(env ? { env } : {}),
    });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (r.status !== 0)
      throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr?.toString().slice(-2000)}`);
    if (i > 0) samples.push(ms); // the first run warms the page cache
  }
  return summarize(samples);
}

export function run({ root }) {
  const dir = join(root, '.bench', 'data');
  const node = process.execPath;
  const bin = join(root, 'bin', 'gitops-ml.js');
  const state = join(dir, '.dvc/tmp/gitops-ml');
  const cold = () => rmSync(state, { recursive: true, force: true });
  try {
    const treeBytes = generate(root, dir);
    const runs = Number(process.env.BENCH_RUNS ?? 3);
    const md5sumBig = time(['md5sum', 'big.bin'], { cwd: dir, runs });
    const oursBig = time([node, bin, 'data', 'hash', 'big.bin'], { cwd: dir, runs, before: cold });
    // How much two cores really give here: two md5sums on halves of the tree, in parallel, against
    // one of them alone (2 cores: about 1x; one effective core: about 2x).
    const half = (n) =>
      `find tree -type f -name 'f*${n}.csv' -print0 | xargs -0 md5sum > /dev/null`;
    const oneHalf = time(['sh', '-c', `${half('[02468]')}`], { cwd: dir, runs });
    const twoHalves = time(['sh', '-c', `(${half('[02468]')}) & (${half('[13579]')}) & wait`], {
      cwd: dir,
      runs,
    });
    const md5sumTree = time(
      ['sh', '-c', 'find tree -type f -print0 | xargs -0 md5sum > /dev/null'],
      { cwd: dir, runs },
    );
    const oursTree = time([node, bin, 'data', 'hash', 'tree'], { cwd: dir, runs, before: cold });
    const hashFloor = time([node, '-e', HASH_EVERY_FILE], { cwd: dir, runs });
    execFileSync(node, [bin, 'data', 'add', 'tree'], { cwd: dir, stdio: 'ignore' });
    execFileSync('sync');
    const bare = time([node, '-e', ''], { cwd: dir, runs: 9 });
    const status = time([node, bin, 'data', 'status'], { cwd: dir, runs: 9 });
    // What any Node program pays to look at every file once: list the directories, stat each file.
    const statFloor = time([node, '-e', STAT_EVERY_FILE], { cwd: dir, runs: 9 });
    // NODE_EXTRA_CA_CERTS (set on some machines for a TLS proxy) makes every Node process load a
    // certificate bundle as it starts; shown apart, as it is none of gitops-ml's work.
    const { NODE_EXTRA_CA_CERTS: caCerts, ...plainEnv } = process.env;
    const plain =
      caCerts === undefined
        ? undefined
        : {
            bare: time([node, '-e', ''], { cwd: dir, runs: 9, env: plainEnv }),
            status: time([node, bin, 'data', 'status'], { cwd: dir, runs: 9, env: plainEnv }),
          };
    // Many tracked paths: 200 small files added in one command, then a no-op status over 200 `.dvc`
    // files (git's own `git add` of the same files as the baseline).
    const many = join(root, '.bench', 'data-many');
    const paths = Array.from({ length: 200 }, (_, i) => `f${i}.csv`);
    const fresh = () => {
      rmSync(many, { recursive: true, force: true });
      mkdirSync(many, { recursive: true });
      execFileSync('git', ['init', '-q'], { cwd: many });
      const old = new Date(Date.now() - 60_000);
      for (const f of paths) {
        writeFileSync(join(many, f), `id,value\n${f},1\n`);
        utimesSync(join(many, f), old, old);
      }
    };
    const gitAddMany = time(['git', 'add', ...paths], { cwd: many, runs, before: fresh });
    // The last run leaves the files added for the status below.
    const addMany = time([node, bin, 'data', 'add', ...paths], { cwd: many, runs, before: fresh });
    const statusMany = time([node, bin, 'data', 'status'], { cwd: many, runs: 9 });
    rmSync(many, { recursive: true, force: true });
    const mib = (bytes, ms) => `${(bytes / 2 ** 20 / (ms / 1000)).toFixed(0)} MiB/s`;
    console.log(
      `\ndata: 1 GiB file (md5sum ${mib(GiB, md5sumBig.median)}, gitops-ml ${mib(GiB, oursBig.median)}); ` +
        `${FILES} files, ${(treeBytes / 2 ** 20).toFixed(0)} MiB; medians, each process started cold (no state cache)`,
    );
    return [
      report({
        name: 'data hash 1 GiB file (whole process)',
        value: oursBig.median,
        baseline: md5sumBig.median,
        baselineName: 'md5sum',
        target: '>= 0.9x md5sum throughput (ratio <= 1.11)',
        pass: oursBig.median <= md5sumBig.median / 0.9,
      }),
      report({
        name: `data hash ${FILES} files (whole process)`,
        value: oursTree.median,
        baseline: md5sumTree.median,
        baselineName: 'find|xargs md5sum',
        target: '>= 1.5x faster (ratio <= 0.67)',
        pass: oursTree.median <= md5sumTree.median / 1.5,
      }),
      report({
        name: `node: list, OpenSSL md5 ${FILES} files on 2 threads`,
        value: hashFloor.median,
        baseline: md5sumTree.median,
        baselineName: 'find|xargs md5sum',
        target: 'info: one file at a time per thread',
      }),
      report({
        name: 'two md5sums in parallel (each half the tree)',
        value: twoHalves.median,
        baseline: oneHalf.median,
        baselineName: 'one md5sum',
        target: 'info: ~1x on two free cores',
      }),
      report({
        name: `data status, no-op, ${FILES} files`,
        value: status.median,
        baseline: bare.median,
        baselineName: "node -e ''",
        target: '<= 300 ms',
        pass: status.median <= 300,
      }),
      report({
        name: `node: list and stat ${FILES} files, nothing else`,
        value: statFloor.median,
        baseline: bare.median,
        baselineName: "node -e ''",
        target: 'info: the floor of a no-op status',
      }),
      report({
        name: 'data add, 200 small files in one command',
        value: addMany.median,
        baseline: gitAddMany.median,
        baselineName: 'git add',
        target: 'info: one git process per question, not three per path',
      }),
      report({
        name: 'data status, no-op, 200 tracked files',
        value: statusMany.median,
        baseline: bare.median,
        baselineName: "node -e ''",
        target: 'info: the cache fingerprinted once, not per path',
      }),
      ...(plain === undefined
        ? []
        : [
            report({
              name: 'data status, no-op, without NODE_EXTRA_CA_CERTS',
              value: plain.status.median,
              baseline: plain.bare.median,
              baselineName: "node -e ''",
              target: 'info: the environment sets it; it costs every Node start',
            }),
          ]),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
