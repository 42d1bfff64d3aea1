import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ExitCode, UsageError } from '../errors.ts';
import { version } from '../version.ts';
import { parse } from './args.ts';
import type { Command, CommandOutcome } from './command.ts';
import { commands, resolveCommand } from './commands/index.ts';
import { style, useColor, type Io } from './io.ts';
import { reportError } from './report-error.ts';

function usage(): string {
  const width = Math.max(...Object.keys(commands).map((n) => n.length));
  const lines = Object.entries(commands).map(
    ([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`,
  );
  return [
    'gitops-ml: a git repository as the control plane of machine learning',
    '',
    'usage: gitops-ml [-C dir] <command> [options]',
    '',
    'commands:',
    ...lines,
    '',
    'options for every command:',
    '  -C <dir>      run as if started in <dir>',
    '  --json        machine-readable output on stdout',
    '  --no-color    no colours in human output',
    "  -h, --help    this help, or a command's",
    '  --version     print the version',
    '',
    'exit codes: 0 ok, 1 checks failed, 2 bad input, 3 infrastructure error',
  ].join('\n');
}

function commandHelp(command: Command): string {
  const own = Object.entries(command.options).map(([name, o]) => {
    const flag = name.length === 1 ? `-${name}` : `--${name}`;
    return `  ${flag}${o.type === 'string' ? ' <value>' : ''}`;
  });
  return [
    `usage: ${command.usage}`,
    '',
    command.summary,
    ...(own.length ? ['', 'options:', ...own] : []),
  ].join('\n');
}

/** Split leading global options (before the command name) from the rest. */
function splitGlobal(argv: readonly string[]): {
  global: string[];
  name: string | undefined;
  rest: string[];
} {
  const global: string[] = [];
  let i = 0;
  while (i < argv.length && argv[i]!.startsWith('-')) {
    global.push(argv[i]!);
    if (argv[i] === '-C' && i + 1 < argv.length) global.push(argv[++i]!);
    i++;
  }
  return { global, name: argv[i], rest: argv.slice(i + 1) };
}

/**
 * Parse, dispatch, and map errors to exit codes; never throws. The CLI and the action both enter
 * here, so a command behaves the same in a terminal and in a workflow.
 */
export async function execute(argv: readonly string[], io: Io): Promise<CommandOutcome> {
  const json = argv.includes('--json');
  const s = style(useColor(io) && !argv.includes('--no-color'));
  try {
    const { global, name, rest } = splitGlobal(argv);
    if (global.includes('--version') || global.includes('-V')) {
      io.stdout.write(`${version}\n`);
      return { exitCode: ExitCode.ok };
    }
    if (name === undefined) {
      const help = global.includes('--help') || global.includes('-h');
      (help ? io.stdout : io.stderr).write(usage() + '\n');
      return { exitCode: help ? ExitCode.ok : ExitCode.badInput };
    }
    if (name === 'help') {
      io.stdout.write(usage() + '\n');
      return { exitCode: ExitCode.ok };
    }
    const { commandName, args: commandArgs } = resolveCommand(commands, name, rest);
    const command = await commands[commandName]!.load();
    const args = parse(
      commandName,
      [...global, ...commandArgs],
      command.options,
      command.positionals,
    );
    if (args.values.help === true) {
      io.stdout.write(commandHelp(command) + '\n');
      return { exitCode: ExitCode.ok };
    }
    const root = resolve(io.cwd, typeof args.values.C === 'string' ? args.values.C : '.');
    const info = await stat(root).catch(() => undefined);
    if (!info?.isDirectory())
      throw new UsageError(`-C ${String(args.values.C)}: no such directory`);
    return await command.run(args, {
      io,
      root,
      json: args.values.json === true,
      style: s,
      actions: io.env.GITHUB_ACTIONS === 'true',
    });
  } catch (error) {
    return { exitCode: reportError(error, io, s, json) };
  }
}

export async function main(argv: readonly string[], io: Io): Promise<number> {
  return (await execute(argv, io)).exitCode;
}
