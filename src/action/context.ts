import { readFileSync } from 'node:fs';
import * as z from 'zod';
import { InputError } from '../errors.ts';
import type { PullRequest, RepoId } from '../forge/port.ts';
import { toPullRequest } from '../github/pull-request.ts';

/**
 * The parts of a webhook payload we read (GitHub sends much more). Loose objects: GitHub adds
 * fields over time, and a payload we do not fully model must still be accepted.
 */
const PayloadRepo = z.looseObject({ full_name: z.string(), fork: z.boolean().optional() });
const PayloadPull = z.looseObject({
  number: z.number().int(),
  title: z.string(),
  body: z.string().nullable(),
  state: z.enum(['open', 'closed']),
  draft: z.boolean().optional(),
  merged_at: z.string().nullable().optional(),
  merge_commit_sha: z.string().nullable().optional(),
  html_url: z.string(),
  user: z.looseObject({ login: z.string() }).nullable(),
  labels: z.array(z.looseObject({ name: z.string() })).default([]),
  head: z.looseObject({ ref: z.string(), sha: z.string(), repo: PayloadRepo.nullable() }),
  base: z.looseObject({ ref: z.string(), sha: z.string(), repo: PayloadRepo }),
});
const Payload = z.looseObject({
  action: z.string().optional(),
  pull_request: PayloadPull.optional(),
  label: z.looseObject({ name: z.string() }).optional(),
  repository: PayloadRepo.optional(),
});

/** The pull request an event is about, as the event saw it, plus what happened to it. */
export interface EventPullRequest extends PullRequest {
  /** opened, synchronize, labeled, … (submitted for a review event). */
  action: string | undefined;
  /** For `labeled` events: the label that was applied. */
  label: string | undefined;
}

export type RunnerKind = 'github-hosted' | 'self-hosted';

export interface ActionContext {
  /** pull_request, push, pull_request_review, … (GITHUB_EVENT_NAME). */
  eventName: string | undefined;
  repo: RepoId | undefined;
  /** The commit the workflow runs on (GITHUB_SHA). */
  sha: string | undefined;
  runUrl: string | undefined;
  workspace: string | undefined;
  /** Unknown counts as self-hosted: the safe assumption for fork PRs. */
  runner: RunnerKind;
  pullRequest: EventPullRequest | undefined;
}

type Env = Readonly<Record<string, string | undefined>>;

function repoId(fullName: string | undefined): RepoId | undefined {
  const m = /^([^/\s]+)\/([^/\s]+)$/.exec(fullName ?? '');
  return m ? { owner: m[1]!, repo: m[2]! } : undefined;
}

function readPayload(path: string | undefined): z.infer<typeof Payload> | undefined {
  if (!path) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new InputError(`cannot read the event payload at GITHUB_EVENT_PATH (${path})`, {
      cause: error,
      hint: 'the runner writes it; outside Actions, unset GITHUB_EVENT_PATH',
    });
  }
  const parsed = Payload.safeParse(json);
  if (!parsed.success)
    throw new InputError(`the event payload at ${path} is not one gitops-ml understands`, {
      cause: parsed.error,
    });
  return parsed.data;
}

/**
 * What the Actions runner tells a step about its run: GITHUB_* variables and the webhook
 * payload in GITHUB_EVENT_PATH. Nothing from the payload is ever passed to a shell.
 */
export function readActionContext(env: Env): ActionContext {
  const payload = readPayload(env.GITHUB_EVENT_PATH);
  const repo = repoId(env.GITHUB_REPOSITORY) ?? repoId(payload?.repository?.full_name);
  const server = (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '');
  const runUrl =
    repo && env.GITHUB_RUN_ID
      ? `${server}/${repo.owner}/${repo.repo}/actions/runs/${env.GITHUB_RUN_ID}${env.GITHUB_RUN_ATTEMPT && env.GITHUB_RUN_ATTEMPT !== '1' ? `/attempts/${env.GITHUB_RUN_ATTEMPT}` : ''}`
      : undefined;
  const pull = payload?.pull_request;
  return {
    eventName: env.GITHUB_EVENT_NAME,
    repo,
    sha: env.GITHUB_SHA,
    runUrl,
    workspace: env.GITHUB_WORKSPACE,
    runner: env.RUNNER_ENVIRONMENT === 'github-hosted' ? 'github-hosted' : 'self-hosted',
    pullRequest: pull
      ? { ...toPullRequest(pull), action: payload?.action, label: payload?.label?.name }
      : undefined,
  };
}
