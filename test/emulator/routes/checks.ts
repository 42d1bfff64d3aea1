import type { components } from '@octokit/openapi-types';
import { minimalRepository, nodeId } from '../bodies.ts';
import { json, notFound, unprocessable, type FieldError } from '../http.ts';
import { route, type ApiRequest } from '../router.ts';
import type { EmuAnnotation, EmuCheckRun, EmuRepo } from '../state.ts';

type Schemas = components['schemas'];

const MAX_ANNOTATIONS = 50;
const MAX_OUTPUT_TEXT = 65535;
const LEVELS = new Set(['notice', 'warning', 'failure']);
const CONCLUSIONS = new Set([
  'success',
  'failure',
  'neutral',
  'cancelled',
  'skipped',
  'timed_out',
  'action_required',
]);

function checkRun(req: ApiRequest, run: EmuCheckRun): Schemas['check-run'] {
  const api = `${req.urls.api}/repos/${run.repo.fullName}`;
  return {
    id: run.id,
    head_sha: run.headSha,
    node_id: nodeId('CR_', run.id),
    external_id: run.externalId,
    url: `${api}/check-runs/${run.id}`,
    html_url: `${req.urls.server}/${run.repo.fullName}/runs/${run.id}`,
    details_url: run.detailsUrl,
    status: run.status,
    conclusion: run.conclusion,
    started_at: run.startedAt,
    completed_at: run.completedAt,
    output: {
      title: run.title,
      summary: run.summary,
      text: run.text,
      annotations_count: run.annotations.length,
      annotations_url: `${api}/check-runs/${run.id}/annotations`,
    },
    name: run.name,
    check_suite: { id: run.suiteId },
    app: null,
    pull_requests: [],
  };
}

/** Validate `output` as GitHub does (50 annotations per request, 65,535 characters per text). */
function readOutput(body: Record<string, unknown>): {
  title?: string;
  summary?: string;
  text?: string;
  annotations: EmuAnnotation[];
} {
  const output = body.output as Record<string, unknown> | undefined;
  if (output === undefined) return { annotations: [] };
  const errors: FieldError[] = [];
  for (const field of ['title', 'summary'] as const)
    if (typeof output[field] !== 'string')
      errors.push({ resource: 'CheckRun', field: `output.${field}`, code: 'missing_field' });
  for (const field of ['summary', 'text'] as const) {
    const value = output[field];
    if (typeof value === 'string' && value.length > MAX_OUTPUT_TEXT)
      errors.push({
        resource: 'CheckRun',
        field: `output.${field}`,
        code: 'custom',
        message: `Only ${MAX_OUTPUT_TEXT} characters are allowed; ${value.length} were supplied.`,
      });
  }
  const annotations = (output.annotations ?? []) as Record<string, unknown>[];
  if (!Array.isArray(annotations) || annotations.length > MAX_ANNOTATIONS)
    errors.push({
      resource: 'CheckRun',
      field: 'output.annotations',
      code: 'custom',
      message: `Only ${MAX_ANNOTATIONS} annotations are allowed per request.`,
    });
  else
    annotations.forEach((a, i) => {
      const ok =
        typeof a.path === 'string' &&
        Number.isInteger(a.start_line) &&
        Number.isInteger(a.end_line) &&
        typeof a.message === 'string' &&
        LEVELS.has(a.annotation_level as string) &&
        (a.start_column === undefined || a.start_line === a.end_line);
      if (!ok)
        errors.push({ resource: 'CheckRun', field: `output.annotations[${i}]`, code: 'invalid' });
    });
  if (errors.length) throw unprocessable('Invalid request.', errors);
  const result: ReturnType<typeof readOutput> = {
    annotations: annotations as unknown as EmuAnnotation[],
  };
  if (typeof output.title === 'string') result.title = output.title;
  if (typeof output.summary === 'string') result.summary = output.summary;
  if (typeof output.text === 'string') result.text = output.text;
  return result;
}

function applyStatus(req: ApiRequest, run: EmuCheckRun, body: Record<string, unknown>): void {
  const conclusion = body.conclusion;
  if (conclusion !== undefined) {
    if (typeof conclusion !== 'string' || !CONCLUSIONS.has(conclusion))
      throw unprocessable('Invalid request.', [
        { resource: 'CheckRun', field: 'conclusion', code: 'invalid' },
      ]);
    run.conclusion = conclusion as EmuCheckRun['conclusion'];
    run.status = 'completed';
    run.completedAt = req.state.clock.now();
  } else if (body.status === 'completed') {
    throw unprocessable('Invalid request.', [
      { resource: 'CheckRun', field: 'conclusion', code: 'missing_field' },
    ]);
  } else if (body.status === 'in_progress' || body.status === 'queued') {
    run.status = body.status;
  }
}

