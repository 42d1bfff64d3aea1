import { availableParallelism } from 'node:os';
import { UsageError, type ExitCode } from '../../errors.ts';
import type { ObjectRef } from '../../data/cache.ts';
import { selectRemote } from '../../data/config.ts';
import { findRepoRoot } from '../../data/repo-path.ts';
import { openRemote } from '../../data/remote/open.ts';
import type { RemoteStore } from '../../data/remote/store.ts';
import { closeDataRepo, openDataRepo, type DataRepo } from '../../data/repo.ts';
import type { TrackedCheckout } from '../../data/sync.ts';
import { listTracked, selectTracked, type Tracked } from '../../data/targets.ts';
import { defaultJobs, type TransferOptions } from '../../data/transfer.ts';
import type { Parsed } from '../args.ts';
import type { CommandContext, CommandOutcome } from '../command.ts';
import { progressPhase } from './data-progress.ts';

export const remoteOption = { remote: { type: 'string', short: 'r' } } as const;
export const jobsOption = { jobs: { type: 'string', short: 'j' } } as const;

/** Open the data side of the repository holding ctx.root, run `fn`, and keep the state cache. */
export async function withDataRepo<T>(
  ctx: CommandContext,
  fn: (repo: DataRepo) => Promise<T>,
): Promise<T> {
  const repo = await openDataRepo(findRepoRoot(ctx.root));
  try {
    return await fn(repo);
  } finally {
    await closeDataRepo(repo);
  }
}

/** The tracked outputs the positional paths name (all when none). */
export async function trackedFor(
  repo: DataRepo,
  ctx: CommandContext,
  args: Parsed,
): Promise<Tracked[]> {
  return selectTracked(
    await listTracked(repo.root, repo.state),
    repo.root,
    ctx.root,
    args.positionals,
  );
}

export function jobsFrom(args: Parsed): number | undefined {
  const raw = args.values.jobs;
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 256)
    throw new UsageError(`-j/--jobs takes a whole number from 1 to 256, got "${String(raw)}"`);
  return n;
}

/** Tracked outputs grouped by the remote they go to: `-r`, else the output's own, else the default. */
export function byRemote(
  repo: DataRepo,
  tracked: readonly Tracked[],
  args: Parsed,
): Map<string, Tracked[]> {
  const explicit = typeof args.values.remote === 'string' ? args.values.remote : undefined;
  const groups = new Map<string, Tracked[]>();
  for (const t of tracked.filter((x) => x.cache && x.md5 !== undefined)) {
    const name = selectRemote(repo.config, explicit ?? t.remote).name;
    groups.set(name, [...(groups.get(name) ?? []), t]);
  }
  return groups;
}

export async function openStore(
  repo: DataRepo,
  ctx: CommandContext,
  name: string,
): Promise<RemoteStore> {
  return openRemote(selectRemote(repo.config, name), ctx.io.env);
}

/** Transfer callbacks that drive a progress line; `jobs` from -j, the remote's config, or the default. */
export function transferOptions(
  ctx: CommandContext,
  label: string,
  jobs: number | undefined,
): { options: TransferOptions; done: () => void } {
  const phase = progressPhase(ctx.io, label);
  return {
    options: {
      jobs: jobs ?? defaultJobs(availableParallelism()),
      onStart: (bytes, objects) => phase.start(bytes, objects),
      onBytes: (n) => phase.bytes(n),
      onObject: () => phase.item(),
    },
    done: () => phase.done(),
  };
}

export { printJson } from './data-progress.ts';

/** How --json names a cache object: its oid. */
export function refJson(r: ObjectRef): string {
  return r.oid;
}

/** An error as one line: its code (or name) and message. */
export function errorText(error: unknown): string {
  const e = error as { name?: string; message?: string; code?: string };
  return [e.code ?? e.name, e.message].filter(Boolean).join(': ') || String(error);
}

/** An object that failed to transfer, as --json lists it. */
export function failureJson(f: { ref: ObjectRef; error: unknown }): { oid: string; error: string } {
  return { oid: f.ref.oid, error: errorText(f.error) };
}

/** One tracked path's checkout, as --json lists it. */
export function checkoutJson(c: TrackedCheckout): unknown {
  return {
    path: c.path,
    written: c.written.length,
    removed: c.removed.length,
    missing: c.missing.map(refJson),
  };
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * A data command that did its work but must report a failure (objects missing, transfers failed)
 * after its JSON document is out: the message goes to stderr, the exit code to the outcome, so
 * stdout keeps exactly one JSON document.
 */
export function failed(
  ctx: CommandContext,
  exitCode: ExitCode,
  message: string,
  hint: string,
): CommandOutcome {
  ctx.io.stderr.write(`${ctx.style.red('error')}: ${message}\n${ctx.style.dim('hint')}: ${hint}\n`);
  return { exitCode, summary: `### ❌ ${message}\n` };
}

/**
 * Run a transfer per remote the tracked outputs go to (see byRemote), each with its store open and
 * a progress line labelled `${verb} ${remote}`; stores are closed whatever happens.
 */
export async function perRemote<R>(
  repo: DataRepo,
  ctx: CommandContext,
  args: Parsed,
  tracked: readonly Tracked[],
  verb: string,
  transfer: (group: Tracked[], store: RemoteStore, options: TransferOptions) => Promise<R>,
): Promise<{ remote: string; result: R }[]> {
  const jobs = jobsFrom(args);
  const out: { remote: string; result: R }[] = [];
  for (const [name, group] of byRemote(repo, tracked, args)) {
    const store = await openStore(repo, ctx, name);
    const progress = transferOptions(
      ctx,
      `${verb} ${name}`,
      jobs ?? repo.config.remotes.get(name)?.jobs,
    );
    try {
      out.push({ remote: name, result: await transfer(group, store, progress.options) });
    } finally {
      progress.done();
      store.close();
    }
  }
  return out;
}
