import type { ResolvedStage } from '../../spec/expand.ts';
import { durationSeconds } from '../../units.ts';
import type { GpuClaims } from '../gpu/claims.ts';
import { detectGpus, type GpuDevice, type SmiRunner } from '../gpu/inventory.ts';
import { cudaEnvironment, gpuNeed, selectGpus } from '../gpu/select.ts';

export interface GpuContext {
  smi: SmiRunner;
  claims: GpuClaims;
  /** How often to look again while waiting for busy GPUs. */
  pollMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export type Acquired =
  | {
      ok: true;
      devices: GpuDevice[];
      env: Record<string, string>;
      driver: string | null;
      release: () => void;
    }
  | { ok: false; reason: string };

const sleepFor = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * The GPUs a stage asked for, claimed for this run: at once, or after waiting up to
 * `resources.gpuWait` for busy ones to free up. A stage that declares `gpu: 0` gets none visible;
 * one that declares nothing keeps the runner's environment.
 */
export async function acquireGpus(
  stage: ResolvedStage,
  ctx: GpuContext,
  signal?: AbortSignal,
): Promise<Acquired> {
  const spec = stage.body.resources?.gpu;
  if (spec === undefined)
    return { ok: true, devices: [], env: {}, driver: null, release: () => {} };
  const need = gpuNeed(spec);
  if (need.count === 0)
    return {
      ok: true,
      devices: [],
      env: { CUDA_VISIBLE_DEVICES: '' },
      driver: null,
      release: () => {},
    };
  const wait = stage.body.resources?.gpuWait;
  const deadline =
    Date.now() + (wait === undefined || wait === false ? 0 : durationSeconds(wait) * 1000);
  for (;;) {
    const inventory = await detectGpus(ctx.smi);
    const pick = selectGpus(inventory, need, ctx.claims.held());
    if (pick.ok && ctx.claims.claim(pick.devices.map((d) => d.uuid))) {
      const uuids = pick.devices.map((d) => d.uuid);
      return {
        ok: true,
        devices: pick.devices,
        env: cudaEnvironment(pick.devices),
        driver: inventory.driver,
        release: () => ctx.claims.release(uuids),
      };
    }
    const reason = pick.ok ? 'the GPUs were claimed by another run just now' : pick.reason;
    const retryable = pick.ok || pick.retryable;
    if (!retryable || Date.now() >= deadline || signal?.aborted) {
      const waited =
        wait === undefined || wait === false
          ? ' (set resources.gpuWait to wait for busy GPUs)'
          : ` (waited ${String(wait)})`;
      return { ok: false, reason: `stage ${stage.name} ${reason}${retryable ? waited : ''}` };
    }
    await (ctx.sleep ?? sleepFor)(ctx.pollMs ?? 5000);
  }
}