function suiteFor(req: ApiRequest, repo: EmuRepo, sha: string): number {
  let suite = req.state.checkSuites.find((s) => s.repo === repo && s.headSha === sha);
  if (!suite) {
    suite = {
      id: req.state.nextId(),
      repo,
      headSha: sha,
      headBranch: null,
      createdAt: req.state.clock.now(),
    };
    req.state.checkSuites.push(suite);
  }
  return suite.id;
}

export const checkRoutes = [
  route('POST', '/repos/{owner}/{repo}/check-runs', async (req) => {
    const repo = req.state.repo(req.params.owner!, req.params.repo!);
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (typeof body.name !== 'string' || typeof body.head_sha !== 'string')
      throw unprocessable('Invalid request.', [
        {
          resource: 'CheckRun',
          field: typeof body.name !== 'string' ? 'name' : 'head_sha',
          code: 'missing_field',
        },
      ]);
    if ((await repo.git.objectType(body.head_sha)) !== 'commit')
      throw unprocessable(`No commit found for SHA: ${body.head_sha}`);
    const output = readOutput(body);
    const run: EmuCheckRun = {
      id: req.state.nextId(),
      repo,
      headSha: body.head_sha,
      name: body.name,
      status: 'queued',
      conclusion: null,
      title: output.title ?? null,
      summary: output.summary ?? null,
      text: output.text ?? null,
      annotations: output.annotations,
      detailsUrl: typeof body.details_url === 'string' ? body.details_url : null,
      externalId: typeof body.external_id === 'string' ? body.external_id : null,
      startedAt: req.state.clock.now(),
      completedAt: null,
      suiteId: suiteFor(req, repo, body.head_sha),
      app: req.token.user,
    };
    applyStatus(req, run, body);
    req.state.checkRuns.push(run);
    return json(201, checkRun(req, run));
  }),

  route('PATCH', '/repos/{owner}/{repo}/check-runs/{check_run_id}', (req) => {
    const repo = req.state.repo(req.params.owner!, req.params.repo!);
    const run = req.state.checkRuns.find(
      (r) => r.repo === repo && r.id === Number(req.params.check_run_id),
    );
    if (!run) throw notFound();
    const body = (req.body ?? {}) as Record<string, unknown>;
    const output = readOutput(body);
    if (output.title !== undefined) run.title = output.title;
    if (output.summary !== undefined) run.summary = output.summary;
    if (output.text !== undefined) run.text = output.text;
    // Annotations are appended, never replaced: that is how more than 50 get onto one run.
    run.annotations.push(...output.annotations);
    applyStatus(req, run, body);
    return json(200, checkRun(req, run));
  }),

  route('GET', '/repos/{owner}/{repo}/commits/{ref}/check-runs', async (req) => {
    const repo = req.state.repo(req.params.owner!, req.params.repo!);
    const sha = await repo.git.resolve(`${req.params.ref!}^{commit}`);
    if (!sha) throw notFound();
    const name = req.query.get('check_name');
    const runs = req.state.checkRuns
      .filter((r) => r.repo === repo && r.headSha === sha && (!name || r.name === name))
      .reverse();
    return json(200, { total_count: runs.length, check_runs: runs.map((r) => checkRun(req, r)) });
  }),

  route('GET', '/repos/{owner}/{repo}/commits/{ref}/check-suites', async (req) => {
    const repo = req.state.repo(req.params.owner!, req.params.repo!);
    const sha = await repo.git.resolve(`${req.params.ref!}^{commit}`);
    if (!sha) throw notFound();
    const commit = await repo.git.commit(sha);
    const suites = req.state.checkSuites
      .filter((s) => s.repo === repo && s.headSha === sha)
      .map((s): Schemas['check-suite'] => ({
        id: s.id,
        node_id: nodeId('CS_', s.id),
        head_branch: s.headBranch,
        head_sha: s.headSha,
        status: 'completed',
        conclusion: null,
        url: `${req.urls.api}/repos/${repo.fullName}/check-suites/${s.id}`,
        before: null,
        after: s.headSha,
        pull_requests: [],
        app: null,
        repository: minimalRepository(req.urls, repo),
        created_at: s.createdAt,
        updated_at: s.createdAt,
        head_commit: {
          id: sha,
          tree_id: commit.tree,
          message: commit.message,
          timestamp: commit.committer.date,
          author: { name: commit.author.name, email: commit.author.email },
          committer: { name: commit.committer.name, email: commit.committer.email },
        },
        latest_check_runs_count: req.state.checkRuns.filter((r) => r.suiteId === s.id).length,
        check_runs_url: `${req.urls.api}/repos/${repo.fullName}/check-suites/${s.id}/check-runs`,
      }));
    return json(200, { total_count: suites.length, check_suites: suites });
  }),
];
