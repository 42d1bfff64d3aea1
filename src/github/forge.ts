import { ConflictError, NotFoundError } from '../forge/errors.ts';
import type {
  BotPullRequest,
  BotPullRequestSpec,
  ChangedFile,
  CommitSpec,
  Forge,
  LabelEvent,
  PullRequest,
  RepoId,
  Review,
  ReviewState,
} from '../forge/port.ts';
import { publishCheckRun } from './check-run.ts';
import { commitFilesByGit, pushBotBranch } from './commit-files.ts';
import { describe } from './errors.ts';
import { toPullRequest } from './pull-request.ts';
import { createGitHubClient, githubPacing, type GitHubClient, type Pacing } from './octokit.ts';
import { upsertStickyComment } from './sticky-comment.ts';

export interface GitHubForgeOptions {
  repo: RepoId;
  token: string;
  /** REST root (GITHUB_API_URL): https://api.github.com or https://HOST/api/v3. */
  apiUrl: string;
  /** Web and git root (GITHUB_SERVER_URL): https://github.com or https://HOST. */
  serverUrl: string;
  pacing?: Pacing;
  warn?: (message: string) => void;
}

const REVIEW_STATES = new Set([
  'APPROVED',
  'CHANGES_REQUESTED',
  'COMMENTED',
  'DISMISSED',
  'PENDING',
]);

/** The Forge on GitHub's REST API, with git over HTTP for commits (see docs/adr/0030). */
export class GitHubForge implements Forge {
  readonly repo: RepoId;
  readonly client: GitHubClient;
  readonly #token: string;
  readonly #serverUrl: string;
  readonly #pacing: Pacing;

  constructor(options: GitHubForgeOptions) {
    this.repo = options.repo;
    this.#token = options.token;
    this.#serverUrl = options.serverUrl.replace(/\/+$/, '');
    this.#pacing = options.pacing ?? githubPacing;
    this.client = createGitHubClient({
      token: options.token,
      apiUrl: options.apiUrl,
      pacing: this.#pacing,
      ...(options.warn ? { warn: options.warn } : {}),
    });
  }

