import { ExitCode } from '../../errors.ts';
import { pushTracked } from '../../data/sync.ts';
import type { Command } from '../command.ts';
import {
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

export const dataPush: Command = {
  name: 'data push',
  summary: 'upload cached data of tracked paths to a remote (only what it lacks)',
  usage: 'gitops-ml data push [path...] [-r remote] [-j jobs] [--json]',
  options: { ...remoteOption, ...jobsOption },
  positionals: true,
  async run(args, ctx) {
    const results = await withDataRepo(ctx, async (repo) => {
      const tracked = await trackedFor(repo, ctx, args);
      return perRemote(
        repo,
        ctx,
        args,
        tracked.filter((t) => t.push),
        'pushing to',
        (group, store, options) => pushTracked(repo, group, store, options),
      );
    });
    const uploaded = results.reduce((n, r) => n + r.result.uploaded.length, 0);
    const missing = results.flatMap((r) => r.result.missing);
    const failed = results.flatMap((r) => r.result.failed);
    if (ctx.json) {
      printJson(ctx, {
        remotes: results.map(({ remote, result }) => ({
          remote,
          uploaded: result.uploaded.length,
          present: result.present,
          missing: result.missing.map(refJson),
          failed: result.failed.map(failureJson),
        })),
      });
    } else {
      for (const { remote, result } of results)
        ctx.io.stderr.write(
          `${plural(result.uploaded.length, 'object')} pushed to ${remote}, ${result.present} already there\n`,
        );
    }
    if (failed.length > 0) {
      const first = failed[0]!;
      return failed_(
        ctx,
        ExitCode.infrastructure,
        `${plural(failed.length, 'object')} failed to upload (first: ${first.ref.oid}: ${errorText(first.error)})`,
        'run the push again: it resumes with what is still missing',
      );
    }
    if (missing.length > 0) {
      const shown = missing.slice(0, 5).map(refJson).join(', ') + (missing.length > 5 ? ', …' : '');
      return failed_(
        ctx,
        ExitCode.checksFailed,
        `${plural(missing.length, 'object')} could not be pushed, not in the local cache: ${shown}`,
        'pull them from another remote, or add the data again',
      );
    }
    return { exitCode: ExitCode.ok, outputs: { uploaded: String(uploaded) } };
  },
};
