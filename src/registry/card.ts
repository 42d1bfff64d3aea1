// The model card a pipeline run commits next to the model: a Hugging Face README.md (YAML front
// matter with `model-index`, then Markdown). Pure and deterministic: the same input gives the
// same bytes, so the card can be committed and diffed (docs/adr/0040-model-cards.md).
import { posix } from 'node:path';
import { stringify, type Tags } from 'yaml';
import {
  code,
  formatDuration,
  formatMoney,
  formatNumber,
  table,
  text,
  type Align,
} from '../github/report/markdown.ts';
import { flatten } from '../metrics/diff.ts';
import { isNumeric, isRecord, pyStr, toNumber, type PyValue } from '../metrics/pyvalue.ts';
import type { Model } from '../spec/schema/model.ts';
import {
  evaluateModelGates,
  metricGoal,
  type GateOutcome,
  type MetricValue,
  type MetricValues,
} from './gates.ts';

/**
 * What the card tells about the run that produced the model. A subset of the run record
 * (src/pipeline/run/record.ts): a `RunRecord` can be passed as it is.
 */
export interface CardRun {
  id?: string;
  /** ISO 8601, shown as given. */
  finishedAt?: string;
  seconds?: number;
  git?: { commit: string | null };
  runner?: { class: string | null };
  gpus?: readonly { name: string }[];
  cost?: { currency: string; amount: number | null };
}

/** One validated dataset, summed up. */
export interface CardDataset {
  name: string;
  path?: string;
  rows?: number;
  passed: number;
  failed: number;
}

export interface ModelCardInput {
  model: Model;
  /** The metrics file's values, flat ("." between nested keys); see `cardMetrics`. */
  metrics: MetricValues;
  /** The registered version (`v1.3.0`), when there is one. */
  version?: string;
  /** Params the run used, flat ("." between nested keys). */
  params?: Readonly<Record<string, unknown>>;
  run?: CardRun;
  data?: readonly CardDataset[];
  /** Values that `notWorseThan` gates compare with, by "base" or environment name. */
  baselines?: Readonly<Record<string, MetricValues>>;
  /** Hugging Face `library_name` (e.g. "sklearn", "transformers"). */
  libraryName?: string;
  /** The `model-index` task; by default the first card tag that names a Hub task, else "other". */
  task?: { type: string; name?: string };
}

/** Hub pipeline tags a card tag may name; the first one found becomes the task. */
const HUB_TASKS = new Set([
  'audio-classification',
  'automatic-speech-recognition',
  'feature-extraction',
  'fill-mask',
  'image-classification',
  'image-segmentation',
  'image-to-text',
  'object-detection',
  'question-answering',
  'summarization',
  'tabular-classification',
  'tabular-regression',
  'text-classification',
  'text-generation',
  'text-to-image',
  'time-series-forecasting',
  'token-classification',
  'translation',
  'zero-shot-classification',
]);

/**
 * Flat card metrics from a parsed metrics file: nested keys joined by "."; ints and floats as
 * numbers; anything else (booleans, lists) as Python prints it.
 */
export function cardMetrics(value: PyValue): Record<string, MetricValue> {
  if (!isRecord(value)) return {};
  const out: Record<string, MetricValue> = {};
  for (const [key, v] of Object.entries(flatten(value)))
    out[key] = isNumeric(v) ? toNumber(v) : typeof v === 'string' || v === null ? v : pyStr(v);
  return out;
}

/**
 * Where the card of a model goes. A file artifact's card is `README.md` in its directory
 * (`models/penguins/model.json` → `models/penguins/README.md`), as a Hub repository has it. A
 * directory artifact is a pipeline output (cached and git-ignored), so its card cannot live
 * inside: it goes beside it as `<dir>.README.md`; so does a file at the repository root, whose
 * directory's README.md is the project's. `directory` says which the artifact is; without it, a
 * path that ends in "/" or whose last part has no "." is taken for a directory.
 */
