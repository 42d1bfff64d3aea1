import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../../test/support/temp.ts';
import { detectGpus, nvidiaSmiRunner } from './inventory.ts';
import { parseList, parseQueryFields, parseQueryRows } from './nvidia-smi.ts';
import { startSampler } from './sampler.ts';
import { cudaEnvironment, gpuNeed, selectGpus } from './select.ts';
import { GpuStats } from './stats.ts';

const fixtures = join(projectRoot, 'test/fixtures/gpu');
const fake = join(fixtures, 'fake-nvidia-smi.mjs');
const machine = (name: string) => ({
  ...process.env,
  FAKE_GPU_MACHINE: join(fixtures, `${name}.json`),
});
const inventoryOf = (name: string) => detectGpus(nvidiaSmiRunner(fake, machine(name)));

describe('nvidia-smi parsing', () => {
  it('reads field names and aliases from --help-query-gpu', () => {
    const fields = parseQueryFields(
      '"name" or "gpu_name"\nThe product name.\n\n"power.draw"\nWatts "quoted" in text.\n',
    );
    expect([...fields].sort()).toEqual(['gpu_name', 'name', 'power.draw']);
  });

  it('turns [N/A] and [Not Supported] into null and skips lines of another shape', () => {
    const rows = parseQueryRows(
      'GPU-a, 97, [N/A]\nSingle bit ECC error detected\nGPU-b, [Not Supported], 12\n',
      ['uuid', 'util', 'mem'],
    );
    expect(rows).toEqual([
      { uuid: 'GPU-a', util: '97', mem: null },
      { uuid: 'GPU-b', util: null, mem: '12' },
    ]);
  });

  it('reads GPUs and their MIG devices from -L', () => {
    const listed = parseList(
      'GPU 0: NVIDIA A100-SXM4-40GB (UUID: GPU-5d5b)\n  MIG 3g.20gb     Device  0: (UUID: MIG-1e8f)\nGPU 1: NVIDIA A100 (UUID: GPU-0f6c)\n',
    );
    expect(listed).toEqual([
      {
        index: 0,
        name: 'NVIDIA A100-SXM4-40GB',
        uuid: 'GPU-5d5b',
        mig: [{ profile: '3g.20gb', device: 0, uuid: 'MIG-1e8f' }],
      },
      { index: 1, name: 'NVIDIA A100', uuid: 'GPU-0f6c', mig: [] },
    ]);
  });
});

describe('GPU detection and choice on recorded machines', () => {
  it('an old driver without MIG fields: one P100, free', async () => {
    const inv = await inventoryOf('p100-418');
    expect(inv.fields.has('mig.mode.current')).toBe(false);
    expect(inv.driver).toBe('418.87.00');
    expect(inv.devices).toEqual([
      {
        uuid: 'GPU-ef1b2c9b-38d8-2090-2bd1-f567a3eb42a6',
        index: 0,
        parent: 'GPU-ef1b2c9b-38d8-2090-2bd1-f567a3eb42a6',
        name: 'Tesla P100-PCIE-16GB',
        memoryMiB: 16280,
        memoryUsedMiB: 0,
        utilization: 0,
        mig: false,
        pids: [],
      },
    ]);
    const pick = selectGpus(inv, gpuNeed(1), new Set());
    expect(pick.ok && cudaEnvironment(pick.devices)).toEqual({
      CUDA_VISIBLE_DEVICES: 'GPU-ef1b2c9b-38d8-2090-2bd1-f567a3eb42a6',
      CUDA_DEVICE_ORDER: 'PCI_BUS_ID',
    });
    expect(selectGpus(inv, gpuNeed({ count: 1, type: 'h100' }), new Set())).toEqual({
      ok: false,
      retryable: false,
      reason:
        'needs 1 GPU (type h100); 0 match and 0 of them are free. GPUs here: 0 Tesla P100-PCIE-16GB 16 GiB (free, does not match)',
    });
    expect(selectGpus(inv, gpuNeed({ count: 1, memory: '32GB' }), new Set()).ok).toBe(false);
  });

  it('two RTX 3090, one busy with another job: picks the free one, waits for two', async () => {
    const inv = await inventoryOf('rtx3090x2-535');
    const one = selectGpus(inv, gpuNeed({ count: 1, type: 'RTX 3090' }), new Set());
    expect(one.ok && one.devices.map((d) => d.uuid)).toEqual([
      'GPU-9e0a7b3c-6d5f-4a21-b8e9-0c3d7f1a2b56',
    ]);
    const two = selectGpus(inv, gpuNeed(2), new Set());
    expect(two.ok).toBe(false);
    expect(!two.ok && two.retryable).toBe(true);
    expect(!two.ok && two.reason).toContain('0 NVIDIA GeForce RTX 3090 24 GiB (busy: pid 48213)');
  });

  it('A100s with MIG: whole GPUs by default, MIG slices when asked', async () => {
    const inv = await inventoryOf('a100x2-mig-550');
    expect(inv.devices.map((d) => [d.uuid, d.name, d.memoryMiB, d.mig])).toEqual([
      [
        'MIG-1e8f3c2a-0b7d-5e49-a6c1-3f2d8e9b0a14',
        'NVIDIA A100-SXM4-40GB MIG 3g.20gb',
        20480,
        true,
      ],
      [
        'MIG-7c4b9e1d-2a3f-5d60-8b7e-9f1c2d3e4a55',
        'NVIDIA A100-SXM4-40GB MIG 3g.20gb',
        20480,
        true,
      ],
      ['GPU-0f6c8b1e-77aa-41c2-9d03-5be7a1c4e2f9', 'NVIDIA A100-SXM4-40GB', 40960, false],
    ]);
    const whole = selectGpus(inv, gpuNeed({ count: 1, type: 'a100' }), new Set());
    expect(whole.ok && whole.devices[0]!.uuid).toBe('GPU-0f6c8b1e-77aa-41c2-9d03-5be7a1c4e2f9');
    expect(selectGpus(inv, gpuNeed(2), new Set()).ok).toBe(false);
    const slices = selectGpus(inv, gpuNeed({ count: 2, type: '3g.20gb' }), new Set());
    expect(slices.ok && cudaEnvironment(slices.devices).CUDA_VISIBLE_DEVICES).toBe(
      'MIG-1e8f3c2a-0b7d-5e49-a6c1-3f2d8e9b0a14,MIG-7c4b9e1d-2a3f-5d60-8b7e-9f1c2d3e4a55',
    );
  });

  it('eight H100: skips devices another run has claimed', async () => {
    const inv = await inventoryOf('h100x8-560');
    const claimed = new Set([
      'GPU-8a1c5e3f-0d2b-4e6a-9c7b-1f3e5d7a9b01',
      'GPU-8a1c5e3f-0d2b-4e6a-9c7b-1f3e5d7a9b03',
    ]);
    const pick = selectGpus(inv, gpuNeed({ count: 4, type: 'h100', memory: '80GB' }), claimed);
    expect(pick.ok && pick.devices.map((d) => d.index)).toEqual([1, 3, 4, 5]);
  });

  it('explains a machine whose driver is not loaded, or that has no nvidia-smi', async () => {
    const broken = await inventoryOf('no-driver');
    expect(broken.devices).toEqual([]);
    expect(broken.unavailable).toBe(
      "nvidia-smi failed: NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.",
    );
    const none = await detectGpus(nvidiaSmiRunner('/nonexistent/nvidia-smi'));
    expect(selectGpus(none, gpuNeed(1), new Set())).toEqual({
      ok: false,
      retryable: false,
      reason: 'needs 1 GPU but nvidia-smi is not installed (no NVIDIA driver on this runner)',
    });
    expect(selectGpus(none, gpuNeed(0), new Set())).toEqual({ ok: true, devices: [] });
  });
});