  get #name(): string {
    return `${this.repo.owner}/${this.repo.repo}`;
  }

  get #remote() {
    return { url: `${this.#serverUrl}/${this.#name}.git`, token: this.#token };
  }

  async getPullRequest(number: number): Promise<PullRequest> {
    const { data } = await describe(`get pull request ${this.#name}#${number}`, () =>
      this.client.rest.pulls.get({ ...this.repo, pull_number: number }));
    return toPullRequest(data);
  }

  async listChangedFiles(number: number): Promise<ChangedFile[]> {
    const files = await describe(`list the files of ${this.#name}#${number}`, () =>
      this.client.paginate(this.client.rest.pulls.listFiles, {
        ...this.repo,
        pull_number: number,
        per_page: 100,
      }));
    return files.map((f) => ({
      path: f.filename,
      status: f.status,
      ...(f.previous_filename ? { previousPath: f.previous_filename } : {}),
      additions: f.additions,
      deletions: f.deletions,
    }));
  }

  async pullRequestsForCommit(sha: string): Promise<PullRequest[]> {
    const pulls = await describe(`find the pull requests of commit ${sha.slice(0, 7)}`, () =>
      this.client.paginate(this.client.rest.repos.listPullRequestsAssociatedWithCommit, {
        ...this.repo,
        commit_sha: sha,
        per_page: 100,
      }));
    return pulls.map(toPullRequest);
  }

  upsertStickyComment(number: number, marker: string, body: string) {
    return upsertStickyComment(this.client, this.repo, number, marker, body);
  }

  publishCheckRun(spec: Parameters<Forge['publishCheckRun']>[0]) {
    return publishCheckRun(this.client, this.repo, spec);
  }

  commitFiles(spec: CommitSpec) {
    return commitFilesByGit(this.#remote, spec, this.#pacing.retryUnitMs);
  }

  async upsertBotPullRequest(spec: BotPullRequestSpec): Promise<BotPullRequest> {
    const branch = await pushBotBranch(this.#remote, spec, this.#pacing.retryUnitMs);
    for (let attempt = 0; ; attempt++) {
      const open = await this.#openPullFrom(spec.branch, spec.base);
      if (open) {
        const same = open.title === spec.title && (open.body ?? '') === spec.body;
        if (!same)
          await describe(`update pull request ${this.#name}#${open.number}`, () =>
            this.client.rest.pulls.update({
              ...this.repo,
              pull_number: open.number,
              title: spec.title,
              body: spec.body,
            }));
        const action = same && !branch.changed ? 'unchanged' : 'updated';
        return { number: open.number, url: open.html_url, action, headSha: branch.sha };
      }
      try {
        const { data } = await describe(`open a pull request from ${spec.branch}`, () =>
          this.client.rest.pulls.create({
            ...this.repo,
            head: spec.branch,
            base: spec.base,
            title: spec.title,
            body: spec.body,
          }));
        if (spec.labels?.length) await this.addLabels(data.number, spec.labels);
        return { number: data.number, url: data.html_url, action: 'created', headSha: branch.sha };
      } catch (error) {
        // A concurrent run opened it first: find it and update that one instead.
        if (!(error instanceof ConflictError) || attempt > 0) throw error;
      }
    }
  }

  async #openPullFrom(branch: string, base: string) {
    const pulls = await describe(`find the pull request from ${branch}`, () =>
      this.client.paginate(this.client.rest.pulls.list, {
        ...this.repo,
        head: `${this.repo.owner}:${branch}`,
        base,
        state: 'open',
        per_page: 100,
      }));
    return pulls.find(
      (p) =>
        p.head.ref === branch && p.head.repo?.full_name.toLowerCase() === this.#name.toLowerCase(),
    );
  }

  async listReviews(number: number): Promise<Review[]> {
    const reviews = await describe(`list the reviews of ${this.#name}#${number}`, () =>
      this.client.paginate(this.client.rest.pulls.listReviews, {
        ...this.repo,
        pull_number: number,
        per_page: 100,
      }));
    return reviews
      .filter((r) => REVIEW_STATES.has(r.state))
      .map((r) => ({
        id: r.id,
        reviewer: r.user?.login ?? 'ghost',
        state: r.state as ReviewState,
        commitSha: r.commit_id,
        submittedAt: r.submitted_at ?? null,
        authorAssociation: r.author_association,
      }));
  }

  async readFile(path: string, ref: string): Promise<Uint8Array | undefined> {
    try {
      const response = await describe(`read ${path} at ${ref}`, () =>
        this.client.request('GET /repos/{owner}/{repo}/contents/{path}', {
          ...this.repo,
          path,
          ref,
          headers: { accept: 'application/vnd.github.raw' },
          request: { parseSuccessResponseBody: false },
        }));
      const stream = response.data as unknown as ReadableStream<Uint8Array>;
      const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
      // A directory answers with a JSON listing even when raw is asked for: not a file.
      if (/json/.test(response.headers['content-type'] ?? '')) return undefined;
      return bytes;
    } catch (error) {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    }
  }

  async createAnnotatedTag(
    spec: Parameters<Forge['createAnnotatedTag']>[0],
  ): Promise<{ sha: string }> {
    const { data: tag } = await describe(`create tag ${spec.name}`, () =>
      this.client.rest.git.createTag({
        ...this.repo,
        tag: spec.name,
        message: spec.message,
        object: spec.sha,
        type: 'commit',
        tagger: { ...spec.tagger, date: new Date().toISOString().replace(/\.\d+Z$/, 'Z') },
      }));
    await describe(`create ref refs/tags/${spec.name}`, () =>
      this.client.rest.git.createRef({
        ...this.repo,
        ref: `refs/tags/${spec.name}`,
        sha: tag.sha,
      }));
    return { sha: tag.sha };
  }

  async addLabels(number: number, labels: readonly string[]): Promise<void> {
    await describe(`label ${this.#name}#${number}`, () =>
      this.client.rest.issues.addLabels({
        ...this.repo,
        issue_number: number,
        labels: [...labels],
      }));
  }

  async listLabelEvents(number: number): Promise<LabelEvent[]> {
    const events = await describe(`list the events of ${this.#name}#${number}`, () =>
      this.client.paginate(this.client.rest.issues.listEvents, {
        ...this.repo,
        issue_number: number,
        per_page: 100,
      }));
    const out: LabelEvent[] = [];
    for (const e of events) {
      if ((e.event !== 'labeled' && e.event !== 'unlabeled') || !('label' in e) || !e.label?.name)
        continue;
      out.push({
        label: e.label.name,
        action: e.event,
        actor: e.actor?.login ?? 'ghost',
        at: e.created_at,
      });
    }
    return out;
  }

  async firstSeenAt(sha: string): Promise<string | undefined> {
    const suites = await describe(`list the check suites of ${sha.slice(0, 7)}`, () =>
      this.client.paginate(this.client.rest.checks.listSuitesForRef, {
        ...this.repo,
        ref: sha,
        per_page: 100,
      })).catch((error: unknown) => {
      if (error instanceof NotFoundError) return [];
      throw error;
    });
    const times = suites
      .filter((s) => s.head_sha === sha)
      .map((s) => s.created_at)
      .filter((t): t is string => typeof t === 'string')
      .sort((a, b) => Date.parse(a) - Date.parse(b));
    return times[0];
  }
}

/** The Forge for `repo` on GitHub (or GitHub Enterprise Server, by its URLs). */
export function createGitHubForge(options: GitHubForgeOptions): Forge {
  return new GitHubForge(options);
}
