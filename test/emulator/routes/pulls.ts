import type { components } from '@octokit/openapi-types';
import { nodeId, pullRequest, simpleUser } from '../bodies.ts';
import { json, notFound, optionalString, paginate, requireString, unprocessable } from '../http.ts';
import { route, type ApiRequest } from '../router.ts';
import type { EmuPull, EmuRepo, State } from '../state.ts';

type Schemas = components['schemas'];

async function branchSha(repo: EmuRepo, ref: string): Promise<string | undefined> {
  return repo.git.resolve(`refs/heads/${ref}^{commit}`);
}

export async function pullBody(req: ApiRequest, pull: EmuPull): Promise<Schemas['pull-request']> {
  const base = (await branchSha(pull.base.repo, pull.base.ref)) ?? pull.headSha;
  const files = await pull.base.repo.git.diff(base, pull.headSha).catch(() => []);
  return pullRequest(
    req.urls,
    pull,
    { head: pull.headSha, base },
    {
      comments: req.state.comments.filter(
        (c) => c.repo === pull.base.repo && c.issue === pull.number,
      ).length,
      changedFiles: files.length,
      additions: files.reduce((n, f) => n + f.additions, 0),
      deletions: files.reduce((n, f) => n + f.deletions, 0),
    },
  );
}

/** Open a pull request: the state change shared by the REST route and the test API. */
export async function openPull(
  state: State,
  base: EmuRepo,
  options: {
    head: string;
    base: string;
    title: string;
    body?: string | null;
    user: string;
    draft?: boolean;
  },
): Promise<EmuPull> {
  const [headOwner, headRef] = options.head.includes(':')
    ? (options.head.split(':', 2) as [string, string])
    : [base.owner.login, options.head];
  const headRepo =
    headOwner.toLowerCase() === base.owner.login.toLowerCase()
      ? base
      : [...state.repos.values()].find(
          (r) => r.owner.login.toLowerCase() === headOwner.toLowerCase() && r.forkOf === base,
        );
  const headSha = headRepo ? await branchSha(headRepo, headRef) : undefined;
  if (!headRepo || !headSha)
    throw unprocessable('Validation Failed', [
      { resource: 'PullRequest', field: 'head', code: 'invalid' },
    ]);
  if (!(await branchSha(base, options.base)))
    throw unprocessable('Validation Failed', [
      { resource: 'PullRequest', field: 'base', code: 'invalid' },
    ]);
  const existing = state.pulls.find(
    (p) =>
      p.base.repo === base &&
      p.state === 'open' &&
      p.head.repo === headRepo &&
      p.head.ref === headRef &&
      p.base.ref === options.base,
  );
  if (existing)
    throw unprocessable('Validation Failed', [
      {
        resource: 'PullRequest',
        code: 'custom',
        message: `A pull request already exists for ${headOwner}:${headRef}.`,
      },
    ]);
  const at = state.clock.now();
  const pull: EmuPull = {
    id: state.nextId(),
    number: state.nextIssueNumber(base),
    base: { repo: base, ref: options.base },
    head: { repo: headRepo, ref: headRef },
    headSha,
    title: options.title,
    body: options.body ?? null,
    user: state.user(options.user),
    state: 'open',
    draft: options.draft ?? false,
    labels: [],
    createdAt: at,
    updatedAt: at,
    closedAt: null,
    mergedAt: null,
    mergeCommitSha: null,
  };
  state.pulls.push(pull);
  await state.moveHead(pull, headSha, at);
  return pull;
}

function review(req: ApiRequest, r: State['reviews'][number]): Schemas['pull-request-review'] {
  const html = `${req.urls.server}/${r.repo.fullName}/pull/${r.pull}`;
  return {
    id: r.id,
    node_id: nodeId('PRR_', r.id),
    user: simpleUser(req.urls, r.user),
    body: r.body,
    state: r.state,
    html_url: `${html}#pullrequestreview-${r.id}`,
    pull_request_url: `${req.urls.api}/repos/${r.repo.fullName}/pulls/${r.pull}`,
    _links: { html: { href: html }, pull_request: { href: html } },
    submitted_at: r.submittedAt,
    commit_id: r.commitId,
    author_association: r.user.login === r.repo.owner.login ? 'OWNER' : 'COLLABORATOR',
  };
}

