import type { Diagnostic } from './diagnostic.ts';

/** Process exit codes, fixed by the CLI contract (DESIGN.md §3). */
export const ExitCode = {
  ok: 0,
  checksFailed: 1,
  badInput: 2,
  infrastructure: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

interface ErrorOptions {
  cause?: unknown;
  /** How to fix it, shown under the message. */
  hint?: string | undefined;
}

/** Base of every error the CLI and the action know how to report without a stack trace. */
export abstract class GitopsMlError extends Error {
  abstract readonly exitCode: ExitCode;
  readonly hint: string | undefined;

  constructor(message: string, options: ErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.hint = options.hint;
  }
}

/** Bad flags or arguments on the command line. */
export class UsageError extends GitopsMlError {
  readonly exitCode = ExitCode.badInput;
}

/** A file the user gave us is missing, unreadable as input, or malformed. */
export class InputError extends GitopsMlError {
  readonly exitCode = ExitCode.badInput;
}

/** One or more specs are invalid; each diagnostic names file:line:col. */
export class SpecError extends GitopsMlError {
  readonly exitCode = ExitCode.badInput;
  readonly diagnostics: readonly Diagnostic[];

  constructor(diagnostics: readonly Diagnostic[], options: ErrorOptions = {}) {
    const n = diagnostics.length;
    super(`${n} invalid spec ${n === 1 ? 'entry' : 'entries'}`, options);
    this.diagnostics = diagnostics;
  }
}

/** Checks ran and failed: data invalid, gate failed, approvals missing. */
export class ChecksFailedError extends GitopsMlError {
  readonly exitCode = ExitCode.checksFailed;
}

/** git, the filesystem, the network, GitHub or a runner failed under us. */
export class InfraError extends GitopsMlError {
  readonly exitCode = ExitCode.infrastructure;
}

export function isGitopsMlError(error: unknown): error is GitopsMlError {
  return error instanceof GitopsMlError;
}
