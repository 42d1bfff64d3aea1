import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { numberOrNull, parseQueryRows } from './nvidia-smi.ts';
import { GpuStats, type GpuSample, type GpuUsage } from './stats.ts';

const FIELDS = ['uuid', 'utilization.gpu', 'memory.used', 'power.draw', 'temperature.gpu'];

export interface Sampler {
  /** Stop sampling and return the usage per GPU. */
  stop(): Promise<GpuUsage[]>;
}

/**
 * Sample utilisation, memory, power and temperature of the given GPUs (parent GPU UUIDs) every
 * `intervalMs` with one long-lived `nvidia-smi -lms` child: the cost of sampling is one process
 * and a line per GPU per interval, whatever the job's length.
 */
export function startSampler(options: {
  uuids: readonly string[];
  intervalMs: number;
  program?: string | undefined;
  env?: NodeJS.ProcessEnv | undefined;
  now?: () => number;
}): Sampler {
  const now = options.now ?? Date.now;
  const stats = new GpuStats(now());
  if (options.uuids.length === 0) return { stop: () => Promise.resolve([]) };
  const program = options.program ?? process.env.GITOPS_ML_NVIDIA_SMI ?? 'nvidia-smi';
  const child = spawn(
    program,
    [
      `--query-gpu=${FIELDS.join(',')}`,
      '--format=csv,noheader,nounits',
      '-i',
      options.uuids.join(','),
      '-lms',
      String(options.intervalMs),
    ],
    { stdio: ['ignore', 'pipe', 'ignore'], env: options.env ?? process.env },
  );
  // 'close' comes after the last stdout line has been read, unlike 'exit'.
  const exited = new Promise<void>((resolve) => {
    child.once('close', () => resolve());
    child.once('error', () => resolve());
  });
  const wanted = new Set(options.uuids);
  createInterface({ input: child.stdout }).on('line', (line) => {
    const [row] = parseQueryRows(line, FIELDS);
    if (!row?.uuid || !wanted.has(row.uuid)) return; // Xid/ECC event lines and the like
    const sample: GpuSample = {
      t: now(),
      uuid: row.uuid,
      utilization: numberOrNull(row['utilization.gpu']),
      memoryUsedMiB: numberOrNull(row['memory.used']),
      powerW: numberOrNull(row['power.draw']),
      temperatureC: numberOrNull(row['temperature.gpu']),
    };
    stats.add(sample);
  });
  return {
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
      await exited;
      return stats.usage();
    },
  };
}
