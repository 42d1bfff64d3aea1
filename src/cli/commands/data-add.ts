import { ExitCode, UsageError } from '../../errors.ts';
import {
  checkAddable,
  commitAdd,
  prepareAdd,
  type AddResult,
  type PreparedAdd,
} from '../../data/add.ts';
import { assertNotInGit, ignoredByGit } from '../../data/gitignore.ts';
import { repoRelative } from '../../data/repo-path.ts';
import { listTracked } from '../../data/targets.ts';
import type { Command } from '../command.ts';
import { formatBytes, progressPhase } from './data-progress.ts';
import { plural, printJson, withDataRepo } from './data-shared.ts';

export const dataAdd: Command = {
  name: 'data add',
  summary: 'track files or directories as DVC does: cache them, write <path>.dvc, .gitignore them',
  usage: 'gitops-ml data add <path>... [--json]',
  options: {},
  positionals: true,
  async run(args, ctx) {
    if (args.positionals.length === 0) throw new UsageError('"data add" needs at least one path');
    const results = await withDataRepo(ctx, async (repo) => {
      const tracked = await listTracked(repo.root, repo.state);
      const rels = args.positionals.map((p) => repoRelative(repo.root, p, ctx.root));
      for (const rel of rels) checkAddable(repo, rel, tracked);
      await assertNotInGit(repo.root, rels);
      // Every path is hashed (every read that can fail) before anything is written.
      const prepared: PreparedAdd[] = [];
      for (const rel of rels) {
        const phase = progressPhase(ctx.io, `hashing ${rel}`);
        try {
          prepared.push(
            await prepareAdd(repo, rel, {
              onStart: (bytes, files) => phase.start(bytes, files > 1 ? files : undefined),
              onBytes: (n) => phase.bytes(n),
              onFiles: (n) => phase.item(n),
            }),
          );
        } finally {
          phase.done();
        }
      }
      const out: AddResult[] = [];
      const ignored = await ignoredByGit(repo.root, rels);
      for (const p of prepared) out.push(await commitAdd(repo, p, ignored));
      return out;
    });
    if (ctx.json) {
      printJson(ctx, {
        added: results.map((r) => ({
          path: r.path,
          dvcfile: r.dvcFile,
          md5: r.info.md5,
          size: r.info.size,
          ...(r.info.nfiles === undefined ? {} : { nfiles: r.info.nfiles }),
          changed: r.changed,
          gitignore: r.gitignore ?? null,
        })),
      });
    } else {
      const { io, style: s } = ctx;
      for (const r of results) {
        const what =
          r.info.nfiles === undefined
            ? formatBytes(r.info.size)
            : `${plural(r.info.nfiles, 'file')}, ${formatBytes(r.info.size)}`;
        io.stderr.write(
          `${r.changed ? s.green('added') : s.dim('unchanged')} ${r.path} (${what}) → ${r.dvcFile}\n`,
        );
      }
      const toStage = [
        ...new Set(results.flatMap((r) => [r.dvcFile, ...(r.gitignore ? [r.gitignore] : [])])),
      ];
      if (results.some((r) => r.changed))
        io.stderr.write(
          `\nTo track the changes with git, run:\n\n\tgit add ${toStage.join(' ')}\n`,
        );
    }
    return {
      exitCode: ExitCode.ok,
      outputs: { added: String(results.filter((r) => r.changed).length) },
    };
  },
};
