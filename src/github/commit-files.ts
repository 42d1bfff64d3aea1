import { setTimeout as sleep } from 'node:timers/promises';
import { ConflictError, NotFoundError } from '../forge/errors.ts';
import type { BotPullRequestSpec, CommitResult, CommitSpec, FileChange } from '../forge/port.ts';
import { blobId, GitScratch, type GitRemote } from './git-transport.ts';

/** How often a commit is rebuilt on a moved branch (or retried after a transport error). */
const MAX_ATTEMPTS = 6;

async function backoff(attempt: number, unitMs: number): Promise<void> {
  // Jittered, so concurrent writers that collided do not collide again in lockstep.
  await sleep(Math.round((attempt * attempt * unitMs) / 4 + Math.random() * unitMs * 0.25));
}

/**
 * Add one commit on top of `spec.branch` over git: fetch the tip, write the files on its tree,
 * push without force. When the push is rejected because the branch moved, fetch again and
 * rebuild; when the tip already holds exactly these files (our own earlier push whose reply was
 * lost, or a concurrent twin), stop without a commit.
 */
export async function commitFilesByGit(
  remote: GitRemote,
  spec: CommitSpec,
  retryUnitMs: number,
): Promise<CommitResult> {
  const scratch = await GitScratch.open(remote, retryUnitMs);
  try {
    let pushed: string | undefined;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const tip = await scratch.fetch(spec.branch);
      if (tip === undefined)
        throw new NotFoundError(`cannot commit to ${spec.branch}: no such branch`, {
          status: 404,
          hint: 'the pull request branch was deleted; nothing to commit back to',
        });
      if (pushed !== undefined && tip === pushed)
        return { sha: pushed, head: tip, retries: attempt };
      const tree = await scratch.tree(tip, spec.files);
      if (tree === scratch.treeOf(tip)) return { sha: null, head: tip, retries: attempt };
      const sha = await scratch.commit(tree, [tip], spec.message, spec.author);
      const outcome = await scratch.push(sha, spec.branch);
      if (outcome === 'pushed') return { sha, head: sha, retries: attempt };
      // A transport failure may have hidden a successful push: remember it to recognise it.
      if (outcome === 'transport') pushed = sha;
      await backoff(attempt + 1, retryUnitMs);
    }
    throw new ConflictError(`cannot commit to ${spec.branch}: it kept moving`, {
      hint: 'something pushes to this branch continuously; run again when it settles',
    });
  } finally {
    await scratch.close();
  }
}

async function sameFiles(scratch: GitScratch, tip: string, files: readonly FileChange[]) {
  const have = await scratch.blobs(
    tip,
    files.map((f) => f.path),
  );
  for (const file of files) {
    if (file.content === null) {
      if (have.has(file.path)) return false;
    } else if (have.get(file.path) !== blobId(file.content)) return false;
  }
  return true;
}

/**
 * Make the bot branch hold `spec.files` on top of the base branch. The branch belongs to the
 * bot: it is regenerated from the base and replaced with a lease (only if it still points where
 * we saw it), and never when its tip was authored by someone else. When the branch already holds
 * these files nothing is pushed, so reviews on its head stay valid.
 */
export async function pushBotBranch(
  remote: GitRemote,
  spec: BotPullRequestSpec,
  retryUnitMs: number,
): Promise<{ sha: string; changed: boolean }> {
  const scratch = await GitScratch.open(remote, retryUnitMs);
  try {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const base = await scratch.fetch(spec.base);
      if (base === undefined)
        throw new NotFoundError(
          `cannot update ${spec.branch}: base branch ${spec.base} does not exist`,
          {
            status: 404,
          },
        );
      const tip = await scratch.fetch(spec.branch);
      if (tip !== undefined) {
        if (await sameFiles(scratch, tip, spec.files)) return { sha: tip, changed: false };
        const email = await scratch.authorEmail(tip);
        if (email.toLowerCase() !== spec.author.email.toLowerCase())
          throw new ConflictError(
            `${spec.branch} has a commit by ${email}; gitops-ml will not overwrite someone else's work`,
            {
              hint: `merge or close its pull request, or delete the branch ${spec.branch}, then run again`,
            },
          );
      }
      const tree = await scratch.tree(base, spec.files);
      const sha = await scratch.commit(tree, [base], spec.commitMessage, spec.author);
      if ((await scratch.push(sha, spec.branch, tip ?? '')) === 'pushed')
        return { sha, changed: true };
      await backoff(attempt + 1, retryUnitMs);
    }
    throw new ConflictError(`cannot update ${spec.branch}: it kept moving`, { hint: 'run again' });
  } finally {
    await scratch.close();
  }
}
