import { randomUUID } from 'node:crypto';
import type { StageAction, StageReport, RunLog } from '../pipeline/run/report.ts';
import { formatMoney } from '../pipeline/cost.ts';
import { formatDuration } from '../units.ts';
import type { Io, Style } from './io.ts';

function gpuLine(r: StageReport): string {
  if (r.usage.length === 0) return '';
  const util = r.usage
    .map((u) => (u.utilizationMean === null ? 'n/a' : `${u.utilizationMean}%`))
    .join('/');
  const energy = r.usage.reduce((s, u) => s + u.energyWh, 0);
  return `, GPU ${util} busy, ${energy.toFixed(1)} Wh`;
}

/**
 * Progress of a run on stderr. Inside GitHub Actions each stage's output is a collapsible group,
 * and workflow commands are switched off while it prints (a stage cannot forge annotations,
 * outputs or masks by echoing `::...::` lines).
 */
export function cliRunLog(io: Io, s: Style, actions: boolean): RunLog {
  let stopToken: string | undefined;
  const write = (text: string) => io.stderr.write(text);
  return {
    stageStart(pipeline, stage, reasons) {
      write(
        `${s.bold(`▶ ${pipeline}:${stage}`)}${reasons.length ? s.dim(` (${reasons.join('; ')})`) : ''}\n`,
      );
      if (actions) {
        stopToken = randomUUID().replace(/-/g, '');
        io.stdout.write(`::group::${pipeline}:${stage}\n::stop-commands::${stopToken}\n`);
      }
    },
    output(chunk) {
      (actions ? io.stdout : io.stderr).write(chunk);
    },
    stageEnd(r) {
      if (actions && stopToken) {
        io.stdout.write(`\n::${stopToken}::\n::endgroup::\n`);
        stopToken = undefined;
      }
      const name = `${r.pipeline}:${r.stage}`;
      const cost = r.cost.amount === null ? '' : `, ${formatMoney(r.cost)}`;
      switch (r.action) {
        case 'ran':
          write(`${s.green('✓')} ${name} ${formatDuration(r.seconds)}${gpuLine(r)}${cost}\n`);
          break;
        case 'skipped':
          write(`${s.dim(`· ${name} up to date`)}\n`);
          break;
        case 'restored':
          write(`${s.cyan('↺')} ${name} restored from the cache\n`);
          break;
        case 'frozen':
          write(`${s.dim(`❄ ${name} frozen`)}\n`);
          break;
        case 'would-run':
          write(`${s.yellow('▶')} ${name} would run: ${r.reasons.join('; ')}\n`);
          break;
        default: {
          write(
            `${s.red('✗')} ${name} ${r.error ?? r.action}${r.seconds ? ` after ${formatDuration(r.seconds)}` : ''}\n`,
          );
          if (r.tail?.length)
            write(
              `${s.dim('  last lines of output:')}\n${r.tail.map((l) => `  ${s.dim('│')} ${l}`).join('\n')}\n`,
            );
        }
      }
    },
    note(message) {
      write(`${s.dim('note:')} ${message}\n`);
    },
  };
}

/** The Result cell of a stage that did not fail (the others show the failure). */
const SUMMARY_RESULT: Partial<Record<StageAction, string>> = {
  ran: '✅ ran',
  skipped: 'up to date',
  restored: 'restored',
  frozen: 'frozen',
  'would-run': 'would run',
};

/** The run as a Markdown table, for the job summary. */
export function runMarkdown(stages: readonly StageReport[]): string {
  const rows = stages.map((r) => {
    const gpu = r.usage.length
      ? r.usage
          .map((u) => `${u.utilizationMean ?? 'n/a'}% / ${u.energyWh.toFixed(1)} Wh`)
          .join(', ')
      : '';
    const what = SUMMARY_RESULT[r.action] ?? `❌ ${r.action}: ${r.error ?? ''}`;
    return `| ${r.pipeline}:${r.stage} | ${what} | ${r.seconds ? formatDuration(r.seconds) : ''} | ${gpu} | ${r.cost.amount === null ? '' : formatMoney(r.cost)} |`;
  });
  return (
    [
      '| Stage | Result | Time | GPU (mean util / energy) | Cost |',
      '|---|---|---|---|---|',
      ...rows,
    ].join('\n') + '\n'
  );
}
