import * as z from 'zod';

/**
 * What a PR report shows, as plain data. Producers (the pipeline runner, the data validation
 * engine) write one `ReportModel` per pipeline to `.gitops-ml/report/<pipeline>.json`; every
 * section is optional and is left out of the report when absent. The data comes from PR code,
 * so it is untrusted: strictly parsed, bounded in size, and escaped when rendered.
 */

const Text = (max: number) => z.string().max(max);
const Name = Text(256);
const RepoFile = Text(1024).regex(/^(?!\/)(?!.*(?:^|\/)\.\.(?:\/|$))[^\0]+$/, {
  error: 'a repository-relative path without ".."',
});
/** A metric value as DVC reads it: a number, occasionally a string; null when missing. */
const MetricValue = z.union([z.number(), Text(200), z.null()]);
const Json: z.ZodType<unknown> = z.json();

export const MetricRow = z.strictObject({
  /** The metrics file, e.g. metrics/penguins.json. */
  file: RepoFile,
  /** The metric's key, nested keys joined by "." as `dvc metrics diff` does. */
  name: Name,
  /** This pull request's value. */
  value: MetricValue,
  /** The value on the base branch; absent when not compared. */
  base: MetricValue.optional(),
  /** The value of the version running in the compared environment. */
  production: MetricValue.optional(),
  goal: z.enum(['maximize', 'minimize']).optional(),
  /** The model's primary metric: shown first, in bold. */
  primary: z.boolean().optional(),
});
export type MetricRow = z.infer<typeof MetricRow>;

export const MetricsSection = z.strictObject({
  /** What "base" is, for column titles: a branch name such as main. */
  baseRef: Name,
  /** The environment and version compared against, when there is one running. */
  production: z.strictObject({ environment: Name, version: Name }).optional(),
  rows: z.array(MetricRow).max(5000),
});
export type MetricsSection = z.infer<typeof MetricsSection>;

export const ParamRow = z.strictObject({
  file: RepoFile,
  name: Name,
  value: Json,
  /** Absent: the param is new in this pull request. */
  base: Json.optional(),
});
export type ParamRow = z.infer<typeof ParamRow>;

export const ParamsSection = z.strictObject({
  baseRef: Name,
  /** Only params whose value differs from the base (producers may include unchanged ones). */
  rows: z.array(ParamRow).max(5000),
});
export type ParamsSection = z.infer<typeof ParamsSection>;

export const ValidationCheck = z.strictObject({
  /** Human name, e.g. "body_mass_g ≤ 7000" or "rows ≥ 300". */
  name: Text(500),
  /** The kind of check: type, nullable, in, min, max, rows, unique, sql, drift, … */
  kind: Name,
  column: Name.optional(),
  passed: z.boolean(),
  severity: z.enum(['error', 'warning']).default('error'),
  /** Rows that failed. */
  failures: z.number().int().nonnegative().optional(),
  message: Text(2000).optional(),
  /** A few offending values, shown in code. */
  sample: z.array(Text(200)).max(20).optional(),
});
export type ValidationCheck = z.infer<typeof ValidationCheck>;

export const DriftResult = z.strictObject({
  column: Name,
  method: Name,
  statistic: z.number(),
  threshold: z.number(),
  drifted: z.boolean(),
});
export type DriftResult = z.infer<typeof DriftResult>;

export const DatasetValidation = z.strictObject({
  name: Name,
  path: RepoFile.optional(),
  rows: z.number().int().nonnegative().optional(),
  checks: z.array(ValidationCheck).max(5000),
  drift: z.array(DriftResult).max(5000).optional(),
});
export type DatasetValidation = z.infer<typeof DatasetValidation>;

export const ValidationSection = z.strictObject({
  datasets: z.array(DatasetValidation).max(500),
});
export type ValidationSection = z.infer<typeof ValidationSection>;

export const GateResult = z.strictObject({
  model: Name,
  metric: Name,
  /** The rule as written, e.g. "min 0.9" or "not worse than production (tolerance 0.01)". */
  rule: Text(500),
  value: MetricValue,
  passed: z.boolean(),
});
export type GateResult = z.infer<typeof GateResult>;

export const GpuDevice = z.strictObject({
  index: z.number().int().nonnegative(),
  name: Name,
  memoryTotalMiB: z.number().nonnegative().optional(),
  utilization: z.strictObject({
    mean: z.number().min(0).max(100),
    max: z.number().min(0).max(100),
  }),
  memoryUsedMiB: z.strictObject({ max: z.number().nonnegative() }).optional(),
  powerW: z.strictObject({ mean: z.number().nonnegative() }).optional(),
  energyWh: z.number().nonnegative().optional(),
});
export type GpuDevice = z.infer<typeof GpuDevice>;

