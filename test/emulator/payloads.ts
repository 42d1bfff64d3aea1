import type {
  Commit,
  PullRequest,
  PullRequestLabeledEvent,
  PullRequestOpenedEvent,
  PullRequestReviewSubmittedEvent,
  PullRequestSynchronizeEvent,
  PushEvent,
  Repository,
  User,
} from '@octokit/webhooks-types';
import { labelBody, pullCommon, repoUrls, userFields } from './bodies.ts';
import type { EmuPull, EmuRepo, EmuReview, EmuUser, State, Urls } from './state.ts';

/** Webhook payloads as GitHub writes them to GITHUB_EVENT_PATH, typed by @octokit/webhooks-types. */

function user(urls: Urls, u: EmuUser): User {
  return userFields(urls, u);
}

function repository(urls: Urls, repo: EmuRepo): Repository {
  return {
    id: repo.id,
    node_id: `R_${repo.id}`,
    name: repo.name,
    full_name: repo.fullName,
    private: repo.private,
    owner: user(urls, repo.owner),
    description: null,
    fork: repo.forkOf !== undefined,
    ...repoUrls(urls, repo.fullName),
    created_at: repo.createdAt,
    updated_at: repo.createdAt,
    pushed_at: repo.createdAt,
    homepage: null,
    size: 0,
    stargazers_count: 0,
    watchers_count: 0,
    language: null,
    has_issues: true,
    has_projects: false,
    has_downloads: false,
    has_wiki: false,
    has_pages: false,
    forks_count: 0,
    mirror_url: null,
    archived: false,
    open_issues_count: 0,
    license: null,
    forks: 0,
    open_issues: 0,
    watchers: 0,
    default_branch: repo.defaultBranch,
    is_template: false,
    web_commit_signoff_required: false,
    topics: [],
    custom_properties: {},
    visibility: repo.private ? 'private' : 'public',
  };
}

async function pullRequest(state: State, urls: Urls, pull: EmuPull): Promise<PullRequest> {
  const base = pull.base.repo;
  const baseSha = (await base.git.resolve(`refs/heads/${pull.base.ref}`)) ?? pull.headSha;
  const side = (repo: EmuRepo, ref: string, sha: string) => ({
    label: `${repo.owner.login}:${ref}`,
    ref,
    sha,
    user: user(urls, repo.owner),
    repo: repository(urls, repo),
  });
  return {
    ...pullCommon(urls, pull, pull.headSha),
    user: user(urls, pull.user),
    labels: pull.labels.map((l) => labelBody(urls, base, l)),
    head: side(pull.head.repo, pull.head.ref, pull.headSha),
    base: side(base, pull.base.ref, baseSha),
    mergeable: null,
    rebaseable: null,
    mergeable_state: 'unknown',
    comments: state.comments.filter((c) => c.repo === base && c.issue === pull.number).length,
    additions: 0,
    deletions: 0,
    changed_files: 0,
  };
}

export type PullRequestPayload =
  PullRequestOpenedEvent | PullRequestSynchronizeEvent | PullRequestLabeledEvent;

/** The payload of a pull_request event for `pull` as it is now. */
export async function pullRequestEvent(
  state: State,
  urls: Urls,
  pull: EmuPull,
  action: 'opened' | 'synchronize' | 'labeled',
  options: { sender?: EmuUser; label?: string; before?: string } = {},
): Promise<PullRequestPayload> {
  const pr = await pullRequest(state, urls, pull);
  const common = {
    number: pull.number,
    repository: repository(urls, pull.base.repo),
    sender: user(urls, options.sender ?? pull.user),
  };
  switch (action) {
    case 'opened':
      return {
        action,
        ...common,
        pull_request: {
          ...pr,
          state: 'open',
          closed_at: null,
          merged_at: null,
          active_lock_reason: null,
          merged_by: null,
        },
      };
    case 'synchronize':
      return {
        action,
        ...common,
        before: options.before ?? pull.headSha,
        after: pull.headSha,
        pull_request: pr,
      };
    case 'labeled': {
      const l =
        pull.labels.find((x) => x.name === options.label) ??
        state.label(pull.base.repo, options.label ?? '');
      return { action, ...common, pull_request: pr, label: labelBody(urls, pull.base.repo, l) };
    }
  }
}

export async function pullRequestReviewEvent(
  state: State,
  urls: Urls,
  pull: EmuPull,
  review: EmuReview,
): Promise<PullRequestReviewSubmittedEvent> {
  const pr = await pullRequest(state, urls, pull);
  const html = `${urls.server}/${pull.base.repo.fullName}/pull/${pull.number}`;
  return {
    action: 'submitted',
    review: {
      id: review.id,
      node_id: `PRR_${review.id}`,
      user: user(urls, review.user),
      body: review.body,
      commit_id: review.commitId ?? '',
      submitted_at: review.submittedAt,
      state: review.state.toLowerCase() as 'approved' | 'changes_requested' | 'commented',
      html_url: `${html}#pullrequestreview-${review.id}`,
      pull_request_url: pr.url,
      author_association:
        review.user.login === pull.base.repo.owner.login ? 'OWNER' : 'COLLABORATOR',
      _links: { html: { href: html }, pull_request: { href: pr.url } },
    },
    // The full pull request is a superset of the simple one review events carry.
    pull_request: { ...pr, head: { ...pr.head, repo: repository(urls, pull.head.repo) } },
    repository: repository(urls, pull.base.repo),
    sender: user(urls, review.user),
  };
}

/** A push event for a ref change the emulator recorded. */
export async function pushEvent(
  urls: Urls,
  repo: EmuRepo,
  change: { ref: string; before: string | null; after: string | null },
  pusher: EmuUser,
): Promise<PushEvent> {
  const zero = '0'.repeat(40);
  let head: Commit | null = null;
  if (change.after) {
    const c = await repo.git.commit(change.after);
    head = {
      id: change.after,
      tree_id: c.tree,
      distinct: true,
      message: c.message.replace(/\n$/, ''),
      timestamp: c.committer.date,
      url: `${urls.server}/${repo.fullName}/commit/${change.after}`,
      author: { name: c.author.name, email: c.author.email, username: c.author.name },
      committer: { name: c.committer.name, email: c.committer.email, username: c.committer.name },
      added: [],
      removed: [],
      modified: [],
    };
  }
  return {
    ref: change.ref,
    before: change.before ?? zero,
    after: change.after ?? zero,
    created: change.before === null,
    deleted: change.after === null,
    forced: false,
    base_ref: null,
    compare: `${urls.server}/${repo.fullName}/compare/${(change.before ?? zero).slice(0, 12)}...${(change.after ?? zero).slice(0, 12)}`,
    commits: head ? [head] : [],
    head_commit: head,
    repository: { ...repository(urls, repo), created_at: Date.parse(repo.createdAt) / 1000 },
    pusher: { name: pusher.login, email: `${pusher.id}+${pusher.login}@users.noreply.github.com` },
    sender: user(urls, pusher),
  };
}
