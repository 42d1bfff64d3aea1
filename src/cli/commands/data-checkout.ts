import { ExitCode } from '../../errors.ts';
import { checkoutTracked } from '../../data/sync.ts';
import type { Command } from '../command.ts';
import {
  checkoutJson,
  failed,
  plural,
  printJson,
  trackedFor,
  withDataRepo,
} from './data-shared.ts';

export const dataCheckout: Command = {
  name: 'data checkout',
  summary: 'put the recorded version of tracked paths into the workspace from the cache',
  usage: 'gitops-ml data checkout [path...] [--force] [--json]',
  options: { force: { type: 'boolean', short: 'f' } },
  positionals: true,
  async run(args, ctx) {
    const checkouts = await withDataRepo(ctx, async (repo) =>
      checkoutTracked(repo, await trackedFor(repo, ctx, args), {
        force: args.values.force === true,
      }),
    );
    if (ctx.json) printJson(ctx, { checkout: checkouts.map(checkoutJson) });
    else {
      for (const c of checkouts.filter((x) => x.written.length + x.removed.length > 0))
        ctx.io.stderr.write(
          `${ctx.style.green('M')} ${c.path} (${plural(c.written.length, 'file')} written${c.removed.length ? `, ${c.removed.length} removed` : ''})\n`,
        );
      for (const c of checkouts.filter((x) => x.missing.length > 0))
        ctx.io.stderr.write(
          `${ctx.style.red('missing from cache:')} ${c.path} (${plural(c.missing.length, 'object')})\n`,
        );
    }
    const missing = checkouts.filter((c) => c.missing.length > 0);
    if (missing.length > 0) {
      return failed(
        ctx,
        ExitCode.checksFailed,
        `${plural(missing.length, 'path')} not checked out: data missing from the cache`,
        'fetch it with `gitops-ml data pull`',
      );
    }
    return { exitCode: ExitCode.ok };
  },
};
