import { describe, expect, it } from 'vitest';
import { checkApprovals } from './approvals.ts';
import { batches } from './batches.ts';
import { botBranch } from './bot-branch.ts';
import { decideForkRun, type ForkRunInput } from './fork-policy.ts';
import type { Review } from './port.ts';
import { chooseSticky, stickyMarker, withMarker } from './sticky.ts';

const head = 'a'.repeat(40);
const input = (over: Partial<ForkRunInput> = {}): ForkRunInput => ({
  fromFork: true,
  runner: 'self-hosted',
  label: 'safe-to-run',
  eventHeadSha: head,
  current: { headSha: head, labels: ['safe-to-run'] },
  labelEvents: [
    { label: 'safe-to-run', action: 'labeled', actor: 'maintainer', at: '2026-11-25T10:00:05Z' },
  ],
  headSeenAt: '2026-11-25T10:00:00Z',
  ...over,
});

describe('decideForkRun', () => {
  it('lets same-repository PRs and GitHub-hosted runners through', () => {
    expect(
      decideForkRun(input({ fromFork: false, current: { headSha: 'b', labels: [] } })).allowed,
    ).toBe(true);
    expect(
      decideForkRun(input({ runner: 'github-hosted', current: { headSha: head, labels: [] } }))
        .allowed,
    ).toBe(true);
  });

  it('allows a fork on a self-hosted runner when the label came after the push', () => {
    expect(decideForkRun(input())).toEqual({
      allowed: true,
      reason:
        'maintainer applied "safe-to-run" at 2026-11-25T10:00:05Z, after the latest push at 2026-11-25T10:00:00Z',
    });
  });

  it.each<[string, Partial<ForkRunInput>, string]>([
    [
      'no label',
      { current: { headSha: head, labels: [] } },
      'a pull request from a fork runs on a self-hosted runner only with the "safe-to-run" label',
    ],
    [
      'label before the push',
      { headSeenAt: '2026-11-25T10:00:05Z' },
      '"safe-to-run" was applied at 2026-11-25T10:00:05Z, before the latest push at 2026-11-25T10:00:05Z',
    ],
    [
      'head moved since the event',
      { current: { headSha: 'b'.repeat(40), labels: ['safe-to-run'] } },
      'the pull request was pushed to after this run was triggered',
    ],
    [
      'push time unknown',
      { headSeenAt: undefined },
      'cannot tell when the latest commit was pushed',
    ],
    [
      'removed and not re-applied',
      {
        labelEvents: [
          ...input().labelEvents,
          { label: 'safe-to-run', action: 'unlabeled', actor: 'm', at: '2026-11-25T10:00:09Z' },
        ],
      },
      'no record of who applied "safe-to-run"',
    ],
  ])('refuses: %s', (_what, over, reason) => {
    const decision = decideForkRun(input(over));
    expect(decision).toMatchObject({ allowed: false, reason });
  });
});

describe('approvals at the head commit', () => {
  const review = (
    reviewer: string,
    state: Review['state'],
    commitSha: string | null = head,
  ): Review => ({
    id: 0,
    reviewer,
    state,
    commitSha,
    submittedAt: null,
    authorAssociation: 'MEMBER',
  });

  it("takes each reviewer's latest opinion; COMMENTED keeps, DISMISSED revokes", () => {
    const reviews = [
      review('ann', 'APPROVED'),
      review('ann', 'COMMENTED'),
      review('bob', 'APPROVED'),
      review('bob', 'DISMISSED'),
      review('cy', 'CHANGES_REQUESTED'),
      review('cy', 'APPROVED', 'c'.repeat(40)),
      review('dee', 'APPROVED', null),
      review('author', 'APPROVED'),
    ];
    expect(checkApprovals(reviews, head, { author: 'AUTHOR' })).toEqual({
      approvedAtHead: ['ann'],
      stale: ['cy', 'dee'],
      changesRequested: [],
    });
    expect(checkApprovals(reviews, head, { allowed: new Set(['cy']) })).toEqual({
      approvedAtHead: [],
      stale: ['cy'],
      changesRequested: [],
    });
  });
});

describe('sticky comments and batches', () => {
  it('marks, finds the oldest marked comment, and lists the rest as duplicates', () => {
    const marker = stickyMarker('report', 'penguins <x>');
    expect(marker).toBe('<!-- gitops-ml:report:penguins__x_ -->');
    expect(withMarker(marker, 'body')).toBe(`${marker}\nbody`);
    const found = chooseSticky(
      [
        { id: 9, body: `${marker}\nb` },
        { id: 3, body: 'unrelated' },
        { id: 5, body: `${marker}\na` },
        { id: 7, body: `quoted ${marker}` },
      ],
      marker,
    );
    expect(found.keep?.id).toBe(5);
    expect(found.duplicates.map((c) => c.id)).toEqual([9]);
  });

  it('splits into batches of 50', () => {
    expect(
      batches(
        Array.from({ length: 120 }, (_, i) => i),
        50,
      ).map((b) => b.length),
    ).toEqual([50, 50, 20]);
    expect(batches([], 50)).toEqual([]);
  });
});

describe('bot branches', () => {
  it('are deterministic and valid git ref names', () => {
    expect(botBranch('promote', 'penguins-classifier', 'production')).toBe(
      'gitops-ml/promote/penguins-classifier--production',
    );
    expect(botBranch('retrain', '@acme/model x', '..env.lock')).toBe(
      'gitops-ml/retrain/acme-model-x--env-lock',
    );
  });
});
