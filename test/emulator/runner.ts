import { execFile, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { parse } from 'yaml';
import { basicCredential } from '../../src/github/git-transport.ts';
import { projectRoot } from '../support/temp.ts';
import type { GitHubEmulator } from './index.ts';

/** A directory removed when the current test ends (async-safe: no sync git against the emulator). */
export function scratchDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** action.yml and dist/ without the native DuckDB binding, as a runner downloads the action. */
export function installedAction(): string {
  const dir = scratchDir('gitops-ml-action-');
  cpSync(join(projectRoot, 'action.yml'), join(dir, 'action.yml'));
  cpSync(join(projectRoot, 'dist'), join(dir, 'dist'), {
    recursive: true,
    filter: (src) => !/node-bindings-(linux|darwin|win32)-/.test(src),
  });
  return dir;
}

export function git(
  cwd: string,
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      [...args],
      { cwd, env: { ...process.env, GIT_TERMINAL_PROMPT: '0', ...env }, encoding: 'utf8' },
      (error, stdout, stderr) =>
        error ? reject(new Error(`git ${args.join(' ')}: ${stderr}`)) : resolve(stdout),
    );
  });
}

/** git config that authenticates to the emulator the way actions/checkout does. */
export function checkoutAuth(token: string): Record<string, string> {
  const basic = basicCredential(token);
  return {
    GIT_CONFIG_COUNT: '1',
    GIT_CONFIG_KEY_0: 'http.extraheader',
    GIT_CONFIG_VALUE_0: `AUTHORIZATION: basic ${basic}`,
  };
}

/** The PR's head checked out in a fresh workspace, as actions/checkout leaves it. */
export async function checkoutPullRequest(
  gh: GitHubEmulator,
  fullName: string,
  number: number,
  token: string,
) {
  const workspace = join(scratchDir('gitops-ml-workspace-'), 'repo');
  const auth = checkoutAuth(token);
  await git(tmpdir(), ['clone', '-q', `${gh.serverUrl}/${fullName}.git`, workspace], auth);
  await git(workspace, ['fetch', '-q', 'origin', `refs/pull/${number}/head`], auth);
  await git(workspace, ['checkout', '-q', '--detach', 'FETCH_HEAD']);
  return workspace;
}

export interface StepResult {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
}

/** Read $GITHUB_OUTPUT's `name<<delimiter` blocks. */
export function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const re = /^([^<\n]+)<<(\S+)\n([\s\S]*?)\n\2$/gm;
  for (const m of text.matchAll(re)) outputs[m[1]!] = m[3]!;
  return outputs;
}

/** GITHUB_BASE_REF and GITHUB_HEAD_REF, which the runner sets on pull_request events only. */
function pullRequestRefs(eventName: string, payload: unknown): Record<string, string> {
  if (!eventName.startsWith('pull_request')) return {};
  const pr = (payload as { pull_request?: { base: { ref: string }; head: { ref: string } } })
    .pull_request;
  return pr ? { GITHUB_BASE_REF: pr.base.ref, GITHUB_HEAD_REF: pr.head.ref } : {};
}

export interface StepOptions {
  action: string;
  workspace: string;
  gh: GitHubEmulator;
  repo: string;
  eventName: string;
  payload: unknown;
  inputs: Record<string, string>;
  runner?: 'github-hosted' | 'self-hosted';
  env?: Record<string, string>;
}

/**
 * Start the action as the runner does: `node <runs.main>` with INPUT_* (hyphens kept), the event
 * payload in GITHUB_EVENT_PATH, and files for GITHUB_OUTPUT and GITHUB_STEP_SUMMARY. Async, so
 * the in-process emulator keeps answering.
 */
export async function runStep(options: StepOptions): Promise<StepResult> {
  const meta = parse(readFileSync(join(options.action, 'action.yml'), 'utf8')) as {
    runs: { using: string; main: string };
  };
  const files = scratchDir('gitops-ml-runner-');
  const paths = {
    output: join(files, 'output'),
    summary: join(files, 'summary'),
    event: join(files, 'event.json'),
  };
  writeFileSync(paths.output, '');
  writeFileSync(paths.summary, '');
  writeFileSync(paths.event, JSON.stringify(options.payload));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: files,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: options.workspace,
    GITHUB_OUTPUT: paths.output,
    GITHUB_STEP_SUMMARY: paths.summary,
    GITHUB_EVENT_NAME: options.eventName,
    GITHUB_EVENT_PATH: paths.event,
    GITHUB_REPOSITORY: options.repo,
    GITHUB_API_URL: options.gh.apiUrl,
    GITHUB_SERVER_URL: options.gh.serverUrl,
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_ATTEMPT: '1',
    RUNNER_ENVIRONMENT: options.runner ?? 'github-hosted',
    RUNNER_TEMP: files,
    ...pullRequestRefs(options.eventName, options.payload),
    ...options.env,
  };
  for (const [name, value] of Object.entries(options.inputs))
    env[`INPUT_${name.toUpperCase()}`] = value;
  const child = spawn(process.execPath, [join(options.action, meta.runs.main)], {
    cwd: options.workspace,
    env,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return {
    code,
    stdout,
    stderr,
    outputs: parseOutputs(readFileSync(paths.output, 'utf8')),
    summary: readFileSync(paths.summary, 'utf8'),
  };
}

/** Every file under `dir` (relative paths), for "nothing was written here" checks. */
export function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(dir, join(prefix, e.name)) : [join(prefix, e.name)],
  );
}
