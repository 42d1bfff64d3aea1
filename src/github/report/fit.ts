import type { ReportModel } from './model.ts';
import type { RenderContext } from './render-context.ts';
import { renderReport, type RenderOptions } from './render.ts';

/**
 * GitHub rejects comments over 65,536 characters; we stay under 60,000 (and far under the
 * 262,144-byte limit some report), leaving room for the marker and a note.
 */
export const COMMENT_BUDGET = 60_000;
/** A job summary may hold 1 MiB per step. */
export const SUMMARY_BUDGET = 1024 * 1024 - 1024;

export interface Fitted {
  body: string;
  /** The full report did not fit: the comment is a shortened one that links to the full one. */
  shortened: boolean;
}

function truncate(markdown: string, budget: number, note: string): string {
  const room = budget - note.length - 2;
  const cut = markdown.lastIndexOf('\n', room);
  return `${markdown.slice(0, cut > 0 ? cut : room)}\n\n${note}`;
}

/**
 * The longest form of the report that fits `budget`: full; else compact (fewer rows, no
 * per-dataset details) with a `note` linking to the full report; else also without charts;
 * else cut at a line boundary.
 */
export function fitReport(
  model: ReportModel,
  ctx: RenderContext,
  options: {
    budget: number;
    note: string;
    svgFor?: RenderOptions['svgFor'];
    /** The full report with the same model, ctx and svgFor, when the caller has it already. */
    full?: string;
  },
): Fitted {
  const base = options.svgFor ? { svgFor: options.svgFor } : {};
  const full = options.full ?? renderReport(model, ctx, { ...base, detail: 'full' });
  if (full.length <= options.budget) return { body: full, shortened: false };
  for (const noCharts of [false, true]) {
    const compact = renderReport(model, ctx, {
      ...base,
      detail: 'compact',
      note: options.note,
      noCharts,
    });
    if (compact.length <= options.budget) return { body: compact, shortened: true };
  }
  const smallest = renderReport(model, ctx, { ...base, detail: 'compact', noCharts: true });
  return { body: truncate(smallest, options.budget, options.note), shortened: true };
}

/** Whether the full report is too long for a comment (then it is committed as a file). */
export function needsOverflow(
  model: ReportModel,
  ctx: RenderContext,
  svgFor?: RenderOptions['svgFor'],
): boolean {
  return (
    renderReport(model, ctx, { detail: 'full', ...(svgFor ? { svgFor } : {}) }).length >
    COMMENT_BUDGET
  );
}
