import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ExitCode, UsageError } from '../../errors.ts';
import { hashPath } from '../../data/hash-path.ts';
import { findRepoRoot, repoRelative } from '../../data/repo-path.ts';
import { StateCache, stateDirOf } from '../../data/state.ts';
import type { Command } from '../command.ts';
import { printJson, progressPhase } from './data-progress.ts';

export const dataHash: Command = {
  name: 'data hash',
  summary: 'DVC-3 hash of files or directories: <md5> or <md5>.dir',
  usage: 'gitops-ml data hash <path>... [--json]',
  options: {},
  positionals: true,
  async run(args, ctx) {
    if (args.positionals.length === 0) throw new UsageError('"data hash" needs at least one path');
    // Only the state cache is needed: no settings, no YAML or schema code to load.
    const root = findRepoRoot(ctx.root);
    const state = StateCache.load(stateDirOf(root));
    const results = [];
    for (const p of args.positionals) {
      const rel = repoRelative(root, p, ctx.root);
      const phase = progressPhase(ctx.io, `hashing ${rel}`);
      try {
        const info = await hashPath(root, rel, {
          state,
          onStart: (bytes, files) => phase.start(bytes, files > 1 ? files : undefined),
          onBytes: (n) => phase.bytes(n),
          onFiles: (n) => phase.item(n),
        });
        results.push({ path: rel, ...info });
      } finally {
        phase.done();
      }
    }
    // As closeDataRepo: state files only in a DVC repository.
    if (existsSync(join(root, '.dvc'))) await state.save();
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
