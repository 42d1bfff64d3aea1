/** Where a command writes, and what it knows of its surroundings; injected so tests need no process. */
export interface Io {
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown; isTTY?: boolean };
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
}

export function processIo(): Io {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}

/** Colours on stderr only when it is a terminal and NO_COLOR is not set (FORCE_COLOR forces). */
export function useColor(io: Io): boolean {
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  if (io.env.FORCE_COLOR !== undefined && io.env.FORCE_COLOR !== '0') return true;
  return io.stderr.isTTY === true && io.env.TERM !== 'dumb';
}

export interface Style {
  red(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
  cyan(s: string): string;
}

const wrap = (open: number, close: number) => (s: string) => `\u001b[${open}m${s}\u001b[${close}m`;
const plain = (s: string) => s;

export function style(color: boolean): Style {
  return color
    ? {
        red: wrap(31, 39),
        yellow: wrap(33, 39),
        green: wrap(32, 39),
        dim: wrap(2, 22),
        bold: wrap(1, 22),
        cyan: wrap(36, 39),
      }
    : { red: plain, yellow: plain, green: plain, dim: plain, bold: plain, cyan: plain };
}
