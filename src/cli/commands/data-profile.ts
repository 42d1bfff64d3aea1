import { writeFileAtomic } from '../../data/atomic.ts';
import { loadDataConfig } from '../../data/config.ts';
import { basename, resolve } from 'node:path';
import { InputError, UsageError } from '../../errors.ts';
import { nodeRepoReader } from '../../spec/node-reader.ts';
import { loadRepo } from '../../spec/load.ts';
import { DatasetFormat } from '../../spec/schema/validation.ts';
import { openEngine } from '../../validation/open-engine.ts';
import { renderProfileText } from '../../validation/profile-text.ts';
import { profileSource } from '../../validation/profile.ts';
import { openSource } from '../../validation/source.ts';
import { suggestYaml } from '../../validation/suggest.ts';
import type { Command } from '../command.ts';
import { engineFlags, engineOptions } from './engine-options.ts';

/** A dataset name for the suggested suite, from the file name: `data/raw/penguins.csv` → penguins. */
function datasetName(path: string): string {
  const stem = basename(path)
    .replace(/\.(gz|zst)$/, '')
    .replace(/\.[^.]*$/, '');
  const clean = stem
    .replace(/[^A-Za-z0-9_.-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
  return clean || 'data';
}

export const dataProfile: Command = {
  name: 'data profile',
  summary: 'profile a data file: types, nulls, ranges, quantiles, top values (--suggest: a suite)',
  usage:
    'gitops-ml data profile <path> [--json] [--out profile.json] [--suggest] [--format csv|tsv|parquet|json|jsonl] [-C dir]',
  options: {
    ...engineOptions,
    out: { type: 'string' },
    suggest: { type: 'boolean' },
    format: { type: 'string' },
    name: { type: 'string' },
  },
  positionals: true,
  async run(args, ctx) {
    if (args.positionals.length !== 1)
      throw new UsageError('data profile needs one path (a file, a directory or a glob)', {
        hint: 'gitops-ml data profile data/raw.csv',
      });
    const path = args.positionals[0]!;
    const format = args.values.format;
    const parsedFormat = format === undefined ? undefined : DatasetFormat.safeParse(format);
    if (parsedFormat && !parsedFormat.success)
      throw new UsageError(`--format ${String(format)}: expected csv, tsv, parquet, json or jsonl`);
    const { repo } = await loadRepo(nodeRepoReader(ctx.root));
    const engine = await openEngine(ctx.root, repo.config?.data, ctx.io, engineFlags(args));
    let profile;
    try {
      const source = await openSource(
        engine,
        ctx.root,
        { path, format: parsedFormat?.data },
        { cacheDir: (await loadDataConfig(ctx.root)).cacheDir, strictPaths: true },
      );
      profile = await profileSource(engine, ctx.root, source);
    } finally {
      engine.close();
    }
    const json = JSON.stringify(profile, null, 2) + '\n';
    if (typeof args.values.out === 'string') {
      const out = resolve(ctx.root, args.values.out);
      try {
        await writeFileAtomic(out, json);
      } catch (error) {
        throw new InputError(`cannot write ${args.values.out}: ${(error as Error).message}`, {
          cause: error,
        });
      }
      ctx.io.stderr.write(`profile of ${profile.path} written to ${args.values.out}\n`);
    }
    const name = typeof args.values.name === 'string' ? args.values.name : datasetName(path);
    if (args.values.suggest === true) ctx.io.stdout.write(suggestYaml(profile, name));
    else if (ctx.json) ctx.io.stdout.write(json);
    else if (typeof args.values.out !== 'string')
      ctx.io.stderr.write(renderProfileText(profile, ctx.style));
    return { exitCode: 0 };
  },
};
