import type { PullRequest } from '../forge/port.ts';

/**
 * The fields of a pull request we read, as both the REST API and webhook payloads carry them
 * (full or simple form).
 */
export interface PullLike {
  number: number;
  title: string;
  body: string | null;
  state: string;
  draft?: boolean | undefined;
  merged_at?: string | null | undefined;
  merge_commit_sha?: string | null | undefined;
  html_url: string;
  user: { login: string } | null;
  labels: readonly { name: string }[];
  head: { ref: string; sha: string; repo: { full_name: string } | null };
  base: { ref: string; sha: string; repo: { full_name: string } };
}

export function toPullRequest(p: PullLike): PullRequest {
  const headRepo = p.head.repo?.full_name ?? null;
  return {
    number: p.number,
    title: p.title,
    body: p.body ?? '',
    state: p.state === 'closed' ? 'closed' : 'open',
    merged: p.merged_at !== undefined && p.merged_at !== null,
    draft: p.draft ?? false,
    author: p.user?.login ?? 'ghost',
    url: p.html_url,
    head: { ref: p.head.ref, sha: p.head.sha, repo: headRepo },
    base: { ref: p.base.ref, sha: p.base.sha, repo: p.base.repo.full_name },
    // A deleted fork (head repo null) is still a fork.
    fromFork: headRepo === null || headRepo.toLowerCase() !== p.base.repo.full_name.toLowerCase(),
    labels: p.labels.map((l) => l.name),
    mergeCommitSha: p.merge_commit_sha ?? null,
  };
}
