import type { components } from '@octokit/openapi-types';
import type { EmuPull, EmuRepo, EmuUser, Urls } from './state.ts';

type Schemas = components['schemas'];

function nodeId(kind: string, id: number): string {
  return Buffer.from(`${kind}${id}`).toString('base64').replace(/=+$/, '');
}

/** The fields every user object carries, shared by the REST and webhook shapes. */
export function userFields(urls: Urls, user: EmuUser) {
  const api = `${urls.api}/users/${user.login}`;
  return {
    login: user.login,
    id: user.id,
    node_id: nodeId('U_', user.id),
    avatar_url: `${urls.server}/avatars/${user.login}`,
    gravatar_id: '',
    url: api,
    html_url: `${urls.server}/${user.login}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: user.type,
    site_admin: false,
  };
}

export function simpleUser(urls: Urls, user: EmuUser): Schemas['simple-user'] {
  return userFields(urls, user);
}

/** The URL templates every repository object carries, shared by the REST and webhook shapes. */
export function repoUrls(urls: Urls, fullName: string) {
  const api = `${urls.api}/repos/${fullName}`;
  return {
    url: api,
    html_url: `${urls.server}/${fullName}`,
    archive_url: `${api}/{archive_format}{/ref}`,
    assignees_url: `${api}/assignees{/user}`,
    blobs_url: `${api}/git/blobs{/sha}`,
    branches_url: `${api}/branches{/branch}`,
    collaborators_url: `${api}/collaborators{/collaborator}`,
    comments_url: `${api}/comments{/number}`,
    commits_url: `${api}/commits{/sha}`,
    compare_url: `${api}/compare/{base}...{head}`,
    contents_url: `${api}/contents/{+path}`,
    contributors_url: `${api}/contributors`,
    deployments_url: `${api}/deployments`,
    downloads_url: `${api}/downloads`,
    events_url: `${api}/events`,
    forks_url: `${api}/forks`,
    git_commits_url: `${api}/git/commits{/sha}`,
    git_refs_url: `${api}/git/refs{/sha}`,
    git_tags_url: `${api}/git/tags{/sha}`,
    issue_comment_url: `${api}/issues/comments{/number}`,
    issue_events_url: `${api}/issues/events{/number}`,
    issues_url: `${api}/issues{/number}`,
    keys_url: `${api}/keys{/key_id}`,
    labels_url: `${api}/labels{/name}`,
    languages_url: `${api}/languages`,
    merges_url: `${api}/merges`,
    milestones_url: `${api}/milestones{/number}`,
    notifications_url: `${api}/notifications{?since,all,participating}`,
    pulls_url: `${api}/pulls{/number}`,
    releases_url: `${api}/releases{/id}`,
    stargazers_url: `${api}/stargazers`,
    statuses_url: `${api}/statuses/{sha}`,
    subscribers_url: `${api}/subscribers`,
    subscription_url: `${api}/subscription`,
    tags_url: `${api}/tags`,
    teams_url: `${api}/teams`,
    trees_url: `${api}/git/trees{/sha}`,
    hooks_url: `${api}/hooks`,
    git_url: `${urls.server.replace(/^https?/, 'git')}/${fullName}.git`,
    ssh_url: `git@${new URL(urls.server).host}:${fullName}.git`,
    clone_url: `${urls.server}/${fullName}.git`,
    svn_url: `${urls.server}/${fullName}`,
  };
}

export function repository(urls: Urls, repo: EmuRepo): Schemas['repository'] {
  return {
    id: repo.id,
    node_id: nodeId('R_', repo.id),
    name: repo.name,
    full_name: repo.fullName,
    license: null,
    forks: 0,
    owner: simpleUser(urls, repo.owner),
    private: repo.private,
    description: null,
    fork: repo.forkOf !== undefined,
    ...repoUrls(urls, repo.fullName),
    mirror_url: null,
    homepage: null,
    language: null,
    forks_count: 0,
    stargazers_count: 0,
    watchers_count: 0,
    size: 0,
    default_branch: repo.defaultBranch,
    open_issues_count: 0,
    has_issues: true,
    has_projects: false,
    has_wiki: false,
    has_pages: false,
    has_downloads: false,
    archived: false,
    disabled: false,
    pushed_at: repo.createdAt,
    created_at: repo.createdAt,
    updated_at: repo.createdAt,
    open_issues: 0,
    watchers: 0,
    visibility: repo.private ? 'private' : 'public',
  };
}

export function minimalRepository(urls: Urls, repo: EmuRepo): Schemas['minimal-repository'] {
  const full: Partial<Schemas['repository']> = repository(urls, repo);
  delete full.license;
  return full as Schemas['minimal-repository'];
}

function link(href: string): Schemas['link'] {
  return { href };
}

/**
 * The scalar fields of a pull request (URLs, state, times, links), the same in REST bodies and
 * webhook payloads; the nested users, repositories and labels differ in type and are added by
 * each builder.
 */
export function pullCommon(urls: Urls, pull: EmuPull, headSha: string) {
  const api = `${urls.api}/repos/${pull.base.repo.fullName}`;
  const html = `${urls.server}/${pull.base.repo.fullName}/pull/${pull.number}`;
  return {
    url: `${api}/pulls/${pull.number}`,
    id: pull.id,
    node_id: nodeId('PR_', pull.id),
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: `${api}/issues/${pull.number}`,
    commits_url: `${api}/pulls/${pull.number}/commits`,
    review_comments_url: `${api}/pulls/${pull.number}/comments`,
    review_comment_url: `${api}/pulls/comments{/number}`,
    comments_url: `${api}/issues/${pull.number}/comments`,
    statuses_url: `${api}/statuses/${headSha}`,
    number: pull.number,
    state: pull.state,
    locked: false,
    title: pull.title,
    body: pull.body,
    milestone: null,
    active_lock_reason: null,
    created_at: pull.createdAt,
    updated_at: pull.updatedAt,
    closed_at: pull.closedAt,
    merged_at: pull.mergedAt,
    merge_commit_sha: pull.mergeCommitSha,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    _links: {
      self: link(`${api}/pulls/${pull.number}`),
      html: link(html),
      issue: link(`${api}/issues/${pull.number}`),
      comments: link(`${api}/issues/${pull.number}/comments`),
      review_comments: link(`${api}/pulls/${pull.number}/comments`),
      review_comment: link(`${api}/pulls/comments{/number}`),
      commits: link(`${api}/pulls/${pull.number}/commits`),
      statuses: link(`${api}/statuses/${headSha}`),
    },
    author_association:
      pull.user.login === pull.base.repo.owner.login
        ? ('OWNER' as const)
        : ('CONTRIBUTOR' as const),
    auto_merge: null,
    draft: pull.draft,
    merged: pull.mergedAt !== null,
    merged_by: null,
    review_comments: 0,
    maintainer_can_modify: false,
    commits: 1,
  };
}

export function labelBody(
  urls: Urls,
  repo: EmuRepo,
  l: { id: number; name: string; color: string },
) {
  return {
    id: l.id,
    node_id: nodeId('LA_', l.id),
    url: `${urls.api}/repos/${repo.fullName}/labels/${encodeURIComponent(l.name)}`,
    name: l.name,
    description: null,
    color: l.color,
    default: false,
  };
}

export function pullRequest(
  urls: Urls,
  pull: EmuPull,
  shas: { head: string; base: string },
  counts: { comments: number; changedFiles: number; additions: number; deletions: number },
): Schemas['pull-request'] {
  const side = (repo: EmuRepo, ref: string, sha: string) => ({
    label: `${repo.owner.login}:${ref}`,
    ref,
    repo: repository(urls, repo),
    sha,
    user: simpleUser(urls, repo.owner),
  });
  return {
    ...pullCommon(urls, pull, shas.head),
    user: simpleUser(urls, pull.user),
    labels: pull.labels.map((l) => labelBody(urls, pull.base.repo, l)),
    head: side(pull.head.repo, pull.head.ref, shas.head),
    base: side(pull.base.repo, pull.base.ref, shas.base),
    mergeable: pull.state === 'open' ? true : null,
    rebaseable: pull.state === 'open' ? true : null,
    mergeable_state: pull.state === 'open' ? 'clean' : 'unknown',
    comments: counts.comments,
    additions: counts.additions,
    deletions: counts.deletions,
    changed_files: counts.changedFiles,
  };
}

export { nodeId };
