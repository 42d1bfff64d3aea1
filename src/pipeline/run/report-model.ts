// What a run tells the PR report: the report model of one pipeline, built from the run record,
// metrics and params at the base, in the workspace and in production, the data checks and the
// plots. Pure: the caller reads files and revisions (report-inputs.ts).

import type {
  Chart,
  DatasetValidation,
  GateResult,
  MetricRow,
  ParamRow,
  ReportAnnotation,
  ReportModelInput,
} from '../../github/report/model.ts';
import { flatten, type DiffResult, type Snapshot } from '../../metrics/diff.ts';
import type { Chart as PlotChart } from '../../metrics/plots/index.ts';
import { isNumeric, isRecord, toNumber, type PyValue } from '../../metrics/pyvalue.ts';
import type { Diagnostic } from '../../diagnostic.ts';
import type { Model } from '../../spec/schema/model.ts';
import { checkLabel } from '../../validation/markdown.ts';
import type { DatasetResult, ValidationReport } from '../../validation/results.ts';
import type { ModelCardInput } from '../../registry/card.ts';
import { evaluateModelGates, type MetricValue, type MetricValues } from '../../registry/gates.ts';
import type { RunRecord } from './record.ts';

export interface ReportInputs {
  record: RunRecord;
  /** The model trained by this pipeline, if one is declared. */
  model?: { name: string; spec: Model } | undefined;
  /** Metrics files of this pipeline, in the workspace. */
  metrics: Snapshot;
  base?: { ref: string; metrics: Snapshot; params: DiffResult } | undefined;
  production?: { environment: string; version: string; metrics: Snapshot } | undefined;
  validation?: ValidationReport | undefined;
  /** Positioned findings of the data checks (from their spec lines). */
  diagnostics?: readonly Diagnostic[];
  /** Plots drawn in this run, with the SVG file written for each. */
  plots?: readonly { path: string; svg: string; chart: PlotChart }[];
  /** Charts made elsewhere (a sweep's metric by trial), shown after the plots. */
  charts?: readonly Chart[];
  /** Files the report commits back: metrics, lock, run record, model card, SVGs. */
  files: readonly string[];
  runUrl?: string | undefined;
}

type Value = MetricValue;
/** Metrics as `file → key → value`. */
type MetricTable = Map<string, Map<string, Value>>;

/** The metrics of the run, the base and production, flattened once. */
interface Tables {
  current: MetricTable;
  base?: MetricTable;
  production?: MetricTable;
}

function tablesOf(inputs: ReportInputs): Tables {
  return {
    current: flatMetrics(inputs.metrics),
    ...(inputs.base && { base: flatMetrics(inputs.base.metrics) }),
    ...(inputs.production && { production: flatMetrics(inputs.production.metrics) }),
  };
}

function metricValue(v: PyValue | undefined): Value {
  if (v === undefined || v === null) return null;
  if (isNumeric(v)) return toNumber(v);
  if (typeof v === 'string') return v.slice(0, 200);
  if (typeof v === 'boolean') return v ? 1 : 0;
  return null;
}

/** Scalar metrics of a snapshot as `file → key → value` (lists and errors left out). */
export function flatMetrics(snapshot: Snapshot | undefined): MetricTable {
  const out = new Map<string, Map<string, Value>>();
  for (const [file, state] of Object.entries(snapshot ?? {})) {
    if (!('data' in state) || !isRecord(state.data)) continue;
    const values = new Map<string, Value>();
    for (const [key, v] of Object.entries(flatten(state.data)))
      if (!Array.isArray(v) && !isRecord(v)) values.set(key, metricValue(v));
    out.set(file, values);
  }
  return out;
}

function goalOf(model: Model | undefined, name: string): MetricRow['goal'] {
  if (!model) return undefined;
  if (name === model.metrics.primary) return model.metrics.goal;
  const tracked = model.metrics.tracked?.[name];
  return tracked ?? undefined;
}

function metricRows(inputs: ReportInputs, { current, base, production }: Tables): MetricRow[] {
  const model = inputs.model?.spec;
  const rows: MetricRow[] = [];
  for (const [file, values] of current) {
    for (const [name, value] of values) {
      const goal = goalOf(model, name);
      rows.push({
        file,
        name,
        value,
        ...(base && { base: base.get(file)?.get(name) ?? null }),
        ...(production && { production: production.get(file)?.get(name) ?? null }),
        ...(goal && { goal }),
        ...(model && model.metrics.primary === name && { primary: true }),
      });
    }
  }
  return rows;
}

function paramRows(diff: DiffResult): ParamRow[] {
  return Object.entries(diff).flatMap(([file, changes]) =>
    Object.entries(changes).map(([name, change]) => {
      const value = plainJson(change.new);
      const base = plainJson(change.old);
      return { file, name, value, ...(base !== null && { base }) };
    }),
  );
}

