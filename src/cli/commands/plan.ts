import { changedFiles, mergeBase } from '../../git/changes.ts';
import { git } from '../../git/run.ts';
import { resolveRevision, revisionReader } from '../../git/revision.ts';
import { ExitCode, SpecError } from '../../errors.ts';
import { affectedPipelines, type Affected, type Side } from '../../pipeline/affected.ts';
import {
  jobTimeoutMinutes,
  matrices,
  pipelineRoute,
  type MatrixEntry,
} from '../../pipeline/routing.ts';
import { resolvePipeline } from '../../spec/expand.ts';
import { Findings } from '../../spec/findings.ts';
import { loadRepo } from '../../spec/load.ts';
import { nodeRepoReader } from '../../spec/node-reader.ts';
import type { RepoReader } from '../../spec/repo.ts';
import { validateRepo } from '../../spec/validate.ts';
import type { Command } from '../command.ts';

async function sideOf(reader: RepoReader): Promise<Side> {
  const { repo } = await loadRepo(reader);
  const findings = new Findings();
  return {
    repo,
    pipelines: new Map(repo.pipelines.map((p) => [p.name, resolvePipeline(p, repo, findings)])),
  };
}

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
    const headSide: Side = {
      repo: head.repo,
      pipelines: new Map(head.pipelines.map((p) => [p.name, p])),
    };
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
      const sinceSha = await resolveRevision(ctx.root, since);
      const headSha = (
        await git(ctx.root, ['rev-parse', '--verify', '--quiet', 'HEAD'], {
          allowFailure: [1, 128],
        })
      )?.stdout.trim();
      base = (headSha ? await mergeBase(ctx.root, sinceSha, headSha) : undefined) ?? sinceSha;
      changed = await changedFiles(ctx.root, base);
      const reader = await revisionReader(ctx.root, base);
      try {
        affected = affectedPipelines(await sideOf(reader), headSide, changed);
      } finally {
        reader.close();
      }
    }
    const config = head.repo.config?.data;
    const entries: MatrixEntry[] = affected.map((a) => {
      const p = headSide.pipelines.get(a.pipeline)!;
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
