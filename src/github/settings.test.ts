import { describe, expect, it } from 'vitest';
import { SpecError } from '../errors.ts';
import { DEFAULT_BOT, forgeSettings, parseRepoConfig, serverUrlFor } from './settings.ts';

describe('forge settings', () => {
  it('finds the web root of github.com, GHE.com and GitHub Enterprise Server', () => {
    expect(serverUrlFor('https://api.github.com')).toBe('https://github.com');
    expect(serverUrlFor('https://api.acme.ghe.com')).toBe('https://acme.ghe.com');
    expect(serverUrlFor('https://ghe.acme.internal/api/v3')).toBe('https://ghe.acme.internal');
    expect(serverUrlFor('http://127.0.0.1:8080/api/v3/')).toBe('http://127.0.0.1:8080');
  });

  it("prefers the runner's URLs, then gitops-ml.yaml, then github.com", () => {
    const config = parseRepoConfig(
      'forge:\n  apiUrl: https://ghe.acme.internal/api/v3\n  bot: {name: ml-bot, email: ml-bot@acme.internal}\n  forks: {label: ok-to-test}\nreport: {charts: svg}\n',
    );
    expect(forgeSettings(config, {})).toEqual({
      apiUrl: 'https://ghe.acme.internal/api/v3',
      serverUrl: 'https://ghe.acme.internal',
      bot: { name: 'ml-bot', email: 'ml-bot@acme.internal' },
      forkLabel: 'ok-to-test',
      charts: 'svg',
    });
    expect(
      forgeSettings(config, {
        GITHUB_API_URL: 'https://api.github.com',
        GITHUB_SERVER_URL: 'https://github.com',
      }),
    ).toMatchObject({
      apiUrl: 'https://api.github.com',
      serverUrl: 'https://github.com',
    });
    expect(forgeSettings(undefined, {})).toEqual({
      apiUrl: 'https://api.github.com',
      serverUrl: 'https://github.com',
      bot: DEFAULT_BOT,
      forkLabel: 'safe-to-run',
      charts: 'mermaid',
    });
  });

  it('rejects an invalid gitops-ml.yaml with positioned diagnostics', () => {
    const error = (() => {
      try {
        parseRepoConfig('forge:\n  apiUrl: not a url\n');
      } catch (e) {
        return e;
      }
    })() as SpecError;
    expect(error).toBeInstanceOf(SpecError);
    expect(error.diagnostics[0]).toMatchObject({
      file: 'gitops-ml.yaml',
      span: { line: 2, col: 11 },
    });
  });
});
