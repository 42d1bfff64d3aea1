import { execFile } from 'node:child_process';
import { InfraError } from '../errors.ts';

export interface GitResult {
  stdout: string;
  stderr: string;
}

/**
 * Run git with an argument array (never through a shell) in `cwd`. Fails with InfraError carrying
 * git's own message; `allowFailure` returns undefined instead for the exit codes listed.
 */
export function git(
  cwd: string,
  args: readonly string[],
  options: {
    allowFailure?: readonly number[];
    maxBuffer?: number;
    /** Extra environment on top of this process's (git config through GIT_CONFIG_*, identity). */
    env?: Readonly<Record<string, string>>;
    /** Written to git's standard input. */
    input?: string | Uint8Array;
  } = {},
): Promise<GitResult | undefined> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'git',
      [...args],
      {
        cwd,
        maxBuffer: options.maxBuffer ?? 256 * 1024 * 1024,
        env: { ...process.env, ...options.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
        encoding: 'utf8',
      },
      (error, stdout, stderr) => {
        if (!error) {
          resolve({ stdout, stderr });
          return;
        }
        const code = typeof error.code === 'number' ? error.code : undefined;
        if (code !== undefined && options.allowFailure?.includes(code)) {
          resolve(undefined);
          return;
        }
        const detail = stderr.trim().split('\n').slice(-3).join(' ') || error.message;
        const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
        reject(
          new InfraError(
            missing ? 'git is not installed or not on PATH' : `git ${args[0]} failed: ${detail}`,
            {
              cause: error,
              hint: missing ? 'install git (apt-get install git) and try again' : undefined,
            },
          ),
        );
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}
