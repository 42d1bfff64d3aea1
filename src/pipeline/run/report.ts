import type { GpuUsage } from '../gpu/stats.ts';
import type { Cost } from '../cost.ts';

export type StageAction =
  'ran' | 'skipped' | 'restored' | 'frozen' | 'failed' | 'interrupted' | 'would-run' | 'blocked';

/**
 * Why a stage did not complete, which decides the exit code: its own command (1), a data check
 * (1), missing input (2), or the runner (3: no GPU, killed by the system, interrupted).
 */
export type FailureKind = 'command' | 'checks' | 'input' | 'infrastructure' | 'interrupted';

export const exitCodeFor: Record<FailureKind, 1 | 2 | 3> = {
  command: 1,
  checks: 1,
  input: 2,
  infrastructure: 3,
  interrupted: 3,
};

/** What happened to one stage in a run. */
export interface StageReport {
  pipeline: string;
  stage: string;
  action: StageAction;
  /** Why it ran (or would run). */
  reasons: string[];
  seconds: number;
  exitCode?: number | null;
  /** The last lines of output of a failed stage. */
  tail?: string[];
  /** Why a stage failed or was blocked, in a sentence. */
  error?: string;
  failure?: FailureKind;
  gpus: { uuid: string; name: string }[];
  /** The NVIDIA driver version nvidia-smi reported, when the stage had GPUs. */
  nvidiaDriver?: string;
  usage: GpuUsage[];
  cost: Cost;
  runner: string | null;
  /** Attempts made (more than 1 after an infrastructure retry). */
  attempts: number;
  /** Set on the data validation step of a dataset (named `validate@<dataset>`). */
  dataset?: string;
}

export type RunStatus = 'succeeded' | 'failed' | 'interrupted' | 'planned';

/** Callbacks the runner reports progress through; the CLI prints them. */
export interface RunLog {
  stageStart(pipeline: string, stage: string, reasons: readonly string[]): void;
  output(chunk: string): void;
  stageEnd(report: StageReport): void;
  note(message: string): void;
}

/** The pipelines a stage ran in (or failed or was interrupted in): those a run leaves results for. */
export function pipelinesRun(stages: readonly StageReport[]): string[] {
  const actions: readonly StageAction[] = ['ran', 'failed', 'interrupted'];
  return [
    ...new Set(stages.filter((s) => actions.includes(s.action)).map((s) => s.pipeline)),
  ].sort();
}
