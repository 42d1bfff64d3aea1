import { ExitCode } from '../../errors.ts';
import { checkoutTracked, fetchTracked } from '../../data/sync.ts';
import type { Command } from '../command.ts';
import {
  checkoutJson,
  errorText,
  failed as failed_,
  failureJson,
  jobsOption,
  plural,
  printJson,
  refJson,
  remoteOption,
  trackedFor,
  withDataRepo,
  perRemote,
} from './data-shared.ts';

export const dataPull: Command = {
  name: 'data pull',
  summary: 'download missing data of tracked paths from a remote and check it out',
  usage: 'gitops-ml data pull [path...] [-r remote] [-j jobs] [--force] [--json]',
  options: { ...remoteOption, ...jobsOption, force: { type: 'boolean', short: 'f' } },
  positionals: true,
  async run(args, ctx) {
    const { fetched, checkouts } = await withDataRepo(ctx, async (repo) => {
      const tracked = await trackedFor(repo, ctx, args);
      const fetched = await perRemote(
        repo,
        ctx,
        args,
        tracked,
        'pulling from',
        (group, store, options) => fetchTracked(repo, group, store, options),
      );
      const checkouts = await checkoutTracked(repo, tracked, { force: args.values.force === true });
      return { fetched, checkouts };
    });
    const failed = fetched.flatMap((f) => f.result.failed);
    const missing = fetched.flatMap((f) => [...f.result.missing, ...f.result.corrupt]);
    if (ctx.json) {
      printJson(ctx, {
        remotes: fetched.map(({ remote, result }) => ({
          remote,
          downloaded: result.downloaded.length,
          present: result.present,
          missing: result.missing.map(refJson),
          corrupt: result.corrupt.map(refJson),
          failed: result.failed.map(failureJson),
        })),
        checkout: checkouts.map(checkoutJson),
      });
    } else {
      for (const { remote, result } of fetched)
        ctx.io.stderr.write(
          `${plural(result.downloaded.length, 'object')} fetched from ${remote}, ${result.present} already cached\n`,
        );
      const written = checkouts.reduce((n, c) => n + c.written.length, 0);
      ctx.io.stderr.write(`${plural(written, 'file')} checked out\n`);
      for (const r of fetched.flatMap((f) => f.result.corrupt))
        ctx.io.stderr.write(
          `${ctx.style.red('corrupt on remote:')} ${r.oid} (its content does not hash to its name; not used)\n`,
        );
    }
    if (failed.length > 0) {
      return failed_(
        ctx,
        ExitCode.infrastructure,
        `${plural(failed.length, 'object')} failed to download (first: ${errorText(failed[0]!.error)})`,
        'run the pull again: it resumes with what is still missing',
      );
    }
    const notCheckedOut = checkouts.filter((c) => c.missing.length > 0).map((c) => c.path);
    if (missing.length > 0 || notCheckedOut.length > 0) {
      return failed_(
        ctx,
        ExitCode.checksFailed,
        `${plural(missing.length, 'object')} not available on the remote; not checked out: ${notCheckedOut.join(', ') || 'none'}`,
        'push them from the machine that has them (`gitops-ml data push`), or pull from another remote with -r',
      );
    }
    return { exitCode: ExitCode.ok };
  },
};
