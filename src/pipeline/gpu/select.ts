import { sizeBytes } from '../../units.ts';
import type { GpuDevice, GpuInventory } from './inventory.ts';

/** resources.gpu as the spec writes it: a count, or {count, type, memory}. */
export type GpuSpec =
  | number
  | { count: number; type?: string | string[] | undefined; memory?: number | string | undefined };

export interface GpuNeed {
  count: number;
  /** Accepted models, matched ignoring case, spaces and punctuation ("h100", "RTX 3090", "3g.20gb"). */
  types: string[];
  minMemoryMiB: number | null;
}

export function gpuNeed(spec: GpuSpec): GpuNeed {
  if (typeof spec === 'number') return { count: spec, types: [], minMemoryMiB: null };
  const types =
    spec.type === undefined ? [] : typeof spec.type === 'string' ? [spec.type] : spec.type;
  return {
    count: spec.count,
    types,
    minMemoryMiB: spec.memory === undefined ? null : Math.floor(sizeBytes(spec.memory) / 1024 ** 2),
  };
}

const squash = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');

/** A MIG slice is only handed out when the request asks for MIG (type "mig" or a profile). */
function wantsMig(need: GpuNeed): boolean {
  return need.types.some((t) => /mig|\dg\.\d+gb/i.test(t));
}

export function matchesType(device: GpuDevice, need: GpuNeed): boolean {
  if (need.types.length === 0) return true;
  const name = squash(device.name);
  return need.types.some((t) => name.includes(squash(t)));
}

export type Selection =
  { ok: true; devices: GpuDevice[] } | { ok: false; reason: string; retryable: boolean };

function describeNeed(need: GpuNeed): string {
  const parts = [
    need.types.length ? `type ${need.types.join(' or ')}` : '',
    need.minMemoryMiB ? `≥ ${Math.round(need.minMemoryMiB / 1024)} GiB` : '',
  ]
    .filter(Boolean)
    .join(', ');
  return `${need.count} GPU${need.count === 1 ? '' : 's'}${parts ? ` (${parts})` : ''}`;
}

/**
 * Pick `need.count` free devices that match: the right kind (whole GPUs, or MIG slices when asked),
 * model and memory; no compute process on them; not claimed by another run. Lowest index first.
 * `retryable` says whether waiting could help (matching devices exist but are busy).
 */
export function selectGpus(
  inventory: GpuInventory,
  need: GpuNeed,
  claimed: ReadonlySet<string>,
): Selection {
  if (need.count === 0) return { ok: true, devices: [] };
  if (inventory.devices.length === 0) {
    return {
      ok: false,
      reason: `needs ${describeNeed(need)} but ${inventory.unavailable ?? 'this runner has no GPU'}`,
      retryable: false,
    };
  }
  const mig = wantsMig(need);
  const fitting = inventory.devices.filter(
    (d) =>
      d.mig === mig &&
      matchesType(d, need) &&
      (need.minMemoryMiB === null || (d.memoryMiB ?? 0) >= need.minMemoryMiB),
  );
  const free = fitting
    .filter((d) => d.pids.length === 0 && !claimed.has(d.uuid))
    .sort((a, b) => a.index - b.index || a.uuid.localeCompare(b.uuid));
  if (free.length >= need.count) return { ok: true, devices: free.slice(0, need.count) };
  const have = inventory.devices.map((d) => {
    const busy = d.pids.length
      ? `busy: pid ${d.pids.join(', ')}`
      : claimed.has(d.uuid)
        ? 'claimed by another gitops-ml run'
        : 'free';
    const fits = fitting.includes(d) ? '' : ', does not match';
    return `${d.index} ${d.name}${d.memoryMiB ? ` ${Math.round(d.memoryMiB / 1024)} GiB` : ''} (${busy}${fits})`;
  });
  return {
    ok: false,
    reason: `needs ${describeNeed(need)}; ${fitting.length} match and ${free.length} of them ${free.length === 1 ? 'is' : 'are'} free. GPUs here: ${have.join('; ')}`,
    retryable: fitting.length >= need.count,
  };
}

/** The environment a stage gets for its devices: UUIDs, so the numbering cannot shift under it. */
export function cudaEnvironment(devices: readonly GpuDevice[]): Record<string, string> {
  return {
    CUDA_VISIBLE_DEVICES: devices.map((d) => d.uuid).join(','),
    CUDA_DEVICE_ORDER: 'PCI_BUS_ID',
  };
}
