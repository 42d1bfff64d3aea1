import { ExitCode } from '../../errors.ts';
import { nodeRepoReader } from '../../spec/node-reader.ts';
import { validateRepo, type Validation } from '../../spec/validate.ts';
import type { Command, CommandContext } from '../command.ts';
import { annotation, diagnosticsMarkdown, renderDiagnostic } from '../render.ts';

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The stable --json shape: diagnostics flattened, positions 1-based. */
export function validationJson(v: Validation): unknown {
  return {
    valid: v.valid,
    summary: v.summary,
    diagnostics: v.diagnostics.map((d) => ({
      file: d.file,
      line: d.span?.line ?? null,
      col: d.span?.col ?? null,
      endLine: d.span?.endLine ?? null,
      endCol: d.span?.endCol ?? null,
      severity: d.severity,
      code: d.code,
      message: d.message,
      path: d.path ?? [],
    })),
  };
}

function printHuman(v: Validation, ctx: CommandContext): void {
  const { io, style: s } = ctx;
  for (const d of v.diagnostics)
    io.stderr.write(renderDiagnostic(d, s, v.repo.texts.get(d.file)) + '\n');
  const { summary: n } = v;
  const what = [
    plural(n.pipelines, 'pipeline') + ` (${plural(n.stages, 'stage')})`,
    plural(n.models, 'model'),
    plural(n.deployments, 'deployment'),
  ].join(', ');
  if (v.valid) {
    const warn = n.warnings ? `, ${s.yellow(plural(n.warnings, 'warning'))}` : '';
    io.stderr.write(`${s.green('✓')} ${plural(n.files, 'spec file')} valid: ${what}${warn}\n`);
  } else {
    const warn = n.warnings ? ` and ${plural(n.warnings, 'warning')}` : '';
    const files = new Set(v.diagnostics.filter((d) => d.severity === 'error').map((d) => d.file))
      .size;
    io.stderr.write(
      `${s.red('✗')} ${plural(n.errors, 'error')}${warn} in ${plural(files, 'file')}\n`,
    );
  }
}

export const validate: Command = {
  name: 'validate',
  summary: 'check specs: schema, cross-references, cycles',
  usage: 'gitops-ml validate [--json] [-C dir]',
  options: {},
  positionals: false,
  async run(_args, ctx) {
    const v = await validateRepo(nodeRepoReader(ctx.root));
    if (ctx.json) ctx.io.stdout.write(JSON.stringify(validationJson(v), null, 2) + '\n');
    else printHuman(v, ctx);
    if (ctx.actions) {
      const workspace = ctx.io.env.GITHUB_WORKSPACE ?? ctx.io.cwd;
      const out = ctx.json ? ctx.io.stderr : ctx.io.stdout;
      for (const d of v.diagnostics)
        out.write(annotation(d, ctx.root, workspace, 'gitops-ml validate') + '\n');
    }
    const summary = v.valid
      ? `### ✅ Specs valid\n\n${v.summary.files} spec files: ${v.summary.pipelines} pipelines, ${v.summary.models} models, ${v.summary.deployments} deployments.\n`
      : `### ❌ Specs invalid\n\n${diagnosticsMarkdown(v.diagnostics)}\n`;
    return {
      exitCode: v.valid ? ExitCode.ok : ExitCode.badInput,
      summary,
      outputs: { valid: String(v.valid), errors: String(v.summary.errors) },
    };
  },
};