export const pullRoutes = [
  route('GET', '/repos/{owner}/{repo}/pulls/{pull_number}', async (req) => {
    const repo = req.state.repo(req.params.owner!, req.params.repo!);
    return json(200, await pullBody(req, req.state.pull(repo, Number(req.params.pull_number))));
  }),

  route('GET', '/repos/{owner}/{repo}/pulls', async (req) => {
    const repo = req.state.repo(req.params.owner!, req.params.repo!);
    const state = req.query.get('state') ?? 'open';
    const head = req.query.get('head');
    const base = req.query.get('base');
    const pulls = req.state.pulls.filter(
      (p) =>
        p.base.repo === repo &&
        (state === 'all' || p.state === state) &&
        (!base || p.base.ref === base) &&
        (!head || `${p.head.repo.owner.login}:${p.head.ref}`.toLowerCase() === head.toLowerCase()),
    );
    const page = paginate(req.url, pulls);
    page.body = await Promise.all((page.body as EmuPull[]).map((p) => pullBody(req, p)));
    return page;
  }),

  route('POST', '/repos/{owner}/{repo}/pulls', async (req) => {
    const repo = req.state.repo(req.params.owner!, req.params.repo!);
    const pull = await openPull(req.state, repo, {
      head: requireString(req.body, 'head', 'PullRequest'),
      base: requireString(req.body, 'base', 'PullRequest'),
      title: requireString(req.body, 'title', 'PullRequest'),
      body: optionalString(req.body, 'body') ?? null,
      user: req.token.user.login,
      draft: (req.body as { draft?: unknown }).draft === true,
    });
    return json(201, await pullBody(req, pull));
  }),

  route('PATCH', '/repos/{owner}/{repo}/pulls/{pull_number}', async (req) => {
    const repo = req.state.repo(req.params.owner!, req.params.repo!);
    const pull = req.state.pull(repo, Number(req.params.pull_number));
    const title = optionalString(req.body, 'title');
    const body = optionalString(req.body, 'body');
    const state = optionalString(req.body, 'state');
    if (title !== undefined) pull.title = title;
    if (body !== undefined) pull.body = body;
    if (state === 'open' || state === 'closed') {
      pull.state = state;
      pull.closedAt = state === 'closed' ? req.state.clock.now() : null;
    }
    pull.updatedAt = req.state.clock.now();
    return json(200, await pullBody(req, pull));
  }),

  route('GET', '/repos/{owner}/{repo}/pulls/{pull_number}/files', async (req) => {
    const repo = req.state.repo(req.params.owner!, req.params.repo!);
    const pull = req.state.pull(repo, Number(req.params.pull_number));
    const base = (await branchSha(repo, pull.base.ref)) ?? pull.headSha;
    const statuses: Record<string, Schemas['diff-entry']['status']> = {
      A: 'added',
      D: 'removed',
      M: 'modified',
      R: 'renamed',
      C: 'copied',
      T: 'changed',
    };
    const files = (await repo.git.diff(base, pull.headSha)).map((f): Schemas['diff-entry'] => {
      const entry: Schemas['diff-entry'] = {
        sha: /^0+$/.test(f.sha) ? null : f.sha,
        filename: f.path,
        status: statuses[f.status[0]!] ?? 'modified',
        additions: f.additions,
        deletions: f.deletions,
        changes: f.additions + f.deletions,
        blob_url: `${req.urls.server}/${repo.fullName}/blob/${pull.headSha}/${f.path}`,
        raw_url: `${req.urls.server}/${repo.fullName}/raw/${pull.headSha}/${f.path}`,
        contents_url: `${req.urls.api}/repos/${repo.fullName}/contents/${f.path}?ref=${pull.headSha}`,
      };
      if (f.previousPath) entry.previous_filename = f.previousPath;
      return entry;
    });
    return paginate(req.url, files);
  }),

  route('GET', '/repos/{owner}/{repo}/pulls/{pull_number}/reviews', (req) => {
    const repo = req.state.repo(req.params.owner!, req.params.repo!);
    const number = Number(req.params.pull_number);
    req.state.pull(repo, number);
    const reviews = req.state.reviews.filter((r) => r.repo === repo && r.pull === number);
    return paginate(
      req.url,
      reviews.map((r) => review(req, r)),
    );
  }),

  route('GET', '/repos/{owner}/{repo}/commits/{commit_sha}/pulls', (req) => {
    const repo = req.state.repo(req.params.owner!, req.params.repo!);
    const sha = req.params.commit_sha!;
    const pulls = req.state.pulls.filter(
      (p) => p.base.repo === repo && (p.headSha === sha || p.mergeCommitSha === sha),
    );
    if (pulls.length === 0 && !/^[0-9a-f]{40}$/.test(sha)) throw notFound();
    return Promise.all(pulls.map((p) => pullBody(req, p))).then((bodies) =>
      paginate(req.url, bodies),
    );
  }),
];
