import type { LabelEvent } from './port.ts';

export interface ForkRunInput {
  fromFork: boolean;
  runner: 'github-hosted' | 'self-hosted';
  /** The opt-in label (forge.forks.label in gitops-ml.yaml). */
  label: string;
  /** The head commit this job was started for (from the event payload). */
  eventHeadSha: string;
  /** The pull request as GitHub has it now. */
  current: { headSha: string; labels: readonly string[] };
  labelEvents: readonly LabelEvent[];
  /** When GitHub first saw the current head (its push); undefined when unknown. */
  headSeenAt: string | undefined;
}

export type ForkRunDecision =
  { allowed: true; reason: string } | { allowed: false; reason: string; hint: string };

/**
 * May this job run a pull request's code? Same-repository PRs: yes. Fork PRs on GitHub-hosted
 * runners: yes (a fresh VM, a read-only token, no secrets: GitHub's own sandbox). Fork PRs on a
 * self-hosted runner: only when a maintainer applied the opt-in label after the latest push, on
 * exactly the head this job was started for. Anything unknown refuses.
 */
export function decideForkRun(input: ForkRunInput): ForkRunDecision {
  if (!input.fromFork) return { allowed: true, reason: 'the pull request is from this repository' };
  if (input.runner === 'github-hosted')
    return { allowed: true, reason: 'a fork pull request on a GitHub-hosted runner' };
  const hint = `a maintainer can review the latest push and then apply the "${input.label}" label; it counts only for the head it was applied to`;
  const refuse = (reason: string): ForkRunDecision => ({ allowed: false, reason, hint });
  if (input.current.headSha !== input.eventHeadSha)
    return refuse('the pull request was pushed to after this run was triggered');
  const wanted = input.label.toLowerCase();
  if (!input.current.labels.some((l) => l.toLowerCase() === wanted))
    return refuse(
      `a pull request from a fork runs on a self-hosted runner only with the "${input.label}" label`,
    );
  const last = input.labelEvents.filter((e) => e.label.toLowerCase() === wanted).at(-1);
  if (!last || last.action !== 'labeled')
    return refuse(`no record of who applied "${input.label}"`);
  if (input.headSeenAt === undefined)
    return refuse('cannot tell when the latest commit was pushed');
  if (Date.parse(last.at) <= Date.parse(input.headSeenAt))
    return refuse(
      `"${input.label}" was applied at ${last.at}, before the latest push at ${input.headSeenAt}`,
    );
  return {
    allowed: true,
    reason: `${last.actor} applied "${input.label}" at ${last.at}, after the latest push at ${input.headSeenAt}`,
  };
}
