import { ChecksFailedError, InputError } from '../../errors.ts';
import type {
  CheckAnnotation,
  CheckRun,
  CommitResult,
  FileChange,
  Forge,
  Identity,
  PullRequest,
  StickyComment,
} from '../../forge/port.ts';
import { stickyMarker } from '../../forge/sticky.ts';
import { COMMENT_BUDGET, fitReport, needsOverflow, SUMMARY_BUDGET } from './fit.ts';
import { REPORT_DIR, type ReportModel } from './model.ts';
import type { RenderContext } from './render-context.ts';
import { headline, renderReport } from './render.ts';
import { isDataChart } from './sections/charts.ts';
import { renderSvgChart } from './svg-chart.ts';

export type ChartMode = 'mermaid' | 'svg' | 'both' | 'none';

export interface PublishOptions {
  forge: Forge;
  pr: PullRequest;
  models: readonly ReportModel[];
  /** Bytes of a file under the gitops-ml root (paths as the models give them). */
  readFile: (path: string) => Promise<Uint8Array | undefined>;
  /** Where the gitops-ml root sits in the repository: '' or e.g. 'ml/'. */
  rootPrefix: string;
  links: { repoUrl: string; runUrl?: string; version?: string };
  charts: ChartMode;
  /** Commit files back to the PR branch (never for forks). */
  commitBack: boolean;
  author: Identity;
}

export interface PublishedPipeline {
  pipeline: string;
  comment: StickyComment;
  checkRun: CheckRun;
  /** The comment is the compact form; the full report is in `fullReport` or the job summary. */
  shortened: boolean;
  /** Repository path of the committed full report, when the comment could not hold it. */
  fullReport?: string;
}

export interface PublishResult {
  /** The PR head after commit-back: what the check runs are on. */
  head: string;
  commit: CommitResult | undefined;
  pipelines: PublishedPipeline[];
  /** Every full report, for the job summary. */
  summary: string;
}

/** The check run a pipeline's report goes to; stable, so re-runs replace rather than add. */
export function checkName(pipeline: string): string {
  return `gitops-ml / ${pipeline}`;
}

interface Plan {
  model: ReportModel;
  svg: Map<number, string>;
  overflow: string | undefined;
}

function reportPath(prefix: string, name: string): string {
  return `${prefix}${REPORT_DIR}/${name}`;
}

/** Which charts become committed SVGs, and which reports are too long for a comment. */
function plan(options: PublishOptions, ctx: RenderContext): Plan[] {
  const svgCharts = options.commitBack && (options.charts === 'svg' || options.charts === 'both');
  return options.models.map((model) => {
    const svg = new Map<number, string>();
    if (svgCharts)
      model.charts?.forEach((c, i) => {
        if (isDataChart(c))
          svg.set(i, reportPath(options.rootPrefix, `${model.pipeline}-chart-${i + 1}.svg`));
      });
    const svgFor = options.charts === 'svg' ? (i: number) => svg.get(i) : undefined;
    const overflow =
      options.commitBack && needsOverflow(model, ctx, svgFor)
        ? reportPath(options.rootPrefix, `${model.pipeline}.md`)
        : undefined;
    return { model, svg, overflow };
  });
}

function without(model: ReportModel, charts: ChartMode): ReportModel {
  if (charts !== 'none' || !model.charts) return model;
  const copy = { ...model };
  delete copy.charts;
  return copy;
}

async function changes(options: PublishOptions, plans: readonly Plan[]): Promise<FileChange[]> {
  const files = new Map<string, FileChange>();
  const missing: string[] = [];
  for (const { model, svg, overflow } of plans) {
    for (const path of model.files ?? []) {
      const content = await options.readFile(path);
      if (content === undefined) missing.push(path);
      else files.set(options.rootPrefix + path, { path: options.rootPrefix + path, content });
    }
    for (const [i, path] of svg) {
      const chart = model.charts![i]!;
      if (isDataChart(chart)) files.set(path, { path, content: renderSvgChart(chart) });
    }
    if (overflow) {
      const relativeTo = overflow.slice(0, overflow.lastIndexOf('/'));
      const svgFor = options.charts === 'svg' ? (i: number) => svg.get(i) : undefined;
      const ctx = { ...options.links, relativeTo };
      files.set(overflow, {
        path: overflow,
        content: renderReport(model, ctx, { detail: 'full', ...(svgFor ? { svgFor } : {}) }),
      });
    }
  }
  if (missing.length)
    throw new InputError(`files to commit back are missing: ${missing.join(', ')}`, {
      hint: 'the report model lists files the pipeline did not write; run the pipeline first',
    });
  return [...files.values()];
}