describe('GPU sampling', () => {
  it('integrates power into energy and keeps peaks, not across gaps', () => {
    const stats = new GpuStats(0);
    const s = (t: number, powerW: number | null, utilization: number | null) => ({
      t,
      uuid: 'GPU-a',
      utilization,
      memoryUsedMiB: 100 + t / 100,
      powerW,
      temperatureC: 50,
    });
    stats.add(s(0, 100, 10));
    stats.add(s(1000, 200, 90));
    stats.add(s(2000, 200, null));
    stats.add(s(3000, null, 50));
    stats.add(s(4000, 300, 50));
    expect(stats.usage()).toEqual([
      {
        uuid: 'GPU-a',
        samples: 5,
        utilizationMean: 50,
        utilizationPeak: 90,
        memoryPeakMiB: 140,
        powerMeanW: 200,
        powerPeakW: 300,
        temperaturePeakC: 50,
        energyWh: 0.097,
        series: [
          [0, 10],
          [1, 90],
          [3, 50],
          [4, 50],
        ],
      },
    ]);
  });

  it('keeps a bounded chart series for long jobs', () => {
    const stats = new GpuStats(0, 16);
    for (let i = 0; i < 1000; i++)
      stats.add({
        t: i * 1000,
        uuid: 'GPU-a',
        utilization: i % 100,
        memoryUsedMiB: 1,
        powerW: 100,
        temperatureC: 40,
      });
    const [usage] = stats.usage();
    expect(usage!.series.length).toBeLessThanOrEqual(16);
    expect(usage!.energyWh).toBeCloseTo((100 * 999) / 3600, 3);
  });

  it('samples a running nvidia-smi loop and ignores event lines', async () => {
    const sampler = startSampler({
      uuids: ['GPU-ef1b2c9b-38d8-2090-2bd1-f567a3eb42a6'],
      intervalMs: 40,
      program: fake,
      env: { ...machine('p100-418'), FAKE_GPU_NOISE: '1' },
    });
    await new Promise((r) => setTimeout(r, 400));
    const [usage] = await sampler.stop();
    expect(usage!.samples).toBeGreaterThanOrEqual(4);
    expect(usage!.utilizationPeak).toBe(99);
    expect(usage!.memoryPeakMiB).toBe(15200);
    expect(usage!.temperaturePeakC).toBe(74);
    expect(usage!.powerPeakW).toBe(248.91);
    expect(usage!.energyWh).toBeGreaterThan(0);
  });
});
