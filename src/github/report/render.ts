import type { ReportModel } from './model.ts';
import { code, formatDuration, formatMoney, formatNumber, plural, text } from './markdown.ts';
import type { Detail, RenderContext } from './render-context.ts';
import { renderCharts } from './sections/charts.ts';
import { deltaCell, renderMetrics, renderParams } from './sections/metrics.ts';
import { renderCost, renderGpu, renderStages } from './sections/resources.ts';
import { countValidation, renderGates, renderValidation } from './sections/validation.ts';

const STATUS = { success: '✅', failure: '❌', neutral: '⚪' } as const;

/** One line that says what matters most: the primary metric, checks, gates, time and cost. */
export function headline(model: ReportModel): string {
  const bits: string[] = [];
  const primary = model.metrics?.rows.find((r) => r.primary) ?? model.metrics?.rows[0];
  if (primary && typeof primary.value === 'number') {
    const m = model.metrics!;
    const versus: string[] = [];
    if (typeof primary.base === 'number')
      versus.push(`${deltaCell(primary.value, primary.base, primary.goal)} vs ${text(m.baseRef)}`);
    if (typeof primary.production === 'number' && m.production)
      versus.push(
        `${deltaCell(primary.value, primary.production, primary.goal)} vs ${text(m.production.environment)}`,
      );
    bits.push(
      `${code(primary.name)} ${formatNumber(primary.value)}${versus.length ? ` (${versus.join(', ')})` : ''}`,
    );
  }
  if (model.validation) {
    const n = countValidation(model.validation);
    const total = n.passed + n.failed + n.warnings;
    bits.push(
      n.failed
        ? `${n.failed} of ${total} data checks failed`
        : `${n.passed}/${total} data checks passed`,
    );
  }
  if (model.gates?.length) {
    const failed = model.gates.filter((g) => !g.passed).length;
    bits.push(
      failed ? `${plural(failed, 'gate')} failed` : `${plural(model.gates.length, 'gate')} passed`,
    );
  }
  const seconds = model.gpu?.durationSeconds ?? model.run?.durationSeconds;
  if (seconds !== undefined)
    bits.push(formatDuration(seconds) + (model.gpu?.runner ? ` on ${code(model.gpu.runner)}` : ''));
  if (model.cost) bits.push(formatMoney(model.cost.total, model.cost.currency));
  return bits.join(' · ');
}

function footer(model: ReportModel, ctx: RenderContext): string {
  const bits = [`gitops-ml${ctx.version ? ` ${text(ctx.version)}` : ''}`];
  const runUrl = model.run?.url ?? ctx.runUrl;
  if (runUrl) bits.push(`[workflow run](${runUrl})`);
  if (model.commit) bits.push(`computed on ${code(model.commit.sha.slice(0, 7))}`);
  return `<sub>${bits.join(' · ')}</sub>`;
}

export interface RenderOptions {
  detail: Detail;
  /** Paths of committed SVGs for data charts, by chart index (when charts go out as SVG). */
  svgFor?: (index: number) => string | undefined;
  /** Appended after the sections, before the footer (e.g. "Full report: …"). */
  note?: string;
  /** Leave the charts out (the last thing dropped to fit a comment). */
  noCharts?: boolean;
}

/**
 * The report as GitHub-flavoured Markdown: headline, then each section that is present, in a
 * fixed order. Pure: the same model and context give the same bytes.
 */
export function renderReport(
  model: ReportModel,
  ctx: RenderContext,
  options: RenderOptions,
): string {
  const { detail } = options;
  const sections: string[] = [`### ${STATUS[model.status]} ${code(model.pipeline)}`];
  const line = headline(model);
  if (line) sections.push(line);
  if (model.metrics) sections.push(renderMetrics(model.metrics, detail));
  if (model.params) sections.push(renderParams(model.params, detail));
  if (model.gates) sections.push(renderGates(model.gates));
  if (model.validation) sections.push(renderValidation(model.validation, detail));
  if (model.run?.stages) sections.push(renderStages(model.run.stages, detail));
  if (model.gpu) sections.push(renderGpu(model.gpu));
  if (model.cost) sections.push(renderCost(model.cost));
  if (model.charts && !options.noCharts)
    sections.push(renderCharts(model.charts, ctx, options.svgFor ?? (() => undefined)));
  if (options.note) sections.push(options.note);
  sections.push(footer(model, ctx));
  return sections.filter((s) => s !== '').join('\n\n') + '\n';
}