function annotations(model: ReportModel, prefix: string): CheckAnnotation[] {
  return (model.annotations ?? []).map((a) => ({
    path: prefix + a.path,
    startLine: a.line,
    endLine: a.endLine ?? a.line,
    ...(a.column !== undefined ? { startColumn: a.column } : {}),
    ...(a.endColumn !== undefined ? { endColumn: a.endColumn } : {}),
    level: a.level,
    message: a.message,
    ...(a.title ? { title: a.title } : {}),
  }));
}

function commitMessage(models: readonly ReportModel[], pr: PullRequest): string {
  const names = models.map((m) => m.pipeline).join(', ');
  // "[skip ci]": GitHub starts no workflow for a push whose head commit says so, whatever token
  // pushed it; pushes made with GITHUB_TOKEN start none anyway.
  return `gitops-ml: results of ${names} for ${pr.head.sha.slice(0, 7)} [skip ci]\n\nMetrics, lock, run record and model card committed back by gitops-ml report.\n`;
}

/**
 * The report's I/O: commit files back (fast-forward only), then per pipeline a check run on the
 * new head and one sticky comment. Every write is attempted; the first failure is rethrown at
 * the end, so a missing `checks: write` does not also cost the comment.
 */
export async function publishReport(options: PublishOptions): Promise<PublishResult> {
  const { forge, pr } = options;
  if (pr.fromFork)
    throw new ChecksFailedError(`refusing to write to #${pr.number}: it comes from a fork`, {
      hint: 'reports on pull requests from forks go to the job summary only',
    });
  const models = options.models.map((m) => without(m, options.charts));
  const opts = { ...options, models };
  const plans = plan(opts, options.links);
  let commit: CommitResult | undefined;
  if (options.commitBack) {
    const files = await changes(opts, plans);
    if (files.length)
      commit = await forge.commitFiles({
        branch: pr.head.ref,
        message: commitMessage(models, pr),
        files,
        author: options.author,
      });
  }
  const head = commit?.head ?? pr.head.sha;
  const ctx: RenderContext = { ...options.links, sha: head };
  const failures: unknown[] = [];
  const published: PublishedPipeline[] = [];
  const fulls: string[] = [];
  for (const { model, svg, overflow } of plans) {
    const svgFor = options.charts === 'svg' ? (i: number) => svg.get(i) : undefined;
    const full = renderReport(model, ctx, { detail: 'full', ...(svgFor ? { svgFor } : {}) });
    fulls.push(full);
    const link = overflow
      ? `**The full report is too long for a comment**: [${overflow}](${options.links.repoUrl}/blob/${head}/${overflow}).`
      : `**The full report is too long for a comment**: see the job summary${options.links.runUrl ? ` of [the workflow run](${options.links.runUrl})` : ''}.`;
    const marker = stickyMarker('report', model.pipeline);
    const fitted = fitReport(model, ctx, {
      budget: COMMENT_BUDGET - marker.length - 1,
      note: link,
      full,
      ...(svgFor ? { svgFor } : {}),
    });
    const forCheck = fitReport(model, ctx, {
      budget: COMMENT_BUDGET,
      note: link,
      full,
      ...(svgFor ? { svgFor } : {}),
    });
    let checkRun: CheckRun | undefined;
    let comment: StickyComment | undefined;
    try {
      checkRun = await forge.publishCheckRun({
        name: checkName(model.pipeline),
        headSha: head,
        conclusion: model.status,
        title:
          headline(model).replace(/[`*]/g, '').slice(0, 200) ||
          `${model.pipeline}: ${model.status}`,
        summary: forCheck.body,
        annotations: annotations(model, options.rootPrefix),
        ...(options.links.runUrl ? { detailsUrl: options.links.runUrl } : {}),
      });
    } catch (error) {
      failures.push(error);
    }
    try {
      comment = await forge.upsertStickyComment(pr.number, marker, fitted.body);
    } catch (error) {
      failures.push(error);
    }
    if (checkRun && comment)
      published.push({
        pipeline: model.pipeline,
        comment,
        checkRun,
        shortened: fitted.shortened,
        ...(overflow ? { fullReport: overflow } : {}),
      });
  }
  if (failures.length)
    throw failures[0] instanceof Error ? failures[0] : new Error(String(failures[0]));
  return {
    head,
    commit,
    pipelines: published,
    summary: summaryOf(fulls),
  };
}

/** The job summary: every full report, within the 1 MiB a step may write. */
function summaryOf(parts: readonly string[]): string {
  const text = parts.join('\n---\n\n');
  return text.length <= SUMMARY_BUDGET
    ? text
    : `${text.slice(0, text.lastIndexOf('\n', SUMMARY_BUDGET - 200))}\n\n…(cut to fit the 1 MiB job summary)\n`;
}

/** Local mode (no GitHub): the full reports as one Markdown document. */
export function renderLocal(models: readonly ReportModel[], version: string): string {
  return models.map((m) => renderReport(m, { version }, { detail: 'full' })).join('\n---\n\n');
}
