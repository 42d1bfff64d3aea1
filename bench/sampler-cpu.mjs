// Run by run.bench.mjs in a process of its own (not the bench's, with its garbage of earlier
// runs): the same process first idle, then sampling 8 GPUs from a stand-in nvidia-smi, each for
// `window` ms, as CPU time of its own and of its reaped children. Prints JSON.
// usage: node bench/sampler-cpu.mjs <bundled sampler.mjs> <program> <interval ms> <window ms> <uuid>...
import { existsSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { clearInterval, setInterval } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';

const [samplerFile, program, intervalMs, windowMs, ...uuids] = process.argv.slice(2);
const { startSampler } = await import(pathToFileURL(samplerFile).href);

/** CPU milliseconds of this process, and of its reaped children (Linux: /proc/self/stat). */
function cpuMs() {
  const u = process.cpuUsage();
  let children;
  if (existsSync('/proc/self/stat')) {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    // cutime and cstime, fields 16 and 17 of proc(5), in clock ticks (USER_HZ, 100 on Linux).
    children = ((Number(fields[13]) + Number(fields[14])) * 1000) / 100;
  }
  return { own: (u.user + u.system) / 1000, children };
}

async function measure(body) {
  const before = cpuMs();
  const started = performance.now();
  const result = await body();
  const wall = performance.now() - started;
  const after = cpuMs();
  const child = before.children === undefined ? undefined : after.children - before.children;
  return { wall, cpu: after.own - before.own, child, result };
}

// As the sampler would, wake up once an interval (an idle Node process costs something too).
const idle = await measure(async () => {
  const timer = setInterval(() => {}, Number(intervalMs));
  await sleep(Number(windowMs));
  clearInterval(timer);
});
const sampling = await measure(async () => {
  const sampler = startSampler({ uuids, intervalMs: Number(intervalMs), program });
  await sleep(Number(windowMs));
  return sampler.stop();
});
const samples = sampling.result.reduce((n, u) => n + u.samples, 0);
if (sampling.result.length !== uuids.length || samples < uuids.length * 5)
  throw new Error(`the sampler read ${samples} samples of ${sampling.result.length} GPUs`);
process.stdout.write(
  JSON.stringify({ idle, sampling: { ...sampling, result: undefined, samples } }),
);