export const GpuSection = z.strictObject({
  /** The runner class from gitops-ml.yaml. */
  runner: Name.optional(),
  durationSeconds: z.number().nonnegative(),
  devices: z.array(GpuDevice).max(64),
});
export type GpuSection = z.infer<typeof GpuSection>;

export const CostSection = z.strictObject({
  currency: z.string().regex(/^[A-Z]{3}$/),
  total: z.number().nonnegative(),
  items: z
    .array(
      z.strictObject({
        label: Text(200),
        amount: z.number().nonnegative(),
        /** How it was computed, e.g. "0.8 h × 2.50/h". */
        basis: Text(200).optional(),
      }),
    )
    .max(50),
  /** What the last run on the base branch cost, for comparison. */
  base: z.number().nonnegative().optional(),
});
export type CostSection = z.infer<typeof CostSection>;

const Point = z.union([z.number(), Text(60)]);

/** A chart from data (rendered as a Mermaid chart or a committed SVG, never an image host). */
export const DataChart = z.strictObject({
  title: Text(200),
  kind: z.enum(['line', 'bar']),
  xLabel: Text(100).optional(),
  yLabel: Text(100).optional(),
  x: z.array(Point).min(1).max(2000),
  series: z
    .array(z.strictObject({ name: Text(100), values: z.array(z.number().nullable()).max(2000) }))
    .min(1)
    .max(12),
});
export type DataChart = z.infer<typeof DataChart>;

/** A chart the pipeline drew itself, as an SVG file committed with the report. */
export const SvgChart = z.strictObject({
  title: Text(200),
  svg: RepoFile.regex(/\.svg$/i, { error: 'must name an .svg file' }),
});
export type SvgChart = z.infer<typeof SvgChart>;

export const Chart = z.union([DataChart, SvgChart]);
export type Chart = z.infer<typeof Chart>;

export const Stage = z.strictObject({
  name: Name,
  status: z.enum(['ran', 'cached', 'skipped', 'failed']),
  durationSeconds: z.number().nonnegative().optional(),
});
export type Stage = z.infer<typeof Stage>;

/** A finding on a line of a spec file, shown as a check run annotation. */
export const ReportAnnotation = z.strictObject({
  path: RepoFile,
  line: z.number().int().min(1),
  endLine: z.number().int().min(1).optional(),
  column: z.number().int().min(1).optional(),
  endColumn: z.number().int().min(1).optional(),
  level: z.enum(['notice', 'warning', 'failure']),
  message: Text(4000),
  title: Text(255).optional(),
});
export type ReportAnnotation = z.infer<typeof ReportAnnotation>;

export const ReportModel = z.strictObject({
  version: z.literal(1),
  /** The pipeline this report is about: one sticky comment and one check run per pipeline. */
  pipeline: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, {
    error: 'a pipeline name: letters, digits, ".", "_", "-"',
  }),
  /** Overall verdict: the check run's conclusion and the comment's headline. */
  status: z.enum(['success', 'failure', 'neutral']),
  /** The commit the results were computed on. */
  commit: z.strictObject({ sha: z.string().regex(/^[0-9a-f]{40}$/) }).optional(),
  run: z
    .strictObject({
      url: z.url().optional(),
      durationSeconds: z.number().nonnegative().optional(),
      stages: z.array(Stage).max(1000).optional(),
    })
    .optional(),
  metrics: MetricsSection.optional(),
  params: ParamsSection.optional(),
  validation: ValidationSection.optional(),
  gates: z.array(GateResult).max(500).optional(),
  gpu: GpuSection.optional(),
  cost: CostSection.optional(),
  charts: z.array(Chart).max(20).optional(),
  annotations: z.array(ReportAnnotation).max(10_000).optional(),
  /** Repository files to commit back to the PR branch: metrics, lock, run record, model card. */
  files: z.array(RepoFile).max(200).optional(),
});
export type ReportModel = z.infer<typeof ReportModel>;
/** What producers write: defaults (like a check's severity) may be left out. */
export type ReportModelInput = z.input<typeof ReportModel>;

/** Where producers put report models, one per pipeline, and where overflow reports are committed. */
export const REPORT_DIR = '.gitops-ml/report';
