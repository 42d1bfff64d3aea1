import type { Review } from './port.ts';

export interface ApprovalCheck {
  /** Reviewers whose latest opinion is APPROVED on exactly the head commit. */
  approvedAtHead: string[];
  /** Reviewers whose latest opinion is APPROVED, but on an older commit. */
  stale: string[];
  /** Reviewers whose latest opinion is CHANGES_REQUESTED. */
  changesRequested: string[];
}

/**
 * "Each reviewer's latest review APPROVED on the PR's head SHA": per reviewer, the latest review
 * that states an opinion (COMMENTED and PENDING do not; DISMISSED revokes), approved only when
 * it is APPROVED and its commit is `headSha`. The PR author and, when given, reviewers outside
 * `allowed` never count.
 */
export function checkApprovals(
  reviews: readonly Review[],
  headSha: string,
  options: { author?: string; allowed?: ReadonlySet<string> } = {},
): ApprovalCheck {
  const latest = new Map<string, Review>();
  const allowed = options.allowed && new Set([...options.allowed].map((l) => l.toLowerCase()));
  for (const review of reviews) {
    if (review.state === 'COMMENTED' || review.state === 'PENDING') continue;
    const key = review.reviewer.toLowerCase();
    if (options.author !== undefined && key === options.author.toLowerCase()) continue;
    if (allowed && !allowed.has(key)) continue;
    latest.set(key, review);
  }
  const result: ApprovalCheck = { approvedAtHead: [], stale: [], changesRequested: [] };
  for (const review of latest.values()) {
    if (review.state === 'APPROVED') {
      if (review.commitSha === headSha) result.approvedAtHead.push(review.reviewer);
      else result.stale.push(review.reviewer);
    } else if (review.state === 'CHANGES_REQUESTED') {
      result.changesRequested.push(review.reviewer);
    }
  }
  return result;
}
