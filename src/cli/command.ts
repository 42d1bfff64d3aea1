import type { ExitCode } from '../errors.ts';
import type { OptionSpec, Parsed } from './args.ts';
import type { Io, Style } from './io.ts';

export interface CommandContext {
  io: Io;
  /** The repository root (`-C dir`, else the working directory). */
  root: string;
  json: boolean;
  style: Style;
  /** True inside a GitHub Actions job. */
  actions: boolean;
}

/** What a command hands back besides what it printed: the action turns it into outputs and a summary. */
export interface CommandOutcome {
  exitCode: ExitCode;
  /** Markdown for the job summary. */
  summary?: string;
  outputs?: Record<string, string>;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  options: OptionSpec;
  positionals: boolean;
  run(args: Parsed, ctx: CommandContext): Promise<CommandOutcome>;
}
