import type { Io } from '../../src/cli/io.ts';

/** An Io that records what a command writes. */
export function captureIo(
  cwd: string,
  env: Record<string, string | undefined> = {},
): Io & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s), isTTY: false },
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    cwd,
    out: () => out,
    err: () => err,
  };
}
