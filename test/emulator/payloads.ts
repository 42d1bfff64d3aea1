import type {
  Commit,
  Label,
  PullRequest,
  PullRequestLabeledEvent,
  PullRequestOpenedEvent,
  PullRequestReviewSubmittedEvent,
  PullRequestSynchronizeEvent,
  PushEvent,
  Repository,
  User,
} from '@octokit/webhooks-types';
import { repoUrls } from './bodies.ts';
import type { EmuPull, EmuRepo, EmuReview, EmuUser, State, Urls } from './state.ts';

/** Webhook payloads as GitHub writes them to GITHUB_EVENT_PATH, typed by @octokit/webhooks-types. */

function user(urls: Urls, u: EmuUser): User {
  const api = `${urls.api}/users/${u.login}`;
  return {
    login: u.login,
    id: u.id,
    node_id: `U_${u.id}`,
    avatar_url: `${urls.server}/avatars/${u.login}`,
    gravatar_id: '',
    url: api,
    html_url: `${urls.server}/${u.login}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: u.type,
    site_admin: false,
  };
}

function repository(urls: Urls, repo: EmuRepo): Repository {
  const u = repoUrls(urls, repo.fullName);
  return {
    id: repo.id,
    node_id: `R_${repo.id}`,
    name: repo.name,
    full_name: repo.fullName,
    private: repo.private,
    owner: user(urls, repo.owner),
    html_url: u.html_url,
    description: null,
    fork: repo.forkOf !== undefined,
    url: u.url,
    forks_url: u.forks_url,
    keys_url: u.keys_url,
    collaborators_url: u.collaborators_url,
    teams_url: u.teams_url,
    hooks_url: u.hooks_url,
    issue_events_url: u.issue_events_url,
    events_url: u.events_url,
    assignees_url: u.assignees_url,
    branches_url: u.branches_url,
    tags_url: u.tags_url,
    blobs_url: u.blobs_url,
    git_tags_url: u.git_tags_url,
    git_refs_url: u.git_refs_url,
    trees_url: u.trees_url,
    statuses_url: u.statuses_url,
    languages_url: u.languages_url,
    stargazers_url: u.stargazers_url,
    contributors_url: u.contributors_url,
    subscribers_url: u.subscribers_url,
    subscription_url: u.subscription_url,
    commits_url: u.commits_url,
    git_commits_url: u.git_commits_url,
    comments_url: u.comments_url,
    issue_comment_url: u.issue_comment_url,
    contents_url: u.contents_url,
    compare_url: u.compare_url,
    merges_url: u.merges_url,
    archive_url: u.archive_url,
    downloads_url: u.downloads_url,
    issues_url: u.issues_url,
    pulls_url: u.pulls_url,
    milestones_url: u.milestones_url,
    notifications_url: u.notifications_url,
    labels_url: u.labels_url,
    releases_url: u.releases_url,
    deployments_url: u.deployments_url,
    created_at: repo.createdAt,
    updated_at: repo.createdAt,
    pushed_at: repo.createdAt,
    git_url: u.git_url,
    ssh_url: u.ssh_url,
    clone_url: u.clone_url,
    svn_url: u.svn_url,
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

function label(repo: EmuRepo, l: { id: number; name: string; color: string }, urls: Urls): Label {
  return {
    id: l.id,
    node_id: `LA_${l.id}`,
    url: `${urls.api}/repos/${repo.fullName}/labels/${encodeURIComponent(l.name)}`,
    name: l.name,
    description: null,
    color: l.color,
    default: false,
  };
}

async function pullRequest(state: State, urls: Urls, pull: EmuPull): Promise<PullRequest> {
  const base = pull.base.repo;
  const api = `${urls.api}/repos/${base.fullName}`;
  const html = `${urls.server}/${base.fullName}/pull/${pull.number}`;
  const baseSha = (await base.git.resolve(`refs/heads/${pull.base.ref}`)) ?? pull.headSha;
  const link = (href: string) => ({ href });
  return {
    url: `${api}/pulls/${pull.number}`,
    id: pull.id,
    node_id: `PR_${pull.id}`,
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: `${api}/issues/${pull.number}`,
    number: pull.number,
    state: pull.state,
    locked: false,
    title: pull.title,
    user: user(urls, pull.user),
    body: pull.body,
    created_at: pull.createdAt,
    updated_at: pull.updatedAt,
    closed_at: pull.closedAt,
    merged_at: pull.mergedAt,
    merge_commit_sha: pull.mergeCommitSha,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    labels: pull.labels.map((l) => label(base, l, urls)),
    milestone: null,
    commits_url: `${api}/pulls/${pull.number}/commits`,
    review_comments_url: `${api}/pulls/${pull.number}/comments`,
    review_comment_url: `${api}/pulls/comments{/number}`,
    comments_url: `${api}/issues/${pull.number}/comments`,
    statuses_url: `${api}/statuses/${pull.headSha}`,
    head: {
      label: `${pull.head.repo.owner.login}:${pull.head.ref}`,
      ref: pull.head.ref,
      sha: pull.headSha,
      user: user(urls, pull.head.repo.owner),
      repo: repository(urls, pull.head.repo),
    },
    base: {
      label: `${base.owner.login}:${pull.base.ref}`,
      ref: pull.base.ref,
      sha: baseSha,
      user: user(urls, base.owner),
      repo: repository(urls, base),
    },
    _links: {
      self: link(`${api}/pulls/${pull.number}`),
      html: link(html),
      issue: link(`${api}/issues/${pull.number}`),
      comments: link(`${api}/issues/${pull.number}/comments`),
      review_comments: link(`${api}/pulls/${pull.number}/comments`),
      review_comment: link(`${api}/pulls/comments{/number}`),
      commits: link(`${api}/pulls/${pull.number}/commits`),
      statuses: link(`${api}/statuses/${pull.headSha}`),
    },
    author_association: pull.user.login === base.owner.login ? 'OWNER' : 'CONTRIBUTOR',
    auto_merge: null,
    active_lock_reason: null,
    draft: pull.draft,
    merged: pull.mergedAt !== null,
    mergeable: null,
    rebaseable: null,
    mergeable_state: 'unknown',
    merged_by: null,
    comments: state.comments.filter((c) => c.repo === base && c.issue === pull.number).length,
    review_comments: 0,
    maintainer_can_modify: false,
    commits: 1,
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
      return { action, ...common, pull_request: pr, label: label(pull.base.repo, l, urls) };
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
    pull_request: {
      ...pr,
      merged: undefined,
    } as unknown as PullRequestReviewSubmittedEvent['pull_request'],
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
