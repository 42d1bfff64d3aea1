import { execFile } from 'node:child_process';
import { numberOrNull, parseList, parseQueryFields, parseQueryRows } from './nvidia-smi.ts';

/** A device CUDA can be given: a whole GPU, or one MIG slice of one. */
export interface GpuDevice {
  /** `GPU-…` or `MIG-…`: what CUDA_VISIBLE_DEVICES takes. */
  uuid: string;
  /** Index of the (parent) GPU as nvidia-smi numbers it. */
  index: number;
  /** The whole GPU's UUID (itself, or the GPU a MIG slice lives on): what sampling queries. */
  parent: string;
  /** "NVIDIA H100 80GB HBM3", or "NVIDIA A100-SXM4-40GB MIG 3g.20gb" for a slice. */
  name: string;
  memoryMiB: number | null;
  memoryUsedMiB: number | null;
  utilization: number | null;
  mig: boolean;
  /** Compute processes running on it (pids). */
  pids: number[];
}

export interface GpuInventory {
  /** Why there are no devices, when there are none (no driver, nvidia-smi missing...). */
  unavailable?: string;
  driver: string | null;
  devices: GpuDevice[];
  /** --query-gpu fields this driver accepts. */
  fields: ReadonlySet<string>;
}

export interface SmiResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Set when the program could not be started at all. */
  missing?: boolean;
}

/** Runs nvidia-smi with arguments; injected so parsing is tested on recorded output. */
export type SmiRunner = (args: readonly string[]) => Promise<SmiResult>;

/** nvidia-smi from PATH, or the program GITOPS_ML_NVIDIA_SMI names. */
export function nvidiaSmiRunner(
  program = process.env.GITOPS_ML_NVIDIA_SMI ?? 'nvidia-smi',
  env: NodeJS.ProcessEnv = process.env,
): SmiRunner {
  return (args) =>
    new Promise((resolve) => {
      const options = {
        encoding: 'utf8' as const,
        timeout: 30_000,
        maxBuffer: 16 * 1024 * 1024,
        env,
      };
      execFile(program, [...args], options, (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        const missing = (error as NodeJS.ErrnoException | null)?.code === 'ENOENT';
        resolve({ code, stdout, stderr, ...(missing ? { missing } : {}) });
      });
    });
}

const WANTED = [
  'index',
  'uuid',
  'name',
  'memory.total',
  'memory.used',
  'utilization.gpu',
  'mig.mode.current',
  'driver_version',
];

/** "3g.20gb" → 20 GiB in MiB. */
function migMemoryMiB(profile: string): number | null {
  const m = /(\d+(?:\.\d+)?)gb$/i.exec(profile);
  return m ? Math.round(Number(m[1]) * 1024) : null;
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0]?.trim() ?? '';
}

/** What GPUs this machine has, how busy they are, and which fields its driver reports. */
export async function detectGpus(run: SmiRunner): Promise<GpuInventory> {
  const help = await run(['--help-query-gpu']);
  if (help.missing)
    return {
      unavailable: 'nvidia-smi is not installed (no NVIDIA driver on this runner)',
      driver: null,
      devices: [],
      fields: new Set(),
    };
  if (help.code !== 0) {
    return {
      unavailable: `nvidia-smi failed: ${firstLine(help.stdout + help.stderr) || `exit ${String(help.code)}`}`,
      driver: null,
      devices: [],
      fields: new Set(),
    };
  }
  const fields = parseQueryFields(help.stdout);
  const query = WANTED.filter((f) => fields.has(f));
  const gpus = await run([`--query-gpu=${query.join(',')}`, '--format=csv,noheader,nounits']);
  if (gpus.code !== 0) {
    return {
      unavailable: `nvidia-smi failed: ${firstLine(gpus.stdout + gpus.stderr)}`,
      driver: null,
      devices: [],
      fields,
    };
  }
  const rows = parseQueryRows(gpus.stdout, query);
  const apps = await run(['--query-compute-apps=gpu_uuid,pid', '--format=csv,noheader,nounits']);
  const pids = new Map<string, number[]>();
  if (apps.code === 0) {
    for (const row of parseQueryRows(apps.stdout, ['gpu_uuid', 'pid'])) {
      const pid = numberOrNull(row.pid);
      if (row.gpu_uuid && pid !== null)
        pids.set(row.gpu_uuid, [...(pids.get(row.gpu_uuid) ?? []), pid]);
    }
  }
  const migEnabled = rows.some((r) => r['mig.mode.current'] === 'Enabled');
  const listed = migEnabled ? parseList((await run(['-L'])).stdout) : [];
  const devices: GpuDevice[] = [];
  for (const row of rows) {
    const uuid = row.uuid;
    const index = numberOrNull(row.index);
    if (!uuid || index === null) continue;
    const name = row.name ?? 'unknown GPU';
    if (row['mig.mode.current'] === 'Enabled') {
      for (const slice of listed.find((g) => g.uuid === uuid)?.mig ?? []) {
        devices.push({
          uuid: slice.uuid,
          index,
          parent: uuid,
          name: `${name} MIG ${slice.profile}`,
          memoryMiB: migMemoryMiB(slice.profile),
          memoryUsedMiB: null,
          utilization: null,
          mig: true,
          pids: [],
        });
      }
      continue;
    }
    devices.push({
      uuid,
      index,
      parent: uuid,
      name,
      memoryMiB: numberOrNull(row['memory.total']),
      memoryUsedMiB: numberOrNull(row['memory.used']),
      utilization: numberOrNull(row['utilization.gpu']),
      mig: false,
      pids: pids.get(uuid) ?? [],
    });
  }
  return { driver: rows[0]?.driver_version ?? null, devices, fields };
}
