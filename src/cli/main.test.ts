import { describe, expect, it } from 'vitest';
import { captureIo } from '../../test/support/io.ts';
import { baseRepo } from '../../test/support/memory-repo.ts';
import { gitRepo, projectRoot, tempDir } from '../../test/support/temp.ts';
import { version } from '../version.ts';
import { resolveCommand } from './commands/index.ts';
import { main } from './main.ts';
import { reportError } from './report-error.ts';
import { style } from './io.ts';

const noStack = /^\s+at /m;

describe('gitops-ml (in process)', () => {
  it('prints its version', async () => {
    const io = captureIo(projectRoot);
    expect(await main(['--version'], io)).toBe(0);
    expect(io.out()).toBe(`${version}\n`);
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('prints usage: on --help to stdout (exit 0), without a command to stderr (exit 2)', async () => {
    const help = captureIo(projectRoot);
    expect(await main(['--help'], help)).toBe(0);
    expect(help.out()).toContain('validate');
    const bare = captureIo(projectRoot);
    expect(await main([], bare)).toBe(2);
    expect(bare.err()).toContain('usage: gitops-ml');
  });

  it('rejects an unknown command with a hint and exit 2', async () => {
    const io = captureIo(projectRoot);
    expect(await main(['valdate'], io)).toBe(2);
    expect(io.err()).toBe(
      'error: unknown command "valdate" (did you mean "validate"?)\nhint: run "gitops-ml --help" for the list of commands\n',
    );
  });

  it('rejects an unknown option with a hint and exit 2', async () => {
    const io = captureIo(projectRoot);
    expect(await main(['validate', '--jsno'], io)).toBe(2);
    expect(io.err()).toContain(
      'error: unknown option --jsno for "validate" (did you mean "--json"?)',
    );
    expect(io.err()).not.toMatch(noStack);
  });

  it('rejects -C pointing nowhere', async () => {
    const io = captureIo(projectRoot);
    expect(await main(['-C', '/nonexistent/dir', 'validate'], io)).toBe(2);
    expect(io.err()).toContain('error: -C /nonexistent/dir: no such directory');
  });

  it('validates the example repository: exit 0', async () => {
    const io = captureIo(projectRoot);
    expect(await main(['validate'], io)).toBe(0);
    expect(io.err()).toMatch(
      /^✓ 6 spec files valid: 2 pipelines \(4 stages\), 1 model, 2 deployments\n$/,
    );
  });

  it('reports a broken spec with file:line:col and a code frame: exit 2', async () => {
    const repo = baseRepo();
    repo['pipelines/p.yaml'] = repo['pipelines/p.yaml']!.replace(
      '    cmd: node train.mjs',
      '    cmnd: node train.mjs',
    );
    const dir = gitRepo(repo);
    const io = captureIo(dir);
    expect(await main(['validate'], io)).toBe(2);
    expect(io.err()).toBe(
      [
        'pipelines/p.yaml:8:5: error: unknown key "cmnd" (did you mean "cmd"?)',
        ' 8 |     cmnd: node train.mjs --lr ${train.lr}',
        '   |     ^^^^',
        '✗ 1 error in 1 file',
        '',
      ].join('\n'),
    );
    expect(io.out()).toBe('');
  });

  it('gives stable JSON with --json and -C', async () => {
    const repo = baseRepo();
    repo['models/m.yaml'] = repo['models/m.yaml']!.replace('pipeline: p', 'pipeline: q');
    const dir = gitRepo(repo);
    const io = captureIo(tempDir());
    expect(await main(['validate', '--json', '-C', dir], io)).toBe(2);
    expect(JSON.parse(io.out())).toEqual({
      valid: false,
      summary: {
        files: 2,
        pipelines: 1,
        stages: 2,
        models: 1,
        deployments: 0,
        errors: 1,
        warnings: 0,
      },
      diagnostics: [
        {
          file: 'models/m.yaml',
          line: 2,
          col: 11,
          endLine: 2,
          endCol: 12,
          severity: 'error',
          code: 'unknown-pipeline',
          message: 'pipeline "q" does not exist (did you mean "p"?)',
          path: ['pipeline'],
        },
      ],
    });
  });

  it('annotates files inside GitHub Actions, relative to the workspace', async () => {
    const repo = baseRepo();
    repo['models/m.yaml'] = repo['models/m.yaml']!.replace('pipeline: p', 'pipeline: q');
    const dir = gitRepo({
      'ml/README.md': '',
      ...Object.fromEntries(Object.entries(repo).map(([k, v]) => [`ml/${k}`, v])),
    });
    const io = captureIo(dir, { GITHUB_ACTIONS: 'true', GITHUB_WORKSPACE: dir });
    expect(await main(['validate', '-C', 'ml'], io)).toBe(2);
    expect(io.out()).toBe(
      '::error file=ml/models/m.yaml,line=2,endLine=2,col=11,endColumn=12,title=gitops-ml validate::pipeline "q" does not exist (did you mean "p"?)\n',
    );
    const json = captureIo(dir, { GITHUB_ACTIONS: 'true', GITHUB_WORKSPACE: dir });
    await main(['validate', '-C', 'ml', '--json'], json);
    expect(JSON.parse(json.out())).toMatchObject({ valid: false });
    expect(json.err()).toContain('::error file=ml/models/m.yaml');
  });

  it('escapes annotation properties and messages', async () => {
    const dir = gitRepo({ 'deployments/a,b.yaml': 'models: {x: 1}\n' });
    const io = captureIo(dir, { GITHUB_ACTIONS: 'true', GITHUB_WORKSPACE: dir });
    await main(['validate'], io);
    expect(io.out()).toContain('::error file=deployments/a%2Cb.yaml,line=1,');
  });
});

describe('reportError', () => {
  it('maps an unexpected error to exit 3 without a stack unless GITOPS_ML_DEBUG is set', () => {
    const io = captureIo(projectRoot);
    expect(reportError(new TypeError('boom'), io, style(false), false)).toBe(3);
    expect(io.err()).toBe(
      'internal error: boom\nthis is a bug in gitops-ml; run again with GITOPS_ML_DEBUG=1 and report the output\n',
    );
    const debug = captureIo(projectRoot, { GITOPS_ML_DEBUG: '1' });
    reportError(
      new TypeError('boom', { cause: new Error('root cause') }),
      debug,
      style(false),
      true,
    );
    expect(debug.err()).toContain('caused by: root cause');
    expect(debug.err()).toMatch(noStack);
    expect(JSON.parse(debug.out())).toEqual({
      error: { kind: 'InternalError', message: 'boom', exitCode: 3, hint: null },
    });
  });
});

describe('resolveCommand', () => {
  const registry = { validate: {}, 'data hash': {}, 'data add': {} };

  it('finds one-word commands and group subcommands', () => {
    expect(resolveCommand(registry, 'validate', ['--json'])).toEqual({
      commandName: 'validate',
      args: ['--json'],
    });
    expect(resolveCommand(registry, 'data', ['hash', 'x'])).toEqual({
      commandName: 'data hash',
      args: ['x'],
    });
  });

  it('explains a missing or unknown subcommand', () => {
    expect(() => resolveCommand(registry, 'data', [])).toThrow('"data" needs a subcommand');
    expect(() => resolveCommand(registry, 'data', ['hsh'])).toThrow(
      'unknown command "data hsh" (did you mean "hash"?)',
    );
  });
});
