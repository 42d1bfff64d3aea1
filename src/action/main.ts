import { processIo, type Io } from '../cli/io.ts';
import { execute } from '../cli/main.ts';
import { reportError } from '../cli/report-error.ts';
import { style } from '../cli/io.ts';
import { ExitCode } from '../errors.ts';
import { appendSummary, writeOutputs } from './files.ts';
import { readInputs } from './inputs.ts';

/**
 * The action entry (action.yml → dist/action.js): the same commands as the CLI, with inputs from
 * INPUT_*, outputs to $GITHUB_OUTPUT and the command's Markdown in the job summary.
 */
export async function runAction(io: Io): Promise<number> {
  try {
    const inputs = readInputs(io.env);
    if (inputs.token) io.stdout.write(`::add-mask::${inputs.token}\n`);
    const argv = ['-C', inputs.workingDirectory, inputs.command, ...inputs.args];
    const outcome = await execute(argv, { ...io, env: { ...io.env, GITHUB_ACTIONS: 'true' } });
    const outputFile = io.env.GITHUB_OUTPUT;
    if (outputFile)
      await writeOutputs(outputFile, { 'exit-code': String(outcome.exitCode), ...outcome.outputs });
    const summaryFile = io.env.GITHUB_STEP_SUMMARY;
    if (summaryFile && outcome.summary) await appendSummary(summaryFile, outcome.summary);
    return outcome.exitCode;
  } catch (error) {
    const code = reportError(error, io, style(false), false);
    io.stdout.write(`::error::${error instanceof Error ? error.message : String(error)}\n`);
    return code === ExitCode.ok ? ExitCode.infrastructure : code;
  }
}

const isEntry = import.meta.url === `file://${process.argv[1]}`;
if (isEntry) process.exitCode = await runAction(processIo());
