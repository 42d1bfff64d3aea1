import { describe, expect, it } from 'vitest';
import { ReportModel } from '../../github/report/model.ts';
import type { Snapshot } from '../../metrics/diff.ts';
import { PyFloat } from '../../python.ts';
import type { Model } from '../../spec/schema/model.ts';
import type { DatasetResult } from '../../validation/results.ts';
import { costOf } from '../cost.ts';
import type { RunRecord } from './record.ts';
import { buildReportModel, modelCardInput, type ReportInputs } from './report-model.ts';

const model = {
  name: 'clf',
  pipeline: 'p',
  artifact: 'models/clf/model.json',
  owners: ['@acme/ml'],
  metrics: {
    file: 'metrics.json',
    primary: 'accuracy',
    goal: 'maximize',
    tracked: { loss: 'minimize' },
  },
  gates: [
    { metric: 'accuracy', min: 0.9 },
    { metric: 'accuracy', notWorseThan: 'production', tolerance: 0.01 },
  ],
  environments: { production: {} },
} satisfies Model;

function record(status: RunRecord['status'] = 'succeeded'): RunRecord {
  const stage = (name: string, action: 'ran' | 'skipped' | 'restored') => ({
    pipeline: 'p',
    stage: name,
    action,
    reasons: [],
    seconds: action === 'ran' ? 12.5 : 0,
    gpus: [],
    usage: [],
    cost: costOf({ seconds: 12.5, gpus: 0, energyWh: null }, { price: { hour: 3.6 } } as never),
    runner: null,
    attempts: 1,
  });
  return {
    schema: 'gitops-ml/run/1',
    id: 'r',
    pipeline: 'p',
    status,
    startedAt: '2026-11-25T00:00:00.000Z',
    finishedAt: '2026-11-25T00:00:13.000Z',
    seconds: 13,
    git: { commit: 'a'.repeat(40), branch: 'tune', dirty: true },
    spec: { file: 'pipelines/p.yaml', sha256: 'x' },
    params: { 'params.yaml': { 'train.lr': new PyFloat(0.1) } },
    data: { deps: [], outs: [] },
    tools: { gitopsMl: '0', node: 'v20', git: null, nvidiaDriver: null, os: 'linux', arch: 'x64' },
    runner: { name: 'h', class: 'cpu', labels: null, cpus: 2, memoryBytes: 1 },
    gpus: [],
    stages: [stage('prepare', 'restored'), stage('train', 'ran')],
    validation: [],
    cost: { currency: 'USD', amount: 0.0125, runner: 0.0125, gpu: 0, energy: 0 },
  };
}

const metrics = (accuracy: number, loss = 0.1): Snapshot => ({
  'metrics.json': { data: { accuracy, loss, per_class: { a: 1 }, confusion: [[1]] } },
});

function inputs(overrides: Partial<ReportInputs> = {}): ReportInputs {
  return {
    record: record(),
    model: { name: 'clf', spec: model },
    metrics: metrics(0.95),
    base: {
      ref: 'main',
      metrics: metrics(0.93, 0.2),
      params: { 'params.yaml': { 'train.lr': { old: 0.5, new: new PyFloat(0.1), diff: -0.4 } } },
    },
    files: ['metrics.json', 'pipelines/p.lock'],
    ...overrides,
  };
}

