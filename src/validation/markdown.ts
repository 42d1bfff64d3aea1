// Validation results as compact Markdown for the job summary of `data validate`. Pure. (The PR
// report renders its data checks itself, from the report model: github/report/sections/validation.ts.)

import { formatScore } from './drift/result.ts';
import type { JsonValue } from './engine.ts';
import type { CheckResult, DatasetResult, DatasetStatus, ValidationReport } from './results.ts';

const ICON: Record<CheckResult['status'] | DatasetStatus, string> = {
  pass: '✅',
  warn: '⚠️',
  fail: '❌',
  error: '🛑',
};

const MAX_PROBLEMS = 25;

/** `Sex · in`, `unique (a, b)`, `rows`, or the check's own name. */
export function checkLabel(c: CheckResult): string {
  if (c.name !== undefined) return c.name;
  if (c.id.startsWith('columns.')) return `${c.columns?.[0] ?? ''} · ${c.check}`;
  if (c.check === 'parse' || c.check === 'drift' || c.check === 'rows' || c.check === 'sql')
    return c.check;
  return c.columns ? `${c.check} (${c.columns.join(', ')})` : c.check;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function code(text: string): string {
  const clean = cell(text);
  return clean.includes('`') ? `\`\` ${clean} \`\`` : `\`${clean}\``;
}

function shortValue(v: JsonValue): string {
  const text = typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v);
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

function observed(c: CheckResult): string {
  if (c.unexpectedCount !== undefined && c.check !== 'drift') {
    const share =
      c.unexpectedShare !== undefined && c.elementCount
        ? ` (${(100 * c.unexpectedShare).toPrecision(3)}%)`
        : '';
    return `${c.unexpectedCount} of ${c.elementCount ?? '?'}${share}`;
  }
  if (c.status === 'error') return '—';
  return shortValue(c.observed);
}

function examples(c: CheckResult): string {
  if (c.status === 'error') return cell(c.message);
  if (c.check === 'parse' && c.sample) {
    return c.sample
      .slice(0, 3)
      .map((s) => {
        const r = s as { file?: string; line?: number; error?: string };
        return `${r.file ?? ''}:${r.line ?? ''} ${r.error ?? ''}`;
      })
      .map(code)
      .join(', ');
  }
  if (!c.sample || c.sample.length === 0) return '';
  return (
    c.sample
      .slice(0, 3)
      .map((v) => code(shortValue(v)))
      .join(', ') + (c.sample.length > 3 ? ', …' : '')
  );
}

function datasetSummary(d: DatasetResult): string {
  const parts = (['fail', 'warn', 'error', 'pass'] as const)
    .filter((s) => d.counts[s] > 0)
    .map((s) => `${d.counts[s]} ${ICON[s]}`);
  return parts.join(' · ') || '—';
}

function headline(reports: readonly ValidationReport[]): string {
  const all = reports.flatMap((r) => r.datasets);
  const count = (s: CheckResult['status']) => all.reduce((n, d) => n + d.counts[s], 0);
  const unreadable = all.filter((d) => d.error).length;
  const status: DatasetStatus = all.some((d) => d.status === 'error')
    ? 'error'
    : all.some((d) => d.status === 'fail')
      ? 'fail'
      : all.some((d) => d.status === 'warn')
        ? 'warn'
        : 'pass';
  const bits = [
    `${count('pass')} passed`,
    ...(count('fail') ? [`${count('fail')} failed`] : []),
    ...(count('warn') ? [`${count('warn')} warning${count('warn') === 1 ? '' : 's'}`] : []),
    ...(count('error') ? [`${count('error')} not evaluated`] : []),
    ...(unreadable ? [`${unreadable} dataset${unreadable === 1 ? '' : 's'} not read`] : []),
  ];
  const names = reports.map((r) => r.pipeline).join(', ');
  return `### ${ICON[status]} Data validation: ${names}\n\n${bits.join(', ')}.`;
}

/**
 * Markdown for a PR comment: one line per dataset, then every check that did not pass (up to 25)
 * with observed vs expected and examples, then drift per column where drift was checked.
 */
export function renderValidationMarkdown(
  results: ValidationReport | readonly ValidationReport[],
): string {
  const reports: readonly ValidationReport[] = Array.isArray(results)
    ? results
    : [results as ValidationReport];
  const out = [headline(reports), ''];
  const datasets = reports.flatMap((r) => r.datasets);
  out.push('| | Dataset | Rows | Checks |', '|---|---|--:|---|');
  for (const d of datasets) {
    const where = d.source ? ` ${code(d.source.path)}` : '';
    const rows = d.source ? String(d.source.rows) : '—';
    out.push(
      `| ${ICON[d.status]} | ${cell(`${d.pipeline}:${d.dataset}`)}${where} | ${rows} | ${d.error ? cell(d.error.message) : datasetSummary(d)} |`,
    );
  }
  const problems = datasets.flatMap((d) =>
    d.checks.filter((c) => c.status !== 'pass').map((c) => ({ d, c })),
  );
  if (problems.length > 0) {
    out.push(
      '',
      '| | Dataset | Check | Observed | Expected | Examples |',
      '|---|---|---|---|---|---|',
    );
    for (const { d, c } of problems.slice(0, MAX_PROBLEMS)) {
      out.push(
        `| ${ICON[c.status]} | ${cell(d.dataset)} | ${cell(checkLabel(c))} | ${cell(observed(c))} | ${cell(c.expected)} | ${examples(c)} |`,
      );
    }
    if (problems.length > MAX_PROBLEMS)
      out.push(
        '',
        `…and ${problems.length - MAX_PROBLEMS} more; run \`gitops-ml data validate\` for all.`,
      );
  }
  for (const d of datasets) {
    if (!d.drift || d.drift.columns.length === 0) continue;
    const drift = d.drift;
    const title = `Drift of ${code(d.dataset)} against ${code(drift.reference)}: ${drift.driftedColumns} of ${drift.columns.length} columns drifted${drift.datasetDrift ? ` — dataset drift (share ≥ ${drift.share})` : ''}`;
    const table = [
      '| Column | Method | Score | Threshold | Drifted |',
      '|---|---|--:|--:|---|',
      ...drift.columns.map(
        (c) =>
          `| ${cell(c.column)} | ${c.method} | ${formatScore(c.score)} | ${c.threshold} | ${c.drifted ? '❌ yes' : 'no'} |`,
      ),
    ];
    out.push('');
    if (drift.datasetDrift) out.push(`**${title}**`, '', ...table);
    else out.push(`<details><summary>${title}</summary>`, '', ...table, '', '</details>');
  }
  return out.join('\n') + '\n';
}
