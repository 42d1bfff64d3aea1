import { relative, resolve } from 'node:path';
import { formatLocation, type Diagnostic } from '../diagnostic.ts';
import type { Style } from './io.ts';

/** `file:line:col: error: message`, with the source line underneath when we have it. */
export function renderDiagnostic(d: Diagnostic, s: Style, text: string | undefined): string {
  const label = d.severity === 'error' ? s.red('error') : s.yellow('warning');
  const head = `${s.bold(formatLocation(d))}: ${label}: ${d.message}`;
  if (!d.span || text === undefined) return head;
  const line = text.split('\n')[d.span.line - 1];
  if (line === undefined || line.trim() === '') return head;
  const number = String(d.span.line);
  const gutter = ' '.repeat(number.length);
  const width =
    d.span.endLine === d.span.line
      ? Math.max(1, d.span.endCol - d.span.col)
      : Math.max(1, line.length - d.span.col + 1);
  const shown = line.replace(/\t/g, ' ').trimEnd();
  const marker =
    ' '.repeat(d.span.col - 1) +
    '^'.repeat(Math.min(width, Math.max(1, shown.length - d.span.col + 1)));
  return `${head}\n ${s.dim(number + ' |')} ${shown}\n ${s.dim(gutter + ' |')} ${s.red(marker)}`;
}

function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/**
 * A GitHub Actions workflow command that annotates the file. `root` is where the diagnostic's
 * paths start; annotations need paths relative to the workspace.
 */
export function annotation(d: Diagnostic, root: string, workspace: string, title: string): string {
  const file = relative(workspace, resolve(root, d.file)).split('\\').join('/');
  const props = [`file=${escapeProperty(file)}`];
  if (d.span) {
    props.push(`line=${d.span.line}`, `endLine=${d.span.endLine}`);
    if (d.span.line === d.span.endLine)
      props.push(`col=${d.span.col}`, `endColumn=${d.span.endCol}`);
  }
  props.push(`title=${escapeProperty(title)}`);
  return `::${d.severity === 'error' ? 'error' : 'warning'} ${props.join(',')}::${escapeData(d.message)}`;
}

/** A Markdown table of diagnostics, for job summaries and PR comments. */
export function diagnosticsMarkdown(diagnostics: readonly Diagnostic[], limit = 50): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const rows = diagnostics
    .slice(0, limit)
    .map((d) => `| ${d.severity} | \`${cell(formatLocation(d))}\` | ${cell(d.message)} |`);
  const more = diagnostics.length > limit ? `\n\n…and ${diagnostics.length - limit} more.` : '';
  return ['| | Where | Problem |', '|---|---|---|', ...rows].join('\n') + more;
}
