import { ExitCode, isGitopsMlError, SpecError } from '../errors.ts';
import type { Io, Style } from './io.ts';
import { renderDiagnostic } from './render.ts';

function causes(error: unknown): string[] {
  const lines: string[] = [];
  let current = error instanceof Error ? error.cause : undefined;
  for (let depth = 0; current !== undefined && depth < 5; depth++) {
    lines.push(current instanceof Error ? current.message : JSON.stringify(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  return lines;
}

/**
 * The one place errors become output and an exit code. Known errors print their message and
 * hint, never a stack; anything else is a bug: exit 3, and the stack only with GITOPS_ML_DEBUG.
 */
export function reportError(error: unknown, io: Io, s: Style, json: boolean): ExitCode {
  const debug = io.env.GITOPS_ML_DEBUG === '1' || io.env.GITOPS_ML_DEBUG === 'true';
  if (error instanceof SpecError) {
    for (const d of error.diagnostics) io.stderr.write(renderDiagnostic(d, s, undefined) + '\n');
  }
  const known = isGitopsMlError(error);
  const exitCode = known ? error.exitCode : ExitCode.infrastructure;
  const message = error instanceof Error ? error.message : String(error);
  if (json) {
    const kind = known ? error.name : 'InternalError';
    io.stdout.write(
      JSON.stringify({
        error: { kind, message, exitCode, hint: known ? (error.hint ?? null) : null },
      }) + '\n',
    );
  }
  if (!(error instanceof SpecError)) {
    io.stderr.write(`${s.red(known ? 'error' : 'internal error')}: ${message}\n`);
  }
  if (known && error.hint) io.stderr.write(`${s.dim('hint')}: ${error.hint}\n`);
  if (debug) {
    for (const cause of causes(error)) io.stderr.write(`${s.dim('caused by')}: ${cause}\n`);
    if (error instanceof Error && error.stack) io.stderr.write(s.dim(error.stack) + '\n');
  } else if (!known) {
    io.stderr.write(
      `${s.dim('this is a bug in gitops-ml; run again with GITOPS_ML_DEBUG=1 and report the output')}\n`,
    );
  }
  return exitCode;
}
