import { ChecksFailedError } from '../errors.ts';
import { decideForkRun, type ForkRunDecision } from '../forge/fork-policy.ts';
import type { Forge } from '../forge/port.ts';
import type { ActionContext } from './context.ts';

/**
 * The runtime half of the fork rule (DESIGN.md §7): decide from the event and, for a fork PR on
 * a self-hosted runner, from GitHub's record of labels and pushes. Throws when refused.
 */
export async function enforceForkPolicy(
  ctx: ActionContext,
  forge: Forge | undefined,
  label: string,
): Promise<ForkRunDecision> {
  const pr = ctx.pullRequest;
  if (!pr) return { allowed: true, reason: 'not a pull request event' };
  const quick = decideForkRun({
    fromFork: pr.fromFork,
    runner: ctx.runner,
    label,
    eventHeadSha: pr.head.sha,
    current: { headSha: pr.head.sha, labels: pr.labels },
    labelEvents: [],
    headSeenAt: undefined,
  });
  if (quick.allowed || !pr.fromFork || ctx.runner !== 'self-hosted') return settle(quick);
  if (!forge)
    return settle({
      allowed: false,
      reason:
        'a pull request from a fork on a self-hosted runner, and no token to check its opt-in label',
      hint: 'pass github-token so gitops-ml can check who applied the label and when',
    });
  const [current, events] = await Promise.all([
    forge.getPullRequest(pr.number),
    forge.listLabelEvents(pr.number),
  ]);
  const decision = decideForkRun({
    fromFork: true,
    runner: ctx.runner,
    label,
    eventHeadSha: pr.head.sha,
    current: { headSha: current.head.sha, labels: current.labels },
    labelEvents: events,
    headSeenAt: await forge.firstSeenAt(current.head.sha),
  });
  return settle(decision);
}

function settle(decision: ForkRunDecision): ForkRunDecision {
  if (decision.allowed) return decision;
  throw new ChecksFailedError(`refusing to run: ${decision.reason}`, { hint: decision.hint });
}
