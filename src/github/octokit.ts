import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import Bottleneck from 'bottleneck/light.js';
import { version } from '../version.ts';

const GitopsMlOctokit = Octokit.plugin(throttling, retry);
export type GitHubClient = InstanceType<typeof GitopsMlOctokit>;

/** How politely to wait. Production uses GitHub's advice; tests shrink the waits. */
export interface Pacing {
  /** Milliseconds between two writes (GitHub asks for at least 1 s). */
  writeIntervalMs: number;
  /** Milliseconds per second of retry-after and of the retry backoff (1000 in production). */
  retryUnitMs: number;
  /** Give up on one HTTP request after this long; it is then retried like a 5xx. */
  requestTimeoutMs: number;
  /** How long we are willing to wait for a rate limit to reset, in seconds. */
  maxRateLimitWaitSeconds: number;
}

export const githubPacing: Pacing = {
  writeIntervalMs: 1000,
  retryUnitMs: 1000,
  requestTimeoutMs: 60_000,
  maxRateLimitWaitSeconds: 120,
};

export interface ClientOptions {
  token: string;
  /** REST root: https://api.github.com, or https://HOST/api/v3 on GitHub Enterprise Server. */
  apiUrl: string;
  pacing?: Pacing;
  /** Where retries and rate-limit waits are reported (never request bodies or tokens). */
  warn?: (message: string) => void;
}

/**
 * One Octokit per process and repository: REST methods, pagination, the throttling plugin
 * (writes serialized, 403/429 secondary limits waited out with retry-after) and the retry
 * plugin (5xx and timeouts retried with backoff).
 */
export function createGitHubClient(options: ClientOptions): GitHubClient {
  const pacing = options.pacing ?? githubPacing;
  const warn = options.warn ?? (() => undefined);
  const custom = pacing !== githubPacing;
  const timeout = pacing.requestTimeoutMs;
  return new GitopsMlOctokit({
    auth: options.token,
    baseUrl: options.apiUrl.replace(/\/+$/, ''),
    userAgent: `gitops-ml/${version}`,
    log: { debug: () => undefined, info: () => undefined, warn, error: warn },
    request: {
      // A fresh timeout per attempt (a retry must not inherit an already-expired signal).
      fetch: (url: string, init: RequestInit) =>
        fetch(url, { ...init, signal: init.signal ?? AbortSignal.timeout(timeout) }),
    },
    throttle: {
      id: `gitops-ml-${process.pid}`,
      retryAfterBaseValue: pacing.retryUnitMs,
      ...(custom
        ? {
            write: new Bottleneck.Group({ maxConcurrent: 1, minTime: pacing.writeIntervalMs }),
            notifications: new Bottleneck.Group({
              maxConcurrent: 1,
              minTime: pacing.writeIntervalMs,
            }),
          }
        : {}),
      onRateLimit: (retryAfter, request, _octokit, retryCount) => {
        const retrying = retryCount < 2 && retryAfter <= pacing.maxRateLimitWaitSeconds;
        warn(
          `GitHub rate limit reached on ${request.method} ${request.url}; ${retrying ? `retrying in ${retryAfter} s` : 'giving up'}`,
        );
        return retrying;
      },
      onSecondaryRateLimit: (retryAfter, request, _octokit, retryCount) => {
        const retrying = retryCount < 4 && retryAfter <= pacing.maxRateLimitWaitSeconds;
        warn(
          `GitHub secondary rate limit on ${request.method} ${request.url}; ${retrying ? `retrying in ${retryAfter} s` : 'giving up'}`,
        );
        return retrying;
      },
    },
    retry: { retryAfterBaseValue: pacing.retryUnitMs, retries: 4 },
  });
}