export function modelCardPath(
  model: Pick<Model, 'artifact'>,
  options: { directory?: boolean } = {},
): string {
  const path = posix.normalize(model.artifact).replace(/\/+$/, '');
  const directory =
    options.directory ?? (model.artifact.endsWith('/') || !posix.basename(path).includes('.'));
  const dir = posix.dirname(path);
  return directory || dir === '.' ? `${path}.README.md` : `${dir}/README.md`;
}

// --- front matter ------------------------------------------------------------------------------

/**
 * Hub tooling reads front matter with PyYAML (YAML 1.1), which takes `1e-7` for a string: floats
 * in exponent form are written with a fraction (`1.0e-7`), which every YAML reads as a float.
 */
const exponentFloat: Tags[number] = {
  identify: (v) => typeof v === 'number' && Number.isFinite(v) && String(v).includes('e'),
  default: true,
  tag: 'tag:yaml.org,2002:float',
  // Without a `test` the tag would only apply where a node names it explicitly.
  test: /^[-+]?(?:\d+\.\d*|\.\d+)e[-+]?\d+$/i,
  resolve: (s: string) => Number(s),
  stringify: ({ value }) => String(value).replace(/^(-?\d+)e/, '$1.0e'),
};

/** Declared metrics first (primary, then tracked in spec order), then the rest by name. */
function orderedMetrics(model: Model, metrics: MetricValues): [string, MetricValue][] {
  const declared = [model.metrics.primary, ...Object.keys(model.metrics.tracked ?? {})];
  const rest = Object.keys(metrics)
    .filter((k) => !declared.includes(k))
    .sort();
  return [...declared, ...rest].map((k) => [k, metrics[k] ?? null]);
}

function titleCase(slug: string): string {
  return slug
    .split(/[-_\s]+/)
    .filter((w) => w !== '')
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join(' ');
}

function frontMatter(input: ModelCardInput, metrics: [string, MetricValue][]): string {
  const { model } = input;
  const card = model.card ?? {};
  const hubTask = card.tags?.find((t) => HUB_TASKS.has(t));
  const taskType = input.task?.type ?? hubTask ?? 'other';
  const dataset = card.datasets?.[0] ?? model.pipeline;
  const tags = [...(card.tags ?? [])];
  if (!tags.includes('gitops-ml')) tags.push('gitops-ml');
  const numeric = metrics.filter(
    (m): m is [string, number] => typeof m[1] === 'number' && Number.isFinite(m[1]),
  );
  const meta = {
    ...(card.language !== undefined ? { language: card.language } : {}),
    ...(card.license !== undefined ? { license: card.license } : {}),
    ...(input.libraryName !== undefined ? { library_name: input.libraryName } : {}),
    ...(hubTask !== undefined ? { pipeline_tag: hubTask } : {}),
    tags,
    ...(card.datasets?.length ? { datasets: card.datasets } : {}),
    metrics: [model.metrics.primary, ...Object.keys(model.metrics.tracked ?? {})],
    'model-index': [
      {
        name: model.name,
        results: [
          {
            task: { type: taskType, name: input.task?.name ?? titleCase(taskType) },
            dataset: { type: dataset, name: dataset },
            metrics: numeric.map(([name, value]) => ({ type: name, value, name })),
          },
        ],
      },
    ],
  };
  const yaml = stringify(meta, {
    version: '1.1',
    lineWidth: 0,
    aliasDuplicateObjects: false,
    customTags: (tags) => [exponentFloat, ...tags],
  });
  return `---\n${yaml}---\n`;
}

// --- body --------------------------------------------------------------------------------------

/** Free text from a spec: paragraphs kept, everything inside escaped. */
function prose(s: string): string {
  return s
    .split(/\r?\n\s*\r?\n/)
    .map((p) => text(p.trim()))
    .filter((p) => p !== '')
    .join('\n\n');
}

