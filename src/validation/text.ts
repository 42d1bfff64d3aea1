// Validation results for a terminal or a CI log (stderr), and as positioned diagnostics for
// annotations on the spec line of each check that did not pass.

import type { Diagnostic } from '../diagnostic.ts';
import { formatLocation } from '../diagnostic.ts';
import { diagnosticAt } from '../spec/findings.ts';
import type { YamlSource } from '../spec/yaml-source.ts';
import type { Style } from '../cli/io.ts';
import { formatScore } from './drift/result.ts';
import { checkLabel } from './markdown.ts';
import type { CheckResult, DatasetResult, ValidationReport } from './results.ts';

/** The spec position of a check, as a diagnostic (warnings for warn, errors otherwise). */
export function checkDiagnostic(source: YamlSource, d: DatasetResult, c: CheckResult): Diagnostic {
  return diagnosticAt(
    source,
    c.specPath,
    `${d.dataset}: ${checkLabel(c)}: ${c.message}`,
    `data-${c.check}`,
    {
      at: c.check === 'exists' || c.check === 'drift' ? 'key' : 'value',
      severity: c.status === 'warn' ? 'warning' : 'error',
    },
  );
}

/** Diagnostics for every check that did not pass, and for datasets that could not be read. */
export function resultDiagnostics(
  source: YamlSource,
  reports: readonly ValidationReport[],
): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const d of reports.flatMap((r) => r.datasets)) {
    if (d.error) {
      out.push(
        diagnosticAt(
          source,
          ['validation', d.suite, 'dataset'],
          `${d.dataset}: ${d.error.message}${d.error.hint ? `; ${d.error.hint}` : ''}`,
          `data-${d.error.kind}`,
        ),
      );
    }
    for (const c of d.checks) if (c.status !== 'pass') out.push(checkDiagnostic(source, d, c));
  }
  return out;
}

const MARK = { pass: '✓', warn: '!', fail: '✗', error: '?' } as const;

function paint(s: Style, status: CheckResult['status'], text: string): string {
  return status === 'pass' ? s.green(text) : status === 'warn' ? s.yellow(text) : s.red(text);
}

/** Human-readable results: each dataset, its checks, drift per column, and where failures are. */
export function renderValidationText(
  reports: readonly ValidationReport[],
  s: Style,
  locate: (d: DatasetResult, c: CheckResult) => string | undefined = () => undefined,
): string {
  const lines: string[] = [];
  for (const d of reports.flatMap((r) => r.datasets)) {
    const src = d.source;
    const head = src
      ? `${src.path} (${src.format}, ${src.rows} rows${src.files.length > 1 ? `, ${src.files.length} files` : ''})`
      : '';
    lines.push(`${s.bold(`${d.pipeline}:${d.dataset}`)} ${head}`);
    if (d.error) {
      lines.push(`  ${s.red('✗')} ${d.error.message}`);
      if (d.error.hint) lines.push(`    ${s.dim('hint')}: ${d.error.hint}`);
    }
    const width = Math.max(0, ...d.checks.map((c) => checkLabel(c).length));
    for (const c of d.checks) {
      lines.push(
        `  ${paint(s, c.status, MARK[c.status])} ${checkLabel(c).padEnd(width)}  ${c.message}`,
      );
      if (c.status === 'pass') continue;
      const where = locate(d, c);
      if (where) lines.push(`    ${s.dim(where)}`);
    }
    if (d.drift && d.drift.columns.length > 0) {
      const w = Math.max(...d.drift.columns.map((c) => c.column.length));
      for (const c of d.drift.columns) {
        const verdict = c.drifted ? s.red('drifted') : s.dim('ok');
        lines.push(
          `      ${c.column.padEnd(w)}  ${c.method.padEnd(13)} ${formatScore(c.score).padStart(9)}  threshold ${c.threshold}  ${verdict}`,
        );
      }
      for (const k of d.drift.skipped)
        lines.push(`      ${s.dim(`${k.column}: not compared, ${k.reason}`)}`);
    }
    if (src?.sniffed) {
      lines.push(
        `  ${s.dim(`CSV dialect sniffed from ${src.files[0]}; pin it under datasets.${d.dataset}.csv (see --json source.dialect) so reruns parse identically`)}`,
      );
    }
  }
  const all = reports.flatMap((r) => r.datasets);
  const total = (k: CheckResult['status']) => all.reduce((n, d) => n + d.counts[k], 0);
  const queries = all.reduce((n, d) => n + d.queries, 0);
  const bits = [`${total('pass')} passed`];
  if (total('fail')) bits.push(s.red(`${total('fail')} failed`));
  if (total('warn'))
    bits.push(s.yellow(`${total('warn')} warning${total('warn') === 1 ? '' : 's'}`));
  if (total('error')) bits.push(s.red(`${total('error')} not evaluated`));
  const unread = all.filter((d) => d.error && d.error.kind !== 'suite').length;
  if (unread) bits.push(s.red(`${unread} dataset${unread === 1 ? '' : 's'} not read`));
  lines.push(
    `${all.length} dataset${all.length === 1 ? '' : 's'}: ${bits.join(', ')} (${queries} queries)`,
  );
  return lines.join('\n') + '\n';
}

export { formatLocation };
