import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { uniqueRepo, useEmulator } from '../../test/emulator/testing.ts';
import { tempDir } from '../../test/support/temp.ts';
import { readActionContext } from './context.ts';
import { readInputs } from './inputs.ts';
import { maskCommands, withoutSecrets } from './secrets.ts';

const github = useEmulator();

function eventFile(payload: unknown): string {
  const file = join(tempDir(), 'event.json');
  writeFileSync(file, JSON.stringify(payload));
  return file;
}

describe('readActionContext', () => {
  it('reads a pull_request payload as GitHub writes it', async () => {
    const gh = github();
    const name = uniqueRepo();
    await gh.createRepo(name, { files: { 'a.txt': 'a\n' } });
    const fork = await gh.forkRepo(name, 'mallory');
    await gh.commit(fork.fullName, 'x', { 'b.txt': 'b\n' }, { author: 'mallory' });
    const pr = await gh.openPullRequest(name, {
      head: 'mallory:x',
      title: 'T',
      body: 'B',
      user: 'mallory',
    });
    gh.addLabel(name, pr.number, 'safe-to-run', 'maintainer');
    const payload = await gh.pullRequestPayload(name, pr.number, 'labeled', {
      label: 'safe-to-run',
    });
    const ctx = readActionContext({
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: eventFile(payload),
      GITHUB_REPOSITORY: name,
      GITHUB_SERVER_URL: 'https://ghe.example.com',
      GITHUB_RUN_ID: '77',
      GITHUB_RUN_ATTEMPT: '2',
      RUNNER_ENVIRONMENT: 'github-hosted',
    });
    expect(ctx).toMatchObject({
      eventName: 'pull_request',
      repo: { owner: 'acme', repo: name.split('/')[1] },
      runUrl: `https://ghe.example.com/${name}/actions/runs/77/attempts/2`,
      runner: 'github-hosted',
      pullRequest: {
        number: pr.number,
        title: 'T',
        body: 'B',
        action: 'labeled',
        label: 'safe-to-run',
        labels: ['safe-to-run'],
        fromFork: true,
        head: { ref: 'x', sha: pr.headSha, repo: fork.fullName },
        base: { ref: 'main', repo: name },
      },
    });
  });

  it('treats an unknown runner as self-hosted, and a push event as no pull request', () => {
    const ctx = readActionContext({
      GITHUB_EVENT_PATH: eventFile({
        ref: 'refs/heads/main',
        repository: { full_name: 'acme/ml' },
      }),
    });
    expect(ctx).toMatchObject({
      runner: 'self-hosted',
      repo: { owner: 'acme', repo: 'ml' },
      pullRequest: undefined,
    });
  });

  it('fails clearly on an unreadable payload', () => {
    expect(() => readActionContext({ GITHUB_EVENT_PATH: join(tempDir(), 'nope.json') })).toThrow(
      /cannot read the event payload at GITHUB_EVENT_PATH/,
    );
  });
});

describe('inputs and secrets', () => {
  it('keeps the working directory inside the workspace', () => {
    expect(() =>
      readInputs({ INPUT_COMMAND: 'validate', 'INPUT_WORKING-DIRECTORY': '../other' }),
    ).toThrow('the "working-directory" input must be a path inside the workspace');
    expect(readInputs({ INPUT_COMMAND: 'report', 'INPUT_GITHUB-TOKEN': ' t ' })).toEqual({
      command: 'report',
      args: [],
      workingDirectory: '.',
      token: 't',
    });
  });

  it('masks the token and the credential git would send; strips credentials from a stage environment', () => {
    expect(maskCommands('ghs_abc')).toBe(
      `::add-mask::ghs_abc\n::add-mask::${Buffer.from('x-access-token:ghs_abc').toString('base64')}\n`,
    );
    expect(
      withoutSecrets({
        PATH: '/bin',
        'INPUT_GITHUB-TOKEN': 't',
        GITHUB_TOKEN: 't',
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'o',
        GITHUB_REPOSITORY: 'acme/ml',
      }),
    ).toEqual({ PATH: '/bin', GITHUB_REPOSITORY: 'acme/ml' });
  });
});
