import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readActionContext } from '../../action/context.ts';
import { ExitCode, UsageError } from '../../errors.ts';
import type { PullRequest, RepoId } from '../../forge/port.ts';
import { git } from '../../git/run.ts';
import { REPORT_DIR } from '../../github/report/model.ts';
import { publishReport, renderLocal, type PublishResult } from '../../github/report/publish.ts';
import { readReportModels } from '../../github/report/store.ts';
import { version } from '../../version.ts';
import type { Command, CommandContext, CommandOutcome } from '../command.ts';

function prNumber(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new UsageError(`--pr takes a pull request number, not "${value}"`);
  return Number(value);
}

function repoOption(value: string | undefined): RepoId | undefined {
  if (value === undefined) return undefined;
  const m = /^([\w.-]+)\/([\w.-]+)$/.exec(value);
  if (!m) throw new UsageError(`--repo takes owner/name, not "${value}"`);
  return { owner: m[1]!, repo: m[2]! };
}

function stringOption(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Where the gitops-ml root sits inside its git repository ('' at the top, 'ml/' below). */
async function rootPrefix(root: string): Promise<string> {
  const r = await git(root, ['rev-parse', '--show-prefix'], { allowFailure: [128] });
  return r?.stdout.trim() ?? '';
}

async function readWorkspaceFile(root: string, path: string): Promise<Uint8Array | undefined> {
  try {
    return await readFile(join(root, path));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function printPublished(ctx: CommandContext, pr: PullRequest, result: PublishResult): void {
  const { io, style: s } = ctx;
  if (result.commit?.sha)
    io.stderr.write(
      `${s.green('✓')} committed ${result.commit.sha.slice(0, 7)} to ${pr.head.ref}\n`,
    );
  for (const p of result.pipelines) {
    io.stderr.write(
      `${s.green('✓')} ${p.pipeline}: comment ${p.comment.action} ${s.dim(p.comment.url)}\n`,
    );
    io.stderr.write(`${s.green('✓')} ${p.pipeline}: check run ${s.dim(p.checkRun.url)}\n`);
  }
}

function publishedJson(pr: PullRequest, result: PublishResult) {
  return {
    published: true,
    pullRequest: pr.number,
    head: result.head,
    commit: result.commit ? { sha: result.commit.sha, retries: result.commit.retries } : null,
    pipelines: result.pipelines.map((p) => ({
      pipeline: p.pipeline,
      comment: p.comment,
      checkRun: { id: p.checkRun.id, url: p.checkRun.url },
      shortened: p.shortened,
      fullReport: p.fullReport ?? null,
    })),
  };
}

export const report: Command = {
  name: 'report',
  summary: 'post the PR report: one sticky comment, a check run, the job summary, commit-back',
  usage:
    'gitops-ml report [--pr N] [--repo owner/name] [--from dir] [--no-commit] [--json] [-C dir]',
  options: {
    pr: { type: 'string' },
    repo: { type: 'string' },
    from: { type: 'string' },
    'no-commit': { type: 'boolean' },
  },
  positionals: false,
  async run(args, ctx): Promise<CommandOutcome> {
    const { io } = ctx;
    const from = typeof args.values.from === 'string' ? args.values.from : REPORT_DIR;
    const models = await readReportModels(ctx.root, from);
    const action = readActionContext(io.env);
    const number = prNumber(stringOption(args.values.pr)) ?? action.pullRequest?.number;
    const repo = repoOption(stringOption(args.values.repo)) ?? action.repo;
    const token = io.env.GITHUB_TOKEN || io.env.GH_TOKEN;
    if (models.length === 0) {
      io.stderr.write(`nothing to report: no report models in ${from}\n`);
      if (ctx.json) io.stdout.write(JSON.stringify({ published: false, pipelines: [] }) + '\n');
      return { exitCode: ExitCode.ok, outputs: { published: 'false' } };
    }
    if (number === undefined || !token || !repo) {
      if (args.values.pr !== undefined && (!token || !repo))
        throw new UsageError('--pr needs GitHub access', {
          hint: 'set GITHUB_TOKEN (or GH_TOKEN) and pass --repo owner/name (or set GITHUB_REPOSITORY)',
        });
      // No pull request to post to: the report is the output.
      const markdown = renderLocal(models, version);
      if (ctx.json) io.stdout.write(JSON.stringify({ published: false, markdown }) + '\n');
      else io.stdout.write(markdown);
      return { exitCode: ExitCode.ok, summary: markdown, outputs: { published: 'false' } };
    }
    // GitHub's client (Octokit and its plugins) loads only when there is a pull request to post to.
    const [{ createGitHubForge }, { forgeSettings, readRepoConfig }] = await Promise.all([
      import('../../github/forge.ts'),
      import('../../github/settings.ts'),
    ]);
    const settings = forgeSettings(await readRepoConfig(ctx.root), io.env);
    const forge = createGitHubForge({
      repo,
      token,
      apiUrl: settings.apiUrl,
      serverUrl: settings.serverUrl,
      warn: (m) => io.stderr.write(`${ctx.style.yellow('warning')}: ${m}\n`),
    });
    const pr =
      action.pullRequest?.number === number
        ? action.pullRequest
        : await forge.getPullRequest(number);
    if (pr.fromFork) {
      const markdown = renderLocal(models, version);
      io.stderr.write(
        `${ctx.style.red('✗')} refusing to write to #${number}: it comes from a fork (${pr.head.repo ?? 'deleted'}); nothing was committed, commented or checked. The report is in the job summary.\n`,
      );
      if (ctx.json)
        io.stdout.write(JSON.stringify({ published: false, refused: 'fork', markdown }) + '\n');
      return {
        exitCode: ExitCode.checksFailed,
        summary: markdown,
        outputs: { published: 'false' },
      };
    }
    const result = await publishReport({
      forge,
      pr,
      models,
      readFile: (path) => readWorkspaceFile(ctx.root, path),
      rootPrefix: await rootPrefix(ctx.root),
      links: {
        repoUrl: `${settings.serverUrl}/${repo.owner}/${repo.repo}`,
        ...(action.runUrl ? { runUrl: action.runUrl } : {}),
        version,
      },
      charts: settings.charts,
      commitBack: args.values['no-commit'] !== true,
      author: settings.bot,
    });
    if (ctx.json) io.stdout.write(JSON.stringify(publishedJson(pr, result), null, 2) + '\n');
    printPublished(ctx, pr, result);
    const first = result.pipelines[0];
    return {
      exitCode: ExitCode.ok,
      summary: result.summary,
      outputs: {
        published: 'true',
        'comment-url': first?.comment.url ?? '',
        'check-run-url': first?.checkRun.url ?? '',
        'commit-sha': result.commit?.sha ?? '',
      },
    };
  },
};