/** PyValues as plain JSON (Python floats as numbers). */
function plainJson(v: PyValue): unknown {
  if (v === null || v === undefined) return null;
  if (isNumeric(v)) return toNumber(v);
  if (Array.isArray(v)) return v.map(plainJson);
  if (isRecord(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plainJson(x)]));
  return v;
}

function sampleText(v: unknown): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 200 ? `${s.slice(0, 199)}…` : s;
}

export function datasetValidation(d: DatasetResult): DatasetValidation {
  const checks: DatasetValidation['checks'] = d.checks.map((c) => ({
    name: checkLabel(c).slice(0, 500),
    kind: c.check,
    ...(c.columns?.[0] !== undefined && { column: c.columns[0] }),
    passed: c.status === 'pass',
    severity: c.severity === 'warn' ? ('warning' as const) : ('error' as const),
    ...(c.unexpectedCount !== undefined && { failures: c.unexpectedCount }),
    ...(c.status !== 'pass' && { message: c.message.slice(0, 2000) }),
    ...(c.status !== 'pass' &&
      c.sample?.length && { sample: c.sample.slice(0, 20).map(sampleText) }),
  }));
  if (d.error)
    checks.unshift({
      name: 'read the data',
      kind: d.error.kind === 'suite' ? 'suite' : 'read',
      passed: false,
      severity: 'error',
      message: `${d.error.message}${d.error.hint ? `; ${d.error.hint}` : ''}`.slice(0, 2000),
    });
  return {
    name: d.dataset,
    ...(d.source && { path: d.source.path, rows: d.source.rows }),
    checks,
    ...(d.drift && {
      drift: d.drift.columns.map((c) => ({
        column: c.column,
        method: c.method,
        statistic: c.score,
        threshold: c.threshold,
        drifted: c.drifted,
      })),
    }),
  };
}

function annotation(d: Diagnostic): ReportAnnotation {
  const span = d.span ?? { line: 1, col: 1, endLine: 1, endCol: 1 };
  return {
    path: d.file,
    line: span.line,
    endLine: Math.max(span.line, span.endLine),
    // GitHub takes columns only on a one-line annotation.
    ...(span.endLine === span.line && {
      column: span.col,
      endColumn: Math.max(span.col, span.endCol),
    }),
    level: d.severity === 'error' ? 'failure' : 'warning',
    message: d.message.slice(0, 4000),
    title: 'gitops-ml data validation',
  };
}

function reportChart(plot: { path: string; svg: string; chart: PlotChart }): Chart {
  const { chart } = plot;
  const numeric = chart.series.every((s) => s.points.every(([x]) => typeof x === 'number'));
  if ((chart.kind === 'line' || chart.kind === 'bar') && chart.series.length > 0) {
    const xs = [...new Set(chart.series.flatMap((s) => s.points.map(([x]) => x)))];
    if (numeric) xs.sort((a, b) => Number(a) - Number(b));
    if (xs.length > 0 && xs.length <= 2000)
      return {
        title: chart.title.slice(0, 200),
        kind: chart.kind,
        xLabel: chart.xLabel.slice(0, 100),
        yLabel: chart.yLabel.slice(0, 100),
        x: xs.map((x) => (typeof x === 'string' ? x.slice(0, 60) : x)),
        series: chart.series.slice(0, 12).map((s) => {
          const at = new Map(s.points);
          return { name: s.name.slice(0, 100), values: xs.map((x) => at.get(x) ?? null) };
        }),
      };
  }
  return { title: chart.title.slice(0, 200), svg: plot.svg };
}

/** The metrics a model is judged on: its metrics file's, or every file's (first one wins). */
function modelMetrics(table: MetricTable, model: Model): MetricValues {
  const out: Record<string, MetricValue> = {};
  for (const [file, values] of table)
    if (model.metrics.file === undefined || file === model.metrics.file)
      for (const [key, value] of values) if (!(key in out)) out[key] = value;
  return out;
}

/** What `notWorseThan` gates compare with: the base's metrics, and the environment's. */
function baselinesOf(
  inputs: ReportInputs,
  tables: Tables,
  model: Model,
): Record<string, MetricValues> {
  const baselines: Record<string, MetricValues> = {};
  if (tables.base) baselines.base = modelMetrics(tables.base, model);
  if (inputs.production && tables.production)
    baselines[inputs.production.environment] = modelMetrics(tables.production, model);
  return baselines;
}

/** The model card of the model this run trained (written only when the run succeeded). */
export function modelCardInput(inputs: ReportInputs): ModelCardInput | undefined {
  if (!inputs.model || inputs.record.status !== 'succeeded') return undefined;
  const { spec } = inputs.model;
  const tables = tablesOf(inputs);
  const params: Record<string, unknown> = {};
  for (const values of Object.values(inputs.record.params))
    for (const [key, value] of Object.entries(values)) params[key] ??= plainJson(value as PyValue);
  return {
    model: spec,
    metrics: modelMetrics(tables.current, spec),
    params,
    run: inputs.record,
    data: (inputs.validation?.datasets ?? []).map((d) => ({
      name: d.dataset,
      ...(d.source && { path: d.source.path, rows: d.source.rows }),
      passed: d.counts.pass,
      failed: d.counts.fail + d.counts.error,
    })),
    baselines: baselinesOf(inputs, tables, spec),
  };
}

