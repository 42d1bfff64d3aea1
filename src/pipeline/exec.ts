import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { basename } from 'node:path';

export interface CommandOptions {
  command: string;
  cwd: string;
  env: Record<string, string>;
  /** Kill the whole process tree after this long. */
  timeoutSeconds?: number | undefined;
  /** Every chunk of stdout and stderr, in arrival order. */
  onOutput?: (chunk: string) => void;
  /** Aborting stops the command (its whole process group): SIGTERM, then SIGKILL. */
  signal?: AbortSignal | undefined;
  /** Time between SIGTERM and SIGKILL. */
  graceMs?: number;
  tailLines?: number;
}

export interface CommandResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  interrupted: boolean;
  seconds: number;
  /** The last lines of output, for the failure message. */
  tail: string[];
}

const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh']);

/** The shell stage commands run in: $SHELL when it is a POSIX shell (as DVC does), else /bin/sh. */
export function stageShell(env: Readonly<Record<string, string | undefined>>): string {
  const shell = env.SHELL;
  return shell && SHELLS.has(basename(shell)) && existsSync(shell) ? shell : '/bin/sh';
}

/**
 * Run one command line in a new process group, streaming its output. A timeout or an abort stops
 * the whole tree (children of children included): SIGTERM to the group, SIGKILL after `graceMs`.
 */
export function runCommand(options: CommandOptions): Promise<CommandResult> {
  const started = process.hrtime.bigint();
  const tailLimit = options.tailLines ?? 40;
  const tail: string[] = [];
  let partial = '';
  const keep = (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    tail.push(...lines);
    if (tail.length > tailLimit) tail.splice(0, tail.length - tailLimit);
  };
  return new Promise((resolve) => {
    const child = spawn(stageShell(options.env), ['-c', options.command], {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let timedOut = false;
    let interrupted = false;
    let killTimer: NodeJS.Timeout | undefined;
    const stop = () => {
      if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
      signalGroup(child.pid, 'SIGTERM');
      killTimer ??= setTimeout(() => signalGroup(child.pid!, 'SIGKILL'), options.graceMs ?? 5000);
    };
    const timer =
      options.timeoutSeconds !== undefined
        ? setTimeout(() => {
            timedOut = true;
            stop();
          }, options.timeoutSeconds * 1000)
        : undefined;
    const onAbort = () => {
      interrupted = true;
      stop();
    };
    if (options.signal?.aborted) onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    for (const stream of [child.stdout, child.stderr]) {
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        keep(chunk);
        options.onOutput?.(chunk);
      });
    }
    // When the shell exits, whatever it left running in its group goes too; 'close' then comes
    // once every pipe is drained (a background grandchild would otherwise hold it open).
    child.once('exit', () => {
      if (child.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
    });
    const finish = (code: number | null, signal: NodeJS.Signals | null) => {
      if (timer) clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      options.signal?.removeEventListener('abort', onAbort);
      if (partial) tail.push(partial);
      resolve({
        code,
        signal,
        timedOut,
        interrupted,
        seconds: Number(process.hrtime.bigint() - started) / 1e9,
        tail: tail.slice(-tailLimit),
      });
    };
    child.once('error', (error) => {
      keep(`${error.message}\n`);
      finish(127, null);
    });
    child.once('close', finish);
  });
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}
