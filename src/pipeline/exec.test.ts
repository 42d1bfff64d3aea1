import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/temp.ts';
import { maskSecrets, stageEnvironment } from './env.ts';
import { runCommand } from './exec.ts';

const env = { PATH: process.env.PATH ?? '/usr/bin:/bin' };

/** Running, as opposed to gone or a zombie waiting for a parent that may never reap it. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) [ZX]/.test(stat);
  } catch {
    return false;
  }
}

describe('runCommand', () => {
  it('runs a command line in a shell and streams its output', async () => {
    let seen = '';
    const r = await runCommand({
      command: 'echo one && echo two >&2 && exit 3',
      cwd: tempDir(),
      env,
      onOutput: (c) => (seen += c),
    });
    expect(r).toMatchObject({ code: 3, signal: null, timedOut: false, interrupted: false });
    expect(seen).toContain('one\n');
    expect(r.tail).toEqual(expect.arrayContaining(['one', 'two']));
  });

  it('keeps only the last lines for the failure message', async () => {
    const r = await runCommand({ command: 'seq 1 100; exit 1', cwd: tempDir(), env, tailLines: 3 });
    expect(r.tail).toEqual(['98', '99', '100']);
  });

  it('kills the whole process tree on timeout', async () => {
    const dir = tempDir();
    const r = await runCommand({
      command: `sh -c 'sleep 30 & echo $! > ${join(dir, 'grandchild.pid')}; wait'`,
      cwd: dir,
      env,
      timeoutSeconds: 0.5,
      graceMs: 200,
    });
    expect(r.timedOut).toBe(true);
    expect(r.seconds).toBeLessThan(10);
    const pid = Number(readFileSync(join(dir, 'grandchild.pid'), 'utf8'));
    await new Promise((res) => setTimeout(res, 100));
    expect(alive(pid)).toBe(false);
  });

  it('stops on abort, escalating to SIGKILL when SIGTERM is ignored', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const r = await runCommand({
      command: "trap '' TERM; sleep 30",
      cwd: tempDir(),
      env,
      signal: controller.signal,
      graceMs: 200,
    });
    expect(r.interrupted).toBe(true);
    expect(r.signal).toBe('SIGKILL');
  });

  it('does not wait for a background process the command left behind', async () => {
    const dir = tempDir();
    const r = await runCommand({
      command: `sleep 30 & echo $! > ${join(dir, 'bg.pid')}; echo done`,
      cwd: dir,
      env,
    });
    expect(r.code).toBe(0);
    expect(r.seconds).toBeLessThan(10);
    await new Promise((res) => setTimeout(res, 100));
    expect(alive(Number(readFileSync(join(dir, 'bg.pid'), 'utf8')))).toBe(false);
  });
});

describe('stageEnvironment', () => {
  const parent = {
    PATH: '/bin',
    HOME: '/home/u',
    LC_ALL: 'C',
    CUDA_HOME: '/cuda',
    GITHUB_TOKEN: 'ghs_x',
    ACTIONS_RUNTIME_TOKEN: 'y',
    AWS_SECRET_ACCESS_KEY: 'z',
    HF_TOKEN: 'hf_secret_value',
    RANDOM_THING: 'r',
    WANDB_API_KEY: 'wandb-key-123',
  };

  it('passes an allowlist, never a credential, plus what the stage asks for', () => {
    const r = stageEnvironment(
      parent,
      { env: { OMP_NUM_THREADS: '4' }, secrets: ['WANDB_API_KEY', 'MISSING_KEY'] },
      { GITOPS_ML_STAGE: 'train' },
    );
    expect(r.env).toEqual({
      PATH: '/bin',
      HOME: '/home/u',
      LC_ALL: 'C',
      CUDA_HOME: '/cuda',
      OMP_NUM_THREADS: '4',
      GITOPS_ML_STAGE: 'train',
      WANDB_API_KEY: 'wandb-key-123',
    });
    expect(r.secretValues).toEqual(['wandb-key-123']);
    expect(r.missingSecrets).toEqual(['MISSING_KEY']);
    expect(maskSecrets('logged in with wandb-key-123 ok', r.secretValues)).toBe(
      'logged in with *** ok',
    );
  });
});
