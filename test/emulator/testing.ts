import { afterAll, beforeAll } from 'vitest';
import type { Pacing } from '../../src/github/octokit.ts';
import { GitHubForge } from '../../src/github/forge.ts';
import { GitHubEmulator, type EmulatorOptions } from './index.ts';

/** GitHub's waits shrunk a thousandfold: retries and rate limits are exercised, not slept. */
export const testPacing: Pacing = {
  writeIntervalMs: 0,
  retryUnitMs: 2,
  requestTimeoutMs: 10_000,
  maxRateLimitWaitSeconds: 120,
};

/** One emulator for the whole test file (each test makes its own repositories). */
export function useEmulator(options: EmulatorOptions = {}): () => GitHubEmulator {
  let emulator: GitHubEmulator | undefined;
  beforeAll(async () => {
    emulator = await GitHubEmulator.start(options);
  });
  afterAll(async () => {
    await emulator?.close();
  });
  return () => {
    if (!emulator) throw new Error('the emulator is not running');
    return emulator;
  };
}

let repoCounter = 0;

/** A fresh repository name, so tests sharing an emulator never collide. */
export function uniqueRepo(owner = 'acme'): string {
  return `${owner}/ml-${++repoCounter}`;
}

export function forgeFor(gh: GitHubEmulator, fullName: string, token: string): GitHubForge {
  const [owner, repo] = fullName.split('/') as [string, string];
  return new GitHubForge({
    repo: { owner, repo },
    token,
    apiUrl: gh.apiUrl,
    serverUrl: gh.serverUrl,
    pacing: testPacing,
  });
}
