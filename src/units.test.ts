import { describe, expect, it } from 'vitest';
import { durationSeconds, formatBytes, formatDuration, sizeBytes } from './units.ts';

describe('units', () => {
  it('reads durations and sizes as specs write them', () => {
    expect(durationSeconds('1h30m')).toBe(5400);
    expect(durationSeconds('90s')).toBe(90);
    expect(durationSeconds('500ms')).toBe(0.5);
    expect(durationSeconds('2d')).toBe(172800);
    expect(durationSeconds(12)).toBe(12);
    expect(sizeBytes('80GB')).toBe(80e9);
    expect(sizeBytes('16GiB')).toBe(16 * 1024 ** 3);
    expect(sizeBytes(1024)).toBe(1024);
    expect(sizeBytes('lots')).toBeNaN();
  });

  it('formats them for people', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.50 KiB');
    expect(formatBytes(80 * 1024 ** 3)).toBe('80.0 GiB');
    expect(formatDuration(0.12)).toBe('120ms');
    expect(formatDuration(4.25)).toBe('4.3s');
    expect(formatDuration(185)).toBe('3m 05s');
    expect(formatDuration(3720)).toBe('1h 02m');
  });
});
