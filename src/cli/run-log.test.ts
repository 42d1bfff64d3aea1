import { describe, expect, it } from 'vitest';
import type { StageReport } from '../pipeline/run/report.ts';
import { runMarkdown } from './run-log.ts';

function stage(name: string, action: StageReport['action'], extra: Partial<StageReport> = {}) {
  const report: StageReport = {
    pipeline: 'p',
    stage: name,
    action,
    reasons: [],
    seconds: 0,
    gpus: [],
    usage: [],
    cost: { amount: null, currency: 'USD', runner: 0, gpu: 0, energy: 0 },
    runner: null,
    attempts: 1,
    ...extra,
  };
  return report;
}

describe('the run as a job-summary table', () => {
  it('shows what happened to each stage, and marks only failures as failures', () => {
    const rows = runMarkdown([
      stage('a', 'ran', { seconds: 4.25 }),
      stage('b', 'skipped'),
      stage('c', 'restored'),
      stage('d', 'frozen'),
      stage('e', 'would-run'),
      stage('f', 'failed', { error: 'exit code 4' }),
    ])
      .split('\n')
      .filter((l) => l.startsWith('| p:'));
    expect(rows.map((l) => l.split(' | ')[1])).toEqual([
      '✅ ran',
      'up to date',
      'restored',
      'frozen',
      'would run',
      '❌ failed: exit code 4',
    ]);
  });
});
