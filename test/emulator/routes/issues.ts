import type { components } from '@octokit/openapi-types';
import { labelBody, nodeId, simpleUser } from '../bodies.ts';
import { HttpError, json, notFound, paginate, requireString, unprocessable } from '../http.ts';
import { route, type ApiRequest } from '../router.ts';
import type { EmuComment, EmuIssueEvent, EmuPull, EmuRepo, EmuUser, State } from '../state.ts';

type Schemas = components['schemas'];

/** GitHub's documented limit for an issue or PR comment body. */
export const MAX_COMMENT_LENGTH = 65536;

function comment(req: ApiRequest, c: EmuComment): Schemas['issue-comment'] {
  const api = `${req.urls.api}/repos/${c.repo.fullName}`;
  return {
    id: c.id,
    node_id: nodeId('IC_', c.id),
    url: `${api}/issues/comments/${c.id}`,
    body: c.body,
    html_url: `${req.urls.server}/${c.repo.fullName}/pull/${c.issue}#issuecomment-${c.id}`,
    user: simpleUser(req.urls, c.user),
    created_at: c.createdAt,
    updated_at: c.updatedAt,
    issue_url: `${api}/issues/${c.issue}`,
    author_association: c.user.login === c.repo.owner.login ? 'OWNER' : 'NONE',
  };
}

function checkBody(body: unknown): string {
  const text = requireString(body, 'body', 'IssueComment');
  if ([...text].length > MAX_COMMENT_LENGTH)
    throw unprocessable('Validation Failed', [
      {
        resource: 'IssueComment',
        code: 'custom',
        field: 'body',
        message: `body is too long (maximum is ${MAX_COMMENT_LENGTH} characters)`,
      },
    ]);
  return text;
}

function issue(req: ApiRequest): { repo: EmuRepo; number: number } {
  const repo = req.state.repo(req.params.owner!, req.params.repo!);
  const number = Number(req.params.issue_number);
  req.state.pull(repo, number);
  return { repo, number };
}

function findComment(req: ApiRequest): EmuComment {
  const repo = req.state.repo(req.params.owner!, req.params.repo!);
  const found = req.state.comments.find(
    (c) => c.repo === repo && c.id === Number(req.params.comment_id),
  );
  if (!found) throw notFound();
  return found;
}

/** Put labels on a pull request, recording a `labeled` event for each new one. */
export function addLabels(state: State, pull: EmuPull, names: readonly string[], actor: EmuUser) {
  for (const name of names) {
    if (pull.labels.some((l) => l.name.toLowerCase() === name.toLowerCase())) continue;
    const label = state.label(pull.base.repo, name);
    pull.labels.push(label);
    state.events.push({
      id: state.nextId(),
      repo: pull.base.repo,
      issue: pull.number,
      event: 'labeled',
      actor,
      label: { name: label.name, color: label.color },
      commitId: null,
      createdAt: state.clock.now(),
    });
  }
}

export function removeLabel(state: State, pull: EmuPull, name: string, actor: EmuUser): boolean {
  const index = pull.labels.findIndex((l) => l.name.toLowerCase() === name.toLowerCase());
  if (index < 0) return false;
  const [label] = pull.labels.splice(index, 1);
  state.events.push({
    id: state.nextId(),
    repo: pull.base.repo,
    issue: pull.number,
    event: 'unlabeled',
    actor,
    label: { name: label!.name, color: label!.color },
    commitId: null,
    createdAt: state.clock.now(),
  });
  return true;
}

function issueEvent(req: ApiRequest, e: EmuIssueEvent): Schemas['issue-event'] {
  const body: Schemas['issue-event'] = {
    id: e.id,
    node_id: nodeId('LE_', e.id),
    url: `${req.urls.api}/repos/${e.repo.fullName}/issues/events/${e.id}`,
    actor: simpleUser(req.urls, e.actor),
    event: e.event,
    commit_id: e.commitId,
    commit_url: null,
    created_at: e.createdAt,
  };
  if (e.label) body.label = e.label;
  return body;
}

export const issueRoutes = [
  route('GET', '/repos/{owner}/{repo}/issues/{issue_number}/comments', (req) => {
    const { repo, number } = issue(req);
    const comments = req.state.comments
      .filter((c) => c.repo === repo && c.issue === number)
      .map((c) => comment(req, c));
    return paginate(req.url, comments);
  }),

  route('POST', '/repos/{owner}/{repo}/issues/{issue_number}/comments', (req) => {
    const { repo, number } = issue(req);
    const at = req.state.clock.now();
    const created: EmuComment = {
      id: req.state.nextId(),
      repo,
      issue: number,
      body: checkBody(req.body),
      user: req.token.user,
      createdAt: at,
      updatedAt: at,
    };
    req.state.comments.push(created);
    return json(201, comment(req, created));
  }),

  route('PATCH', '/repos/{owner}/{repo}/issues/comments/{comment_id}', (req) => {
    const found = findComment(req);
    found.body = checkBody(req.body);
    found.updatedAt = req.state.clock.now();
    return json(200, comment(req, found));
  }),

  route('DELETE', '/repos/{owner}/{repo}/issues/comments/{comment_id}', (req) => {
    const found = findComment(req);
    req.state.comments.splice(req.state.comments.indexOf(found), 1);
    return { status: 204 };
  }),

  route('POST', '/repos/{owner}/{repo}/issues/{issue_number}/labels', (req) => {
    const { repo, number } = issue(req);
    const labels = (req.body as { labels?: unknown }).labels;
    if (!Array.isArray(labels) || !labels.every((l) => typeof l === 'string'))
      throw unprocessable('Invalid request.', [
        { resource: 'Label', field: 'labels', code: 'invalid' },
      ]);
    const pull = req.state.pull(repo, number);
    addLabels(req.state, pull, labels, req.token.user);
    return json(
      200,
      pull.labels.map((l) => labelBody(req.urls, repo, l)),
    );
  }),

  route('DELETE', '/repos/{owner}/{repo}/issues/{issue_number}/labels/{name}', (req) => {
    const { repo, number } = issue(req);
    const pull = req.state.pull(repo, number);
    if (!removeLabel(req.state, pull, req.params.name!, req.token.user))
      throw new HttpError(404, {
        message: 'Label does not exist',
        documentation_url: 'https://docs.github.com/rest/issues/labels',
        status: '404',
      });
    return json(
      200,
      pull.labels.map((l) => labelBody(req.urls, repo, l)),
    );
  }),

  route('GET', '/repos/{owner}/{repo}/issues/{issue_number}/events', (req) => {
    const { repo, number } = issue(req);
    const events = req.state.events
      .filter((e) => e.repo === repo && e.issue === number)
      .map((e) => issueEvent(req, e));
    return paginate(req.url, events);
  }),
];
