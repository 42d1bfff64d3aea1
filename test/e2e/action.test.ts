import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { baseRepo } from '../support/memory-repo.ts';
import { gitRepo, projectRoot, tempDir } from '../support/temp.ts';

/** Copy action.yml and dist/ alone, without node_modules, as a runner downloads the action. */
function installedAction(): string {
  const dir = tempDir('gitops-ml-action-');
  cpSync(join(projectRoot, 'action.yml'), join(dir, 'action.yml'));
  cpSync(join(projectRoot, 'dist'), join(dir, 'dist'), { recursive: true });
  return dir;
}

/** Start the action the way the runner does: node on runs.main, inputs as INPUT_* variables. */
function runAction(action: string, workspace: string, inputs: Record<string, string>) {
  const meta = parse(readFileSync(join(action, 'action.yml'), 'utf8')) as {
    runs: { using: string; main: string };
  };
  const files = tempDir('gitops-ml-runner-');
  const output = join(files, 'output');
  const summary = join(files, 'summary');
  writeFileSync(output, '');
  writeFileSync(summary, '');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: workspace,
    GITHUB_OUTPUT: output,
    GITHUB_STEP_SUMMARY: summary,
    GITHUB_REPOSITORY: 'acme/ml',
    RUNNER_TEMP: files,
  };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  const r = spawnSync(process.execPath, [join(action, meta.runs.main)], {
    cwd: workspace,
    env,
    encoding: 'utf8',
  });
  return {
    using: meta.runs.using,
    code: r.status,
    stdout: r.stdout,
    stderr: r.stderr,
    output: readFileSync(output, 'utf8'),
    summary: readFileSync(summary, 'utf8'),
  };
}

describe('the action, started as the runner starts it', () => {
  it('declares node24 and validates a repository: annotations, outputs, summary', () => {
    const repo = baseRepo();
    repo['models/m.yaml'] = repo['models/m.yaml']!.replace('goal: maximize', 'goal: up');
    const workspace = gitRepo(repo);
    const r = runAction(installedAction(), workspace, {
      command: 'validate',
      'github-token': 'ghs_s3cretTOKEN',
    });
    expect(r.using).toBe('node24');
    expect(r.code).toBe(2);
    expect(r.stdout.split('\n')[0]).toBe('::add-mask::ghs_s3cretTOKEN');
    expect(r.stdout + r.stderr + r.output + r.summary).not.toMatch(
      /ghs_s3cretTOKEN[\s\S]*ghs_s3cretTOKEN/,
    );
    expect(r.stdout).toContain(
      '::error file=models/m.yaml,line=5,endLine=5,col=36,endColumn=38,title=gitops-ml validate::must be one of: maximize, minimize',
    );
    expect(r.output).toMatch(/^exit-code<<ghadelimiter_[0-9a-f-]+\n2\nghadelimiter_[0-9a-f-]+\n/);
    expect(r.output).toMatch(/valid<<(ghadelimiter_[0-9a-f-]+)\nfalse\n\1\n/);
    expect(r.summary).toContain('### ❌ Specs invalid');
    expect(r.summary).toContain(
      '| error | `models/m.yaml:5:36` | must be one of: maximize, minimize |',
    );
  });

  it('passes args line by line and honours working-directory', () => {
    const workspace = gitRepo(
      Object.fromEntries(Object.entries(baseRepo()).map(([k, v]) => [`ml/${k}`, v])),
    );
    const r = runAction(installedAction(), workspace, {
      command: 'validate',
      args: '--json\n',
      'working-directory': 'ml',
    });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ valid: true });
    expect(r.summary).toContain('### ✅ Specs valid');
  });

  it('fails clearly without a command', () => {
    const r = runAction(installedAction(), gitRepo(baseRepo()), {});
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('::error::the "command" input is required (e.g. validate)');
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });
});
