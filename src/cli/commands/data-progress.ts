import { formatBytes as bytesText } from '../../units.ts';
import type { CommandContext } from '../command.ts';
import type { Io } from '../io.ts';

/** A long step (hashing, uploading, downloading) as seen by whoever watches: bytes and items. */
export interface ProgressPhase {
  start(totalBytes: number, totalItems?: number): void;
  bytes(n: number): void;
  item(count?: number): void;
  done(): void;
}

/** Bytes with one decimal ("1.5 KiB"), so a progress line keeps its width as it redraws. */
export function formatBytes(n: number): string {
  return bytesText(n, 1);
}

/**
 * Progress on stderr: on a terminal one line redrawn (bar, bytes, rate, items) at most ten times
 * a second; elsewhere (CI logs) a plain line every `GITOPS_ML_PROGRESS_INTERVAL` seconds
 * (default 10), so a long upload shows life without flooding the log.
 */
export interface Clock {
  now(): number;
  /** Call `fn` every `ms` until the returned function is called. */
  every(fn: () => void, ms: number): () => void;
}

const realClock: Clock = {
  now: Date.now,
  every(fn, ms) {
    const timer = setInterval(fn, ms);
    timer.unref();
    return () => clearInterval(timer);
  },
};

export function progressPhase(io: Io, label: string, clock: Clock = realClock): ProgressPhase {
  const now = () => clock.now();
  const tty = io.stderr.isTTY === true && io.env.TERM !== 'dumb';
  const everyMs = tty ? 100 : Math.max(1, Number(io.env.GITOPS_ML_PROGRESS_INTERVAL ?? 10)) * 1000;
  let totalBytes = 0;
  let totalItems: number | undefined;
  let doneBytes = 0;
  let doneItems = 0;
  let began = 0;
  let stop: (() => void) | undefined;
  let drawn = false;

  const line = (): string => {
    const seconds = Math.max((now() - began) / 1000, 0.001);
    const rate = `${formatBytes(Math.round(doneBytes / seconds))}/s`;
    const fraction =
      totalBytes > 0 ? doneBytes / totalBytes : totalItems ? doneItems / totalItems : 1;
    const pct = Math.min(100, Math.floor(fraction * 100));
    const items = totalItems === undefined ? '' : `  ${doneItems}/${totalItems}`;
    const amount =
      totalBytes > 0
        ? `${formatBytes(doneBytes)} / ${formatBytes(totalBytes)}`
        : formatBytes(doneBytes);
    if (!tty)
      return `${label}: ${pct}% (${amount}, ${rate}${items === '' ? '' : `, ${items.trimStart()}`})`;
    const width = 24;
    const filled = Math.round((pct / 100) * width);
    return `${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(pct).padStart(3)}%  ${amount}  ${rate}${items}`;
  };
  const draw = (): void => {
    if (tty) io.stderr.write(`\r\u001b[K${line()}`);
    else io.stderr.write(`${line()}\n`);
    drawn = true;
  };

  return {
    start(bytes, items) {
      totalBytes = bytes;
      totalItems = items;
      began = now();
      if (bytes === 0 && (items ?? 0) === 0) return;
      stop = clock.every(draw, everyMs);
    },
    bytes(n) {
      doneBytes += n;
    },
    item(count = 1) {
      doneItems += count;
    },
    done() {
      stop?.();
      stop = undefined;
      if (tty && drawn) {
        draw();
        io.stderr.write('\n');
      }
    },
  };
}

/** The one JSON document a data command prints with --json. */
export function printJson(ctx: CommandContext, doc: unknown): void {
  ctx.io.stdout.write(JSON.stringify(doc, null, 2) + '\n');
}
