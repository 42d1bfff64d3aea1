import { dirname, posix, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { processIo, style, type Io } from '../cli/io.ts';
import { execute } from '../cli/main.ts';
import { reportError } from '../cli/report-error.ts';
import { ExitCode } from '../errors.ts';
import type { Forge } from '../forge/port.ts';
import { readActionContext, type ActionContext } from './context.ts';
import { ensureDuckDbBinding, needsDuckDb } from './duckdb-binding.ts';
import { appendSummary, writeOutputs } from './files.ts';
import { enforceForkPolicy } from './fork-gate.ts';
import { readInputs, type ActionInputs } from './inputs.ts';
import { maskCommands } from './secrets.ts';

export { ensureDuckDbBinding } from './duckdb-binding.ts';

/**
 * A fork's PR on a self-hosted runner runs only with a maintainer's opt-in label (docs/adr/0033).
 * The label's name comes from gitops-ml.yaml on the *base* commit: the PR cannot choose it.
 */
async function guardForks(context: ActionContext, inputs: ActionInputs, io: Io): Promise<void> {
  const pr = context.pullRequest;
  if (!pr?.fromFork || context.runner !== 'self-hosted') return;
  // Only here: every other step of every job would load Octokit and its plugins for nothing.
  const [{ createGitHubForge }, { forgeSettings, parseRepoConfig }] = await Promise.all([
    import('../github/forge.ts'),
    import('../github/settings.ts'),
  ]);
  const urls = forgeSettings(undefined, io.env);
  let forge: Forge | undefined;
  let label = urls.forkLabel;
  if (inputs.token && context.repo) {
    forge = createGitHubForge({
      repo: context.repo,
      token: inputs.token,
      apiUrl: urls.apiUrl,
      serverUrl: urls.serverUrl,
    });
    const path = posix.normalize(posix.join(inputs.workingDirectory, 'gitops-ml.yaml'));
    const text = await forge.readFile(path, pr.base.sha);
    if (text)
      label = forgeSettings(
        parseRepoConfig(new TextDecoder().decode(text), path),
        io.env,
      ).forkLabel;
  }
  const decision = await enforceForkPolicy(context, forge, label);
  io.stderr.write(`fork pull request allowed: ${decision.reason}\n`);
}

/**
 * The action entry (action.yml → dist/action.js): the same commands as the CLI, with inputs from
 * INPUT_*, outputs to $GITHUB_OUTPUT and the command's Markdown in the job summary.
 */
export async function runAction(
  io: Io,
  distDir = dirname(fileURLToPath(import.meta.url)),
): Promise<number> {
  try {
    const inputs = readInputs(io.env);
    if (inputs.token) io.stdout.write(maskCommands(inputs.token));
    await guardForks(readActionContext(io.env), inputs, io);
    if (needsDuckDb(inputs.command, inputs.args))
      await ensureDuckDbBinding({ distDir, env: io.env, log: (m) => io.stderr.write(`${m}\n`) });
    const argv = ['-C', inputs.workingDirectory, inputs.command, ...inputs.args];
    // The token reaches commands in this in-memory environment only; processes that run
    // repository code get `withoutSecrets(env)` (src/action/secrets.ts).
    const env = {
      ...io.env,
      GITHUB_ACTIONS: 'true',
      ...(inputs.token ? { GITHUB_TOKEN: inputs.token } : {}),
    };
    const outcome = await execute(argv, { ...io, env });
    const outputFile = io.env.GITHUB_OUTPUT;
    if (outputFile)
      await writeOutputs(outputFile, { 'exit-code': String(outcome.exitCode), ...outcome.outputs });
    const summaryFile = io.env.GITHUB_STEP_SUMMARY;
    if (summaryFile && outcome.summary) await appendSummary(summaryFile, outcome.summary);
    return outcome.exitCode;
  } catch (error) {
    const code = reportError(error, io, style(false), false);
    // Workflow command data is escaped: a message may quote PR content and must not be able to
    // start a second command on a new line.
    const message = error instanceof Error ? error.message : String(error);
    io.stdout.write(
      `::error::${message.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')}\n`,
    );
    const outputFile = io.env.GITHUB_OUTPUT;
    if (outputFile)
      await writeOutputs(outputFile, { 'exit-code': String(code) }).catch(() => undefined);
    return code === ExitCode.ok ? ExitCode.infrastructure : code;
  }
}

const isEntry =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isEntry)
  process.exitCode = await runAction(processIo(), resolve(dirname(fileURLToPath(import.meta.url))));
