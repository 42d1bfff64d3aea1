import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/support/temp.ts';
import { GpuClaims } from './claims.ts';

describe('GpuClaims', () => {
  it('lets one live run hold a GPU; ignores claims of processes that are gone', () => {
    const dir = tempDir();
    const claims = new GpuClaims(dir);
    // A claim left by a process that has exited.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
      encoding: 'utf8',
    }).stdout;
    writeFileSync(join(dir, 'GPU-a.claim'), JSON.stringify({ uuid: 'GPU-a', pid: Number(dead) }));
    // A claim held by a live process (our parent, the test runner's own parent shell is not ours).
    writeFileSync(join(dir, 'GPU-b.claim'), JSON.stringify({ uuid: 'GPU-b', pid: process.ppid }));
    expect([...claims.held()]).toEqual(['GPU-b']);
    expect(claims.claim(['GPU-a', 'GPU-c'])).toBe(true);
    expect(claims.claim(['GPU-d', 'GPU-b'])).toBe(false);
    expect(claims.claim(['GPU-d'])).toBe(true);
    claims.release(['GPU-a', 'GPU-c', 'GPU-d', 'GPU-b']);
    expect([...claims.held()]).toEqual(['GPU-b']);
  });
});