describe('buildReportModel', () => {
  it('compares metrics and params with the base and production, primary first-class', () => {
    const report = ReportModel.parse(
      buildReportModel(
        inputs({
          production: { environment: 'production', version: 'v1.2.0', metrics: metrics(0.97) },
        }),
      ),
    );
    expect(report.metrics?.production).toEqual({ environment: 'production', version: 'v1.2.0' });
    expect(report.metrics?.rows).toEqual([
      {
        file: 'metrics.json',
        name: 'accuracy',
        value: 0.95,
        base: 0.93,
        production: 0.97,
        goal: 'maximize',
        primary: true,
      },
      {
        file: 'metrics.json',
        name: 'loss',
        value: 0.1,
        base: 0.2,
        production: 0.1,
        goal: 'minimize',
      },
      { file: 'metrics.json', name: 'per_class.a', value: 1, base: 1, production: 1 },
    ]);
    expect(report.params?.rows).toEqual([
      { file: 'params.yaml', name: 'train.lr', value: 0.1, base: 0.5 },
    ]);
    // 0.95 is more than 0.01 below production's 0.97: the gate fails, and so does the report.
    expect(report.gates?.map((g) => g.passed)).toEqual([true, false]);
    expect(report.status).toBe('failure');
    expect(report.run?.stages).toEqual([
      { name: 'prepare', status: 'cached' },
      { name: 'train', status: 'ran', durationSeconds: 12.5 },
    ]);
    expect(report.cost).toEqual({
      currency: 'USD',
      total: 0.0125,
      items: [{ label: 'runner time', amount: 0.0125 }],
    });
  });

  it('passes a "not worse than production" gate when nothing is deployed', () => {
    const report = buildReportModel(inputs());
    expect(report.status).toBe('success');
    expect(report.gates?.[1]).toMatchObject({ passed: true });
    expect(report.gates?.[1]?.rule).toContain('no production value to compare with');
  });

  it('reports data that could not be read as a failed check, and fails', () => {
    const unread: DatasetResult = {
      pipeline: 'p',
      dataset: 'raw',
      suite: 0,
      specFile: 'pipelines/p.yaml',
      status: 'error',
      checks: [],
      queries: 0,
      error: {
        kind: 'missing',
        message: 'data/raw.csv does not exist',
        hint: 'run gitops-ml data pull',
      },
      counts: { pass: 0, fail: 0, warn: 0, error: 0 },
    };
    const report = buildReportModel(
      inputs({ validation: { pipeline: 'p', status: 'error', datasets: [unread] } }),
    );
    expect(report.status).toBe('failure');
    expect(report.validation?.datasets[0]?.checks).toEqual([
      {
        name: 'read the data',
        kind: 'read',
        passed: false,
        severity: 'error',
        message: 'data/raw.csv does not exist; run gitops-ml data pull',
      },
    ]);
  });

  it('turns a line plot into a data chart and a confusion matrix into its committed SVG', () => {
    const report = ReportModel.parse(
      buildReportModel(
        inputs({
          plots: [
            {
              path: 'plots/loss.csv',
              svg: 'plots/loss.svg',
              chart: {
                kind: 'line',
                title: 'loss',
                xLabel: 'epoch',
                yLabel: 'loss',
                series: [
                  {
                    name: 'loss',
                    points: [
                      [2, 0.5],
                      [1, 0.9],
                    ],
                  },
                ],
              },
            },
            {
              path: 'plots/cm.csv',
              svg: 'plots/cm.svg',
              chart: { kind: 'confusion', title: 'cm', xLabel: 'a', yLabel: 'p', series: [] },
            },
          ],
        }),
      ),
    );
    expect(report.charts).toEqual([
      {
        title: 'loss',
        kind: 'line',
        xLabel: 'epoch',
        yLabel: 'loss',
        x: [1, 2],
        series: [{ name: 'loss', values: [0.9, 0.5] }],
      },
      { title: 'cm', svg: 'plots/cm.svg' },
    ]);
  });
});

describe('modelCardInput', () => {
  it('is made only for a successful run, with plain params', () => {
    expect(modelCardInput(inputs({ record: record('failed') }))).toBeUndefined();
    const card = modelCardInput(inputs());
    expect(card?.params).toEqual({ 'train.lr': 0.1 });
    expect(card?.metrics).toMatchObject({ accuracy: 0.95, loss: 0.1 });
    expect(card?.baselines).toEqual({ base: { accuracy: 0.93, loss: 0.2, 'per_class.a': 1 } });
  });
});
