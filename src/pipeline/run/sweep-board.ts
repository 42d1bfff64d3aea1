import { sumCosts, type Cost } from '../cost.ts';
import { leaderboard, type TrialResult } from '../sweep.ts';
import type { StageAction } from './report.ts';
import type { SweepPlan } from './sweep-plan.ts';

/** One trial as the leaderboard records it. */
export interface SweepTrial extends TrialResult {
  id: string;
  /** The trial's exit code as a run's: 0 ok, 1 its command failed or no metric, 2 bad input, 3 runner. */
  exitCode: 0 | 1 | 2 | 3;
  /** Why it failed, in a sentence. */
  error?: string;
  /** What happened to each stage: `train: ran`, `prepare: skipped`. */
  stages: Record<string, StageAction>;
  seconds: number;
  cost: Cost;
  /** Its run record, repository-relative. */
  record: string;
}

/**
 * `succeeded`: every trial ran; `partial`: some failed, the best of the rest was applied;
 * `failed`: none succeeded; `interrupted`: stopped by a signal, nothing applied.
 */
export type SweepStatus = 'succeeded' | 'partial' | 'failed' | 'interrupted';

/** The leaderboard file (`<pipeline>.sweep/leaderboard.json`): trials best first. */
export interface Leaderboard {
  schema: 'gitops-ml/sweep/1';
  pipeline: string;
  method: 'grid' | 'random';
  seed: number | null;
  status: SweepStatus;
  metric: { name: string; goal: 'maximize' | 'minimize'; files: string[] };
  paramsFile: string;
  /** The best trial's id, or null when no trial produced the metric. */
  best: string | null;
  /** Whether the best trial's params, lock entries and outputs are now in the workspace. */
  applied: boolean;
  trials: (SweepTrial & { rank: number })[];
  cost: Cost;
}

export function sweepStatus(trials: readonly SweepTrial[], interrupted: boolean): SweepStatus {
  if (interrupted) return 'interrupted';
  const ok = trials.filter((t) => t.status === 'ok').length;
  return ok === trials.length ? 'succeeded' : ok > 0 ? 'partial' : 'failed';
}

/** The worst trial's exit code (3 when interrupted), so a failed trial never goes unnoticed. */
export function sweepExitCode(board: Pick<Leaderboard, 'status' | 'trials'>): 0 | 1 | 2 | 3 {
  if (board.status === 'interrupted') return 3;
  return board.trials.reduce<0 | 1 | 2 | 3>(
    (worst, t) => (t.exitCode > worst ? t.exitCode : worst),
    0,
  );
}

export function buildLeaderboard(
  plan: SweepPlan,
  trials: readonly SweepTrial[],
  status: SweepStatus,
  applied: boolean,
  currency: string,
): Leaderboard {
  const ranked = leaderboard(trials, plan.objective.goal).map((t, i) => ({ rank: i + 1, ...t }));
  const first = ranked[0];
  return {
    schema: 'gitops-ml/sweep/1',
    pipeline: plan.pipeline.name,
    method: plan.sweep.method,
    seed: plan.sweep.method === 'random' ? (plan.sweep.seed ?? 0) : null,
    status,
    metric: { name: plan.objective.metric, goal: plan.objective.goal, files: plan.objective.files },
    paramsFile: plan.paramsFile,
    best: first?.status === 'ok' && first.metric !== null ? first.id : null,
    applied,
    trials: ranked,
    cost: sumCosts(
      trials.map((t) => t.cost),
      currency,
    ),
  };
}

/** The leaderboard as table rows (header first): rank, trial, each swept param, the metric, status. */
export function leaderboardRows(board: Leaderboard): string[][] {
  const names = [...new Set(board.trials.flatMap((t) => Object.keys(t.params)))];
  return [
    ['rank', 'trial', ...names, board.metric.name, 'status'],
    ...board.trials.map((t) => [
      String(t.rank),
      t.id,
      ...names.map((n) => (n in t.params ? String(t.params[n]) : '')),
      t.metric === null ? '-' : String(t.metric),
      t.status === 'failed'
        ? `failed: ${t.error ?? 'unknown'}`
        : t.id !== board.best
          ? 'ok'
          : board.applied
            ? 'best, applied'
            : 'best',
    ]),
  ];
}