function gateResults(inputs: ReportInputs, tables: Tables): GateResult[] {
  const { name, spec } = inputs.model!;
  const baselines = baselinesOf(inputs, tables, spec);
  return evaluateModelGates(spec, modelMetrics(tables.current, spec), baselines).map((g) => ({
    model: name,
    metric: g.metric,
    rule: [
      g.rule,
      g.environment && `to enter ${g.environment}`,
      g.baseline !== undefined && `vs ${g.baseline}`,
      g.reason,
    ]
      .filter(Boolean)
      .join(' — ')
      .slice(0, 500),
    value: g.value,
    passed: g.status !== 'failed',
  }));
}

/** The report model of one pipeline's run. */
export function buildReportModel(inputs: ReportInputs): ReportModelInput {
  const { record } = inputs;
  const failed = record.status !== 'succeeded';
  const tables = tablesOf(inputs);
  const gates = inputs.model ? gateResults(inputs, tables) : [];
  const checksFailed = (inputs.validation?.datasets ?? []).some(
    (d) => d.status === 'fail' || d.status === 'error',
  );
  const status =
    failed || checksFailed || gates.some((g) => !g.passed) ? 'failure' : ('success' as const);
  const gpuStages = record.stages.filter((s) => s.usage.length > 0);
  const cost = record.cost;
  return {
    version: 1,
    pipeline: record.pipeline,
    status,
    ...(record.git.commit && /^[0-9a-f]{40}$/.test(record.git.commit)
      ? { commit: { sha: record.git.commit } }
      : {}),
    run: {
      ...(inputs.runUrl && { url: inputs.runUrl }),
      durationSeconds: record.seconds,
      stages: record.stages.map((s) => ({
        name: s.stage,
        status:
          s.action === 'ran'
            ? 'ran'
            : s.action === 'restored'
              ? 'cached'
              : s.action === 'skipped' || s.action === 'frozen'
                ? 'skipped'
                : 'failed',
        ...(s.action === 'ran' || s.action === 'failed' ? { durationSeconds: s.seconds } : {}),
      })),
    },
    ...(tables.current.size > 0 && {
      metrics: {
        baseRef: inputs.base?.ref ?? 'HEAD',
        ...(inputs.production && {
          production: {
            environment: inputs.production.environment,
            version: inputs.production.version,
          },
        }),
        rows: metricRows(inputs, tables),
      },
    }),
    ...(inputs.base &&
      Object.keys(inputs.base.params).length > 0 && {
        params: { baseRef: inputs.base.ref, rows: paramRows(inputs.base.params) },
      }),
    ...(inputs.validation &&
      inputs.validation.datasets.length > 0 && {
        validation: { datasets: inputs.validation.datasets.map(datasetValidation) },
      }),
    ...(gates.length > 0 && { gates }),
    ...(gpuStages.length > 0 && {
      gpu: {
        ...(record.runner.class !== null && { runner: record.runner.class }),
        durationSeconds: gpuStages.reduce((s, r) => s + r.seconds, 0),
        devices: gpuStages
          .flatMap((s) => s.usage.map((u) => ({ u, gpu: s.gpus.find((g) => g.uuid === u.uuid) })))
          .map(({ u, gpu }, index) => ({
            index,
            name: gpu?.name ?? u.uuid,
            utilization: { mean: u.utilizationMean ?? 0, max: u.utilizationPeak ?? 0 },
            ...(u.memoryPeakMiB !== null && { memoryUsedMiB: { max: u.memoryPeakMiB } }),
            ...(u.powerMeanW !== null && { powerW: { mean: u.powerMeanW } }),
            energyWh: u.energyWh,
          })),
      },
    }),
    ...(cost.amount !== null && {
      cost: {
        currency: cost.currency,
        total: cost.amount,
        items: [
          { label: 'runner time', amount: cost.runner },
          ...(cost.gpu > 0 ? [{ label: 'GPU time', amount: cost.gpu }] : []),
          ...(cost.energy > 0 ? [{ label: 'energy', amount: cost.energy }] : []),
        ],
      },
    }),
    ...((inputs.plots?.length || inputs.charts?.length) && {
      charts: [...(inputs.plots ?? []).map(reportChart), ...(inputs.charts ?? [])].slice(0, 20),
    }),
    ...(inputs.diagnostics?.length && { annotations: inputs.diagnostics.map(annotation) }),
    files: [...new Set(inputs.files)].sort(),
  };
}
