import type { CostSection, GpuSection, Stage } from '../model.ts';
import {
  code,
  formatDuration,
  formatMoney,
  formatNumber,
  plural,
  table,
  text,
} from '../markdown.ts';
import type { Detail } from '../render-context.ts';

export function renderStages(stages: readonly Stage[], detail: Detail): string {
  if (stages.length === 0) return '';
  const count = (s: Stage['status']) => stages.filter((x) => x.status === s).length;
  const tally = (['ran', 'cached', 'skipped', 'failed'] as const)
    .filter((s) => count(s) > 0)
    .map((s) => `${count(s)} ${s}`)
    .join(', ');
  if (detail === 'compact') return `#### Stages\n\n${plural(stages.length, 'stage')}: ${tally}.`;
  const icons = { ran: '▶️', cached: '♻️', skipped: '⏭️', failed: '❌' } as const;
  const rows = stages.map((s) => [
    icons[s.status],
    code(s.name),
    s.status,
    s.durationSeconds === undefined ? '—' : formatDuration(s.durationSeconds),
  ]);
  return `#### Stages\n\n${plural(stages.length, 'stage')}: ${tally}.\n\n${table(['', 'Stage', 'Status', 'Time'], ['center', 'left', 'left', 'right'], rows)}`;
}

function mib(n: number): string {
  return n >= 1024
    ? `${formatNumber(Math.round((n / 1024) * 10) / 10)} GiB`
    : `${formatNumber(Math.round(n))} MiB`;
}

export function renderGpu(gpu: GpuSection): string {
  const head = `${gpu.runner ? `Runner ${code(gpu.runner)}, ` : ''}${formatDuration(gpu.durationSeconds)}`;
  if (gpu.devices.length === 0) return `#### GPU\n\n${head}, no GPU used.`;
  const rows = gpu.devices.map((d) => [
    `${d.index} · ${text(d.name)}`,
    `${Math.round(d.utilization.mean)}% / ${Math.round(d.utilization.max)}%`,
    d.memoryUsedMiB
      ? `${mib(d.memoryUsedMiB.max)}${d.memoryTotalMiB ? ` / ${mib(d.memoryTotalMiB)}` : ''}`
      : '—',
    d.powerW ? `${Math.round(d.powerW.mean)} W` : '—',
    d.energyWh === undefined ? '—' : `${formatNumber(Math.round(d.energyWh) / 1000)} kWh`,
  ]);
  return `#### GPU\n\n${head}.\n\n${table(
    ['GPU', 'Utilization (mean / max)', 'Memory (max)', 'Power (mean)', 'Energy'],
    ['left', 'right', 'right', 'right', 'right'],
    rows,
  )}`;
}

export function renderCost(cost: CostSection): string {
  const total = `**${formatMoney(cost.total, cost.currency)}**`;
  const versus =
    cost.base === undefined
      ? ''
      : ` (${cost.total >= cost.base ? '+' : '−'}${formatMoney(Math.abs(cost.total - cost.base), cost.currency)} vs the last run on the base branch)`;
  const items = cost.items.map(
    (i) =>
      `- ${text(i.label)}: ${formatMoney(i.amount, cost.currency)}${i.basis ? ` (${text(i.basis)})` : ''}`,
  );
  return [`#### Cost\n\n${total}${versus}`, ...(items.length ? [items.join('\n')] : [])].join(
    '\n\n',
  );
}
