import { execFile } from 'node:child_process';
import { InfraError } from '../errors.ts';

export interface GitResult {
  stdout: string;
  stderr: string;
}

export interface GitOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

interface GitOptions {
  maxBuffer?: number;
  /** Extra environment on top of this process's (git config through GIT_CONFIG_*, identity). */
  env?: Readonly<Record<string, string>>;
  /** Written to git's standard input. */
  input?: string | Uint8Array;
}

/**
 * Run git with an argument array (never through a shell) in `cwd` and answer with its exit code
 * and output, whatever the code; only a git that cannot start is an InfraError.
 */
export function gitOutcome(
  cwd: string,
  args: readonly string[],
  options: GitOptions = {},
): Promise<GitOutcome> {
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
        if (error && typeof error.code !== 'number') {
          const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
          reject(
            new InfraError(
              missing
                ? 'git is not installed or not on PATH'
                : `git ${args[0]} failed: ${error.message}`,
              {
                cause: error,
                hint: missing ? 'install git (apt-get install git) and try again' : undefined,
              },
            ),
          );
          return;
        }
        resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/**
 * Run git (see gitOutcome). Fails with InfraError carrying git's own message; `allowFailure`
 * returns undefined instead for the exit codes listed.
 */
export async function git(
  cwd: string,
  args: readonly string[],
  options: GitOptions & { allowFailure?: readonly number[] } = {},
): Promise<GitResult | undefined> {
  const r = await gitOutcome(cwd, args, options);
  if (r.code === 0) return { stdout: r.stdout, stderr: r.stderr };
  if (options.allowFailure?.includes(r.code)) return undefined;
  const detail = r.stderr.trim().split('\n').slice(-3).join(' ') || `exit code ${r.code}`;
  throw new InfraError(`git ${args[0]} failed: ${detail}`);
}
