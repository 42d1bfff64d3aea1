import { ExitCode, SpecError } from '../../errors.ts';
import type { Affected } from '../../pipeline/affected.ts';
import { changesSince } from '../../pipeline/changes-since.ts';
import {
  jobTimeoutMinutes,
  matrices,
  pipelineRoute,
  type MatrixEntry,
} from '../../pipeline/routing.ts';
import { nodeRepoReader } from '../../spec/node-reader.ts';
import { validateRepo } from '../../spec/validate.ts';
import type { Command } from '../command.ts';

export const plan: Command = {
  name: 'plan',
  summary: 'pipelines affected by the changes since a ref, as a GitHub Actions matrix',
  usage: 'gitops-ml plan [--since <ref>] [--json]',
  options: { since: { type: 'string' } },
  positionals: false,
  async run(args, ctx) {
    const head = await validateRepo(nodeRepoReader(ctx.root));
    if (!head.valid)
      throw new SpecError(
        head.diagnostics.filter((d) => d.severity === 'error'),
        { hint: 'run gitops-ml validate' },
      );
    const byName = new Map(head.pipelines.map((p) => [p.name, p]));
    const since = typeof args.values.since === 'string' ? args.values.since : undefined;
    let affected: Affected[];
    let base: string | undefined;
    let changed: string[] = [];
    if (since === undefined) {
      affected = head.pipelines.map((p) => ({
        pipeline: p.name,
        reasons: ['no --since: every pipeline'],
      }));
    } else {
      const found = await changesSince(ctx.root, head, since);
      base = found.base;
      changed = found.changed;
      affected = found.affected;
    }
    const config = head.repo.config?.data;
    const entries: MatrixEntry[] = affected.map((a) => {
      const p = byName.get(a.pipeline)!;
      return {
        pipeline: a.pipeline,
        ...pipelineRoute(p, config),
        'timeout-minutes': jobTimeoutMinutes(p, config),
      };
    });
    const chunks = matrices(entries);
    const result = {
      since: since ?? null,
      base: base ?? null,
      changed,
      pipelines: affected,
      matrix: chunks[0] ?? { include: [] },
      matrices: chunks,
    };
    if (ctx.json) ctx.io.stdout.write(JSON.stringify(result, null, 2) + '\n');
    else {
      const s = ctx.style;
      if (affected.length === 0)
        ctx.io.stderr.write(
          `${s.green('✓')} no pipeline is affected${since ? ` since ${since}` : ''}\n`,
        );
      for (const a of affected) {
        const e = entries.find((x) => x.pipeline === a.pipeline)!;
        ctx.io.stderr.write(
          `${s.bold(a.pipeline)} → runs-on ${JSON.stringify(e['runs-on'])}${e.gpus ? `, ${e.gpus} GPU` : ''}\n`,
        );
        for (const r of a.reasons) ctx.io.stderr.write(`  ${s.dim('·')} ${r}\n`);
      }
    }
    const outputs: Record<string, string> = {
      matrix: JSON.stringify(chunks[0] ?? { include: [] }),
      'matrix-count': String(chunks.length),
      pipelines: JSON.stringify(affected.map((a) => a.pipeline)),
      any: String(affected.length > 0),
    };
    chunks.slice(1).forEach((c, i) => (outputs[`matrix-${i + 2}`] = JSON.stringify(c)));
    const summary = affected.length
      ? `### Pipelines to run\n\n| Pipeline | Runs on | Why |\n|---|---|---|\n${affected
          .map(
            (a) =>
              `| ${a.pipeline} | \`${JSON.stringify(entries.find((e) => e.pipeline === a.pipeline)!['runs-on'])}\` | ${a.reasons.join('; ')} |`,
          )
          .join('\n')}\n`
      : '### No pipeline is affected\n';
    return { exitCode: ExitCode.ok, summary, outputs };
  },
};
