import { describe, expect, it } from 'vitest';
import { captureIo } from '../../../test/support/io.ts';
import { formatBytes, progressPhase, type Clock } from './data-progress.ts';

function manualClock(): Clock & { tick(ms: number): void } {
  let t = 0;
  const timers: { fn: () => void; ms: number; next: number }[] = [];
  return {
    now: () => t,
    every(fn, ms) {
      const timer = { fn, ms, next: t + ms };
      timers.push(timer);
      return () => timers.splice(timers.indexOf(timer), 1);
    },
    tick(ms) {
      const end = t + ms;
      for (;;) {
        const due = timers.filter((x) => x.next <= end).sort((a, b) => a.next - b.next)[0];
        if (!due) break;
        t = due.next;
        due.next += due.ms;
        due.fn();
      }
      t = end;
    },
  };
}

describe('progress', () => {
  it('prints a plain line every 10 s in CI logs, with bytes, rate and items', () => {
    const io = captureIo('/', { GITHUB_ACTIONS: 'true' });
    const clock = manualClock();
    const phase = progressPhase(io, 'pushing to s3', clock);
    phase.start(100 * 1024 * 1024, 40);
    clock.tick(5_000);
    expect(io.err()).toBe('');
    phase.bytes(30 * 1024 * 1024);
    phase.item();
    clock.tick(5_000);
    phase.bytes(50 * 1024 * 1024);
    clock.tick(10_000);
    phase.done();
    expect(io.err()).toBe(
      'pushing to s3: 30% (30.0 MiB / 100.0 MiB, 3.0 MiB/s, 1/40)\npushing to s3: 80% (80.0 MiB / 100.0 MiB, 4.0 MiB/s, 1/40)\n',
    );
  });

  it('redraws one line with a bar on a terminal, and ends it', () => {
    const io = captureIo('/');
    (io.stderr as { isTTY?: boolean }).isTTY = true;
    const clock = manualClock();
    const phase = progressPhase(io, 'hashing big.bin', clock);
    phase.start(1024 ** 3);
    phase.bytes(512 * 1024 ** 2);
    clock.tick(1_000);
    phase.done();
    const frames = io.err().split('\r\u001b[K').filter(Boolean);
    expect(frames.at(-1)).toBe(
      'hashing big.bin [############------------]  50%  512.0 MiB / 1.0 GiB  512.0 MiB/s\n',
    );
    expect(frames.length).toBeGreaterThanOrEqual(10);
  });

  it('stays quiet for work that needs nothing read', () => {
    const io = captureIo('/');
    const phase = progressPhase(io, 'x', manualClock());
    phase.start(0, 0);
    phase.done();
    expect(io.err()).toBe('');
    expect(formatBytes(1536)).toBe('1.5 KiB');
  });
});
