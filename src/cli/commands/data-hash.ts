import { ExitCode, UsageError } from '../../errors.ts';
import { hashPath } from '../../data/hash-path.ts';
import { repoRelative } from '../../data/repo-path.ts';
import type { Command } from '../command.ts';
import { progressPhase } from './data-progress.ts';
import { printJson, withDataRepo } from './data-shared.ts';

export const dataHash: Command = {
  name: 'data hash',
  summary: 'DVC-3 hash of files or directories: <md5> or <md5>.dir',
  usage: 'gitops-ml data hash <path>... [--json]',
  options: {},
  positionals: true,
  async run(args, ctx) {
    if (args.positionals.length === 0) throw new UsageError('"data hash" needs at least one path');
    const results = await withDataRepo(ctx, async (repo) => {
      const out = [];
      for (const p of args.positionals) {
        const rel = repoRelative(repo.root, p, ctx.root);
        const phase = progressPhase(ctx.io, `hashing ${rel}`);
        try {
          const info = await hashPath(repo.root, rel, {
            state: repo.state,
            onStart: (bytes, files) => phase.start(bytes, files > 1 ? files : undefined),
            onBytes: (n) => phase.bytes(n),
          });
          out.push({ path: rel, ...info });
        } finally {
          phase.done();
        }
      }
      return out;
    });
    if (ctx.json) {
      printJson(ctx, {
        hashes: results.map((r) => ({
          path: r.path,
          md5: r.md5,
          size: r.size,
          ...(r.nfiles === undefined ? {} : { nfiles: r.nfiles }),
          ...(r.isExec ? { isexec: true } : {}),
        })),
      });
    } else {
      for (const r of results) ctx.io.stderr.write(`${r.md5}  ${r.path}\n`);
    }
    return {
      exitCode: ExitCode.ok,
      outputs: { md5: results.map((r) => r.md5).join('\n') },
    };
  },
};
