import { NotFoundError } from '../forge/errors.ts';
import type { RepoId, StickyComment } from '../forge/port.ts';
import { chooseSticky, withMarker } from '../forge/sticky.ts';
import { describe } from './errors.ts';
import type { GitHubClient } from './octokit.ts';

interface Listed {
  id: number;
  body: string;
  url: string;
}

async function listComments(client: GitHubClient, repo: RepoId, number: number): Promise<Listed[]> {
  const comments = await describe(`list the comments of ${repo.owner}/${repo.repo}#${number}`, () =>
    client.paginate(client.rest.issues.listComments, {
      ...repo,
      issue_number: number,
      per_page: 100,
    }));
  // Only bots' comments can be ours: a person who pastes the marker neither hijacks the report
  // nor gets their comment deleted as a duplicate.
  return comments
    .filter((c) => c.user?.type === 'Bot')
    .map((c) => ({ id: c.id, body: c.body ?? '', url: c.html_url }));
}

async function deleteComment(client: GitHubClient, repo: RepoId, id: number): Promise<void> {
  try {
    await describe(`delete comment ${id}`, () =>
      client.rest.issues.deleteComment({ ...repo, comment_id: id }));
  } catch (error) {
    // Someone else removed it first: that is the state we wanted.
    if (!(error instanceof NotFoundError)) throw error;
  }
}

async function updateComment(client: GitHubClient, repo: RepoId, id: number, body: string) {
  const { data } = await describe(`update comment ${id} on ${repo.owner}/${repo.repo}`, () =>
    client.rest.issues.updateComment({ ...repo, comment_id: id, body }));
  return data.html_url;
}

/**
 * Upsert the comment that starts with `marker`. Every page of comments is searched. Two runs
 * racing may both create one; each creator then looks again and, if an older marked comment
 * exists, moves its body there and deletes its own, so the oldest one always survives alone.
 */
export async function upsertStickyComment(
  client: GitHubClient,
  repo: RepoId,
  number: number,
  marker: string,
  body: string,
): Promise<StickyComment> {
  const text = withMarker(marker, body);
  const { keep, duplicates } = chooseSticky(await listComments(client, repo, number), marker);
  for (const duplicate of duplicates) await deleteComment(client, repo, duplicate.id);
  if (keep) {
    if (keep.body === text) return { id: keep.id, url: keep.url, action: 'unchanged' };
    return {
      id: keep.id,
      url: await updateComment(client, repo, keep.id, text),
      action: 'updated',
    };
  }
  const { data: created } = await describe(`comment on ${repo.owner}/${repo.repo}#${number}`, () =>
    client.rest.issues.createComment({ ...repo, issue_number: number, body: text }));
  const { keep: winner } = chooseSticky(await listComments(client, repo, number), marker);
  if (!winner || winner.id === created.id)
    return { id: created.id, url: created.html_url, action: 'created' };
  await deleteComment(client, repo, created.id);
  const url =
    winner.body === text ? winner.url : await updateComment(client, repo, winner.id, text);
  return { id: winner.id, url, action: 'updated' };
}
