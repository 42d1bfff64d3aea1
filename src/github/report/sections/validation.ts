import type {
  DatasetValidation,
  GateResult,
  ValidationCheck,
  ValidationSection,
} from '../model.ts';
import { code, details, formatNumber, plural, table, text } from '../markdown.ts';
import type { Detail } from '../render-context.ts';

export interface ValidationCounts {
  passed: number;
  warnings: number;
  failed: number;
  drifted: number;
}

export function countValidation(section: ValidationSection): ValidationCounts {
  const counts = { passed: 0, warnings: 0, failed: 0, drifted: 0 };
  for (const d of section.datasets) {
    for (const c of d.checks) {
      if (c.passed) counts.passed++;
      else if (c.severity === 'warning') counts.warnings++;
      else counts.failed++;
    }
    counts.drifted += (d.drift ?? []).filter((x) => x.drifted).length;
  }
  return counts;
}

function icon(c: ValidationCheck): string {
  return c.passed ? '✅' : c.severity === 'warning' ? '⚠️' : '❌';
}

function problem(c: ValidationCheck): string {
  const parts: string[] = [];
  if (c.failures !== undefined) parts.push(plural(c.failures, 'row'));
  if (c.message) parts.push(text(c.message));
  if (c.sample?.length) parts.push(`e.g. ${c.sample.slice(0, 5).map(code).join(', ')}`);
  return parts.join(' · ') || '—';
}

function datasetLabel(d: DatasetValidation): string {
  const rows = d.rows === undefined ? '' : `, ${formatNumber(d.rows)} rows`;
  // Inside <summary> Markdown is not rendered: HTML <code>, with the text escaped.
  return `<code>${text(d.name)}</code>${d.path ? ` (${text(d.path)}${rows})` : rows ? ` (${rows.slice(2)})` : ''}`;
}

export function renderValidation(section: ValidationSection, detail: Detail): string {
  const n = countValidation(section);
  const total = n.passed + n.warnings + n.failed;
  const summary = [
    `${n.failed ? '❌' : '✅'} ${n.passed}/${total} checks passed`,
    ...(n.warnings ? [`⚠️ ${plural(n.warnings, 'warning')}`] : []),
    ...(n.failed ? [`❌ ${n.failed} failed`] : []),
    ...(n.drifted ? [`📉 drift in ${plural(n.drifted, 'column')}`] : []),
  ].join(' · ');
  const parts = [
    `#### Data validation\n\n${summary} on ${plural(section.datasets.length, 'dataset')}`,
  ];
  const bad = section.datasets.flatMap((d) =>
    d.checks.filter((c) => !c.passed).map((c) => ({ d, c })),
  );
  if (bad.length) {
    const shown = detail === 'full' ? bad : bad.slice(0, 25);
    parts.push(
      table(
        ['', 'Dataset', 'Check', 'Problem'],
        ['center', 'left', 'left', 'left'],
        shown.map(({ d, c }) => [icon(c), code(d.name), text(c.name), problem(c)]),
      ) + (bad.length > shown.length ? `\n\n${bad.length - shown.length} more not shown.` : ''),
    );
  }
  const drift = section.datasets.flatMap((d) => (d.drift ?? []).map((x) => ({ d, x })));
  if (drift.length && (detail === 'full' || drift.some(({ x }) => x.drifted))) {
    const rows = (detail === 'full' ? drift : drift.filter(({ x }) => x.drifted)).map(
      ({ d, x }) => [
        x.drifted ? '📉' : '✅',
        `${code(d.name)}.${code(x.column)}`,
        text(x.method),
        formatNumber(x.statistic),
        formatNumber(x.threshold),
      ],
    );
    parts.push(
      'Drift against the reference data:\n\n' +
        table(
          ['', 'Column', 'Method', 'Statistic', 'Threshold'],
          ['center', 'left', 'left', 'right', 'right'],
          rows,
        ),
    );
  }
  if (detail === 'full') {
    for (const d of section.datasets) {
      const ok = d.checks.filter((c) => c.passed).length;
      const rows = d.checks.map((c) => [
        icon(c),
        text(c.name),
        c.column ? code(c.column) : '',
        c.passed ? '' : problem(c),
      ]);
      parts.push(
        details(
          `${datasetLabel(d)}: ${ok}/${d.checks.length} passed`,
          rows.length
            ? table(['', 'Check', 'Column', 'Problem'], ['center', 'left', 'left', 'left'], rows)
            : 'No checks.',
        ),
      );
    }
  }
  return parts.join('\n\n');
}

export function renderGates(gates: readonly GateResult[]): string {
  if (gates.length === 0) return '';
  const rows = gates.map((g) => [
    g.passed ? '✅' : '❌',
    code(g.model),
    code(g.metric),
    text(g.rule),
    typeof g.value === 'number' ? formatNumber(g.value) : g.value === null ? '—' : code(g.value),
  ]);
  return `#### Gates\n\n${table(['', 'Model', 'Metric', 'Rule', 'Value'], ['center', 'left', 'left', 'left', 'right'], rows)}`;
}