function valueCell(v: MetricValue | undefined): string {
  if (v === undefined || v === null) return '—';
  return typeof v === 'number' ? formatNumber(v) : code(v);
}

function bold(s: string, on: boolean): string {
  return on ? `**${s}**` : s;
}

/** "- **Label:** value" lines, for the items that have a value. */
function facts(items: readonly (readonly [string, string | undefined])[]): string {
  return items
    .filter((i): i is readonly [string, string] => i[1] !== undefined)
    .map(([k, v]) => `- **${k}:** ${v}`)
    .join('\n');
}

function overview(input: ModelCardInput): string {
  const { model } = input;
  const items: [string, string | undefined][] = [
    ['Version', input.version !== undefined ? code(input.version) : undefined],
    ['Owners', model.owners.map(text).join(', ')],
    ['Pipeline', code(model.pipeline)],
    ['Artifact', code(model.artifact)],
    ['License', model.card?.license !== undefined ? text(model.card.license) : undefined],
    ['Library', input.libraryName !== undefined ? text(input.libraryName) : undefined],
  ];
  return facts(items);
}

function metricsSection(model: Model, metrics: [string, MetricValue][]): string {
  const rows = metrics.map(([name, value]) => {
    const primary = name === model.metrics.primary;
    const declared = primary || model.metrics.tracked?.[name] !== undefined;
    const goal = declared ? metricGoal(model, name) : '';
    return [bold(code(name), primary), bold(valueCell(value), primary), goal];
  });
  const source = model.metrics.file !== undefined ? `\n\nFrom ${code(model.metrics.file)}.` : '';
  const aligns: Align[] = ['left', 'right', 'left'];
  return `## Evaluation\n\n${table(['Metric', 'Value', 'Goal'], aligns, rows)}${source}`;
}

const STATUS_MARK = { passed: '✅ passed', failed: '❌ failed', skipped: '⚪ skipped' } as const;

function gatesSection(gates: readonly GateOutcome[]): string {
  const scoped = gates.some((g) => g.environment !== undefined);
  const headers = ['', 'Metric', 'Rule', 'Value', 'Note'];
  if (scoped) headers.splice(1, 0, 'Applies to');
  const rows = gates.map((g) => {
    const note = [
      g.baseline !== undefined ? `compared with ${formatNumber(g.baseline)}` : '',
      g.reason ?? '',
    ]
      .filter((s) => s !== '')
      .join('; ');
    const cells = [STATUS_MARK[g.status], code(g.metric), text(g.rule), valueCell(g.value)];
    if (scoped) cells.splice(1, 0, g.environment === undefined ? 'all' : code(g.environment));
    return [...cells, text(note)];
  });
  const aligns = headers.map((h): Align => (h === 'Value' ? 'right' : 'left'));
  return `## Gates\n\n${table(headers, aligns, rows)}`;
}

function dataSection(input: ModelCardInput): string | undefined {
  const named = input.model.card?.datasets ?? [];
  const validated = input.data ?? [];
  if (named.length === 0 && validated.length === 0) return undefined;
  const parts = ['## Training data'];
  if (named.length > 0) parts.push(`Datasets: ${named.map(text).join(', ')}.`);
  if (validated.length > 0) {
    const rows = validated.map((d) => [
      `${code(d.name)}${d.path !== undefined ? ` <sub>${text(d.path)}</sub>` : ''}`,
      d.rows !== undefined ? String(d.rows) : '—',
      `${d.failed > 0 ? '❌' : '✅'} ${d.passed}/${d.passed + d.failed} passed`,
    ]);
    parts.push(
      `Data validation before training:\n\n${table(['Dataset', 'Rows', 'Checks'], ['left', 'right', 'left'], rows)}`,
    );
  }
  return parts.join('\n\n');
}

/** A git object name, or undefined for anything that is not one (it goes into a shell line). */
function commitOf(run: CardRun | undefined): string | undefined {
  const sha = run?.git?.commit;
  return typeof sha === 'string' && /^[0-9a-f]{7,64}$/.test(sha) ? sha : undefined;
}

function gpuList(gpus: readonly { name: string }[]): string {
  const counts = new Map<string, number>();
  for (const g of gpus) counts.set(g.name, (counts.get(g.name) ?? 0) + 1);
  return [...counts].map(([name, n]) => `${n} × ${text(name)}`).join(', ');
}

/** An ISO 8601 time as it is (it holds nothing to escape); anything else escaped. */
function timestamp(s: string): string {
  return /^[0-9]{4}-[0-9]{2}-[0-9]{2}(?:T[0-9:.]+(?:Z|[+-][0-9:]+)?)?$/.test(s) ? s : text(s);
}

function provenance(run: CardRun): string | undefined {
  const sha = commitOf(run);
  const items: [string, string | undefined][] = [
    ['Commit', sha !== undefined ? code(sha) : undefined],
    ['Run', run.id !== undefined ? code(run.id) : undefined],
    ['Finished', run.finishedAt !== undefined ? timestamp(run.finishedAt) : undefined],
    ['Duration', run.seconds !== undefined ? formatDuration(run.seconds) : undefined],
    ['Runner', run.runner?.class != null ? code(run.runner.class) : undefined],
    ['GPUs', run.gpus?.length ? gpuList(run.gpus) : undefined],
    [
      'Cost',
      run.cost?.amount != null ? text(formatMoney(run.cost.amount, run.cost.currency)) : undefined,
    ],
  ];
  const list = facts(items);
  return list === '' ? undefined : `## How it was produced\n\n${list}`;
}

function paramCell(v: unknown): string {
  const s = typeof v === 'string' ? v : (JSON.stringify(v) ?? 'null');
  return code(s.length > 200 ? `${s.slice(0, 199)}…` : s);
}

function paramsSection(params: Readonly<Record<string, unknown>>): string | undefined {
  const keys = Object.keys(params).sort();
  if (keys.length === 0) return undefined;
  const rows = keys.map((k) => [code(k), paramCell(params[k])]);
  return `## Parameters\n\n${table(['Param', 'Value'], ['left', 'left'], rows)}`;
}

function reproduce(model: Model, run: CardRun | undefined): string {
  const sha = commitOf(run);
  const lines = [
    ...(sha !== undefined ? [`git checkout ${sha}`] : []),
    `gitops-ml run ${model.pipeline}`,
  ];
  return `## How to reproduce\n\n\`\`\`sh\n${lines.join('\n')}\n\`\`\``;
}

/** The card: README.md text, Hugging Face front matter then Markdown, ending in a newline. */
export function renderModelCard(input: ModelCardInput): string {
  const { model } = input;
  const card = model.card ?? {};
  const metrics = orderedMetrics(model, input.metrics);
  const gates = evaluateModelGates(model, input.metrics, input.baselines);
  const sections: (string | undefined)[] = [
    `# ${text(model.name)}`,
    '<!-- Written by gitops-ml from the model spec and the run that produced the model. -->',
    model.description !== undefined ? prose(model.description) : undefined,
    overview(input),
    card.intendedUse !== undefined ? `## Intended use\n\n${prose(card.intendedUse)}` : undefined,
    card.limitations !== undefined ? `## Limitations\n\n${prose(card.limitations)}` : undefined,
    card.ethicalConsiderations !== undefined
      ? `## Ethical considerations\n\n${prose(card.ethicalConsiderations)}`
      : undefined,
    metricsSection(model, metrics),
    gates.length > 0 ? gatesSection(gates) : undefined,
    dataSection(input),
    input.run !== undefined ? provenance(input.run) : undefined,
    input.params !== undefined ? paramsSection(input.params) : undefined,
    reproduce(model, input.run),
  ];
  const body = sections.filter((s): s is string => s !== undefined && s !== '').join('\n\n');
  return `${frontMatter(input, metrics)}\n${body}\n`;
}
