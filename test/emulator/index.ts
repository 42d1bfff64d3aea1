import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Faults } from './faults.ts';
import type { Signature } from './git-store.ts';
import { unprocessable } from './http.ts';
import {
  pullRequestEvent,
  pullRequestReviewEvent,
  pushEvent,
  type PullRequestPayload,
} from './payloads.ts';
import type { TokenInfo } from './router.ts';
import { checkRoutes } from './routes/checks.ts';
import { gitRoutes } from './routes/git.ts';
import { addLabels, issueRoutes, removeLabel } from './routes/issues.ts';
import { openPull, pullRoutes } from './routes/pulls.ts';
import { startServer, type LogEntry } from './server.ts';
import { State, type EmuPull, type EmuRepo, type EmuReview, type Urls } from './state.ts';

export type { FaultKind, FaultPlan } from './faults.ts';
export type { LogEntry } from './server.ts';
export type { EmuCheckRun, EmuComment, EmuPull, EmuRepo } from './state.ts';

/** File contents for a commit: text or bytes; null deletes the file. */
export type Files = Readonly<Record<string, string | Uint8Array | null>>;

export interface EmulatorOptions {
  /** Serve the REST API under /api/v3, as GitHub Enterprise Server does. */
  enterprise?: boolean;
  /** Listen on this port of 127.0.0.1 (default: any free one). */
  port?: number;
  /** Called after each request with its log entry. */
  onRequest?: (entry: LogEntry) => void;
}

/**
 * A local GitHub: the REST endpoints gitops-ml uses, git over HTTP on the same bare
 * repositories, a request log and fault injection. Start one per test (or per file).
 */
export class GitHubEmulator {
  readonly state: State;
  readonly faults = new Faults();
  readonly log: LogEntry[] = [];
  readonly #tokens = new Map<string, TokenInfo>();
  #close: () => Promise<void> = () => Promise.resolve();
  #urls: Urls = { api: '', server: '' };

  readonly root: string;

  private constructor(root: string) {
    this.root = root;
    this.state = new State(join(root, 'repos'));
  }

  static async start(options: EmulatorOptions = {}): Promise<GitHubEmulator> {
    const emulator = new GitHubEmulator(mkdtempSync(join(tmpdir(), 'gitops-ml-github-')));
    const server = await startServer({
      state: emulator.state,
      routes: [...pullRoutes, ...issueRoutes, ...checkRoutes, ...gitRoutes],
      faults: emulator.faults,
      tokens: emulator.#tokens,
      log: emulator.log,
      prefix: options.enterprise ? '/api/v3' : '',
      port: options.port ?? 0,
      ...(options.onRequest ? { onRequest: options.onRequest } : {}),
    });
    emulator.#urls = server.urls;
    emulator.#close = () => server.close();
    return emulator;
  }

  /** The REST root, what GITHUB_API_URL holds. */
  get apiUrl(): string {
    return this.#urls.api;
  }

  /** The web and git root, what GITHUB_SERVER_URL holds. */
  get serverUrl(): string {
    return this.#urls.server;
  }

  get urls(): Urls {
    return this.#urls;
  }

  async close(): Promise<void> {
    await this.#close();
    rmSync(this.root, { recursive: true, force: true });
  }

  /** A new token acting as `login`; "read" is what a fork PR's GITHUB_TOKEN gets. */
  issueToken(login: string, permission: TokenInfo['permission'] = 'write'): string {
    const token = `ghs_${randomBytes(18).toString('hex')}`;
    this.#tokens.set(token, { user: this.state.user(login), permission });
    return token;
  }

  /** REST requests only (git traffic excluded), optionally since a log position. */
  apiRequests(since = 0): LogEntry[] {
    return this.log.filter((e) => e.kind === 'rest' && e.seq > since);
  }

  async createRepo(
    fullName: string,
    options: { files?: Files; defaultBranch?: string; private?: boolean } = {},
  ): Promise<EmuRepo> {
    const repo = await this.state.createRepo(fullName, options);
    if (options.files)
      await this.commit(fullName, repo.defaultBranch, options.files, { message: 'initial' });
    return repo;
  }

  /** A fork owned by `owner`, with every branch of the original. */
  async forkRepo(fullName: string, owner: string): Promise<EmuRepo> {
    const base = this.repo(fullName);
    const fork = await this.state.createRepo(`${owner}/${base.name}`, {
      defaultBranch: base.defaultBranch,
    });
    fork.forkOf = base;
    await fork.git.run(['fetch', '-q', base.git.dir, '+refs/heads/*:refs/heads/*']);
    await this.state.syncRefs(fork);
    return fork;
  }

  repo(fullName: string): EmuRepo {
    const [owner, name] = fullName.split('/') as [string, string];
    return this.state.repo(owner, name);
  }

  pull(fullName: string, number: number): EmuPull {
    return this.state.pull(this.repo(fullName), number);
  }

  /**
   * A commit on `branch` (created from `from`, default the default branch, when missing) as if
   * someone pushed it: PRs on that branch move, a check suite records when GitHub saw it.
   */
  async commit(
    fullName: string,
    branch: string,
    files: Files,
    options: { message?: string; author?: string; from?: string } = {},
  ): Promise<string> {
    const repo = this.repo(fullName);
    return this.state.lock.run(repo.fullName, async () => {
      const refs = await repo.git.refs();
      const tip =
        refs.get(`refs/heads/${branch}`) ??
        refs.get(`refs/heads/${options.from ?? repo.defaultBranch}`);
      const changes = [];
      for (const [path, content] of Object.entries(files)) {
        const sha =
          content === null
            ? null
            : await repo.git.writeBlob(
                typeof content === 'string' ? Buffer.from(content) : content,
              );
        changes.push({ path, mode: '100644', sha });
      }
      const tree = await repo.git.writeTree(tip, changes);
      const who: Signature = this.state.signature(
        this.state.user(options.author ?? repo.owner.login),
      );
      const sha = await repo.git.writeCommit({
        tree,
        parents: tip ? [tip] : [],
        message: options.message ?? 'update',
        author: who,
        committer: who,
      });
      await repo.git.updateRef(`refs/heads/${branch}`, sha, refs.get(`refs/heads/${branch}`) ?? '');
      await this.state.syncRefs(repo);
      return sha;
    });
  }

  /** `head` is a branch of `fullName`, or `owner:branch` of a fork. */
  async openPullRequest(
    fullName: string,
    options: { head: string; base?: string; title: string; body?: string; user: string },
  ): Promise<EmuPull> {
    const repo = this.repo(fullName);
    return openPull(this.state, repo, { ...options, base: options.base ?? repo.defaultBranch });
  }

  addLabel(fullName: string, number: number, label: string, actor: string): void {
    addLabels(this.state, this.pull(fullName, number), [label], this.state.user(actor));
  }

  removeLabel(fullName: string, number: number, label: string, actor: string): void {
    removeLabel(this.state, this.pull(fullName, number), label, this.state.user(actor));
  }

  submitReview(
    fullName: string,
    number: number,
    review: { user: string; state: EmuReview['state']; commitId?: string | null; body?: string },
  ): EmuReview {
    const pull = this.pull(fullName, number);
    const created: EmuReview = {
      id: this.state.nextId(),
      repo: pull.base.repo,
      pull: number,
      user: this.state.user(review.user),
      state: review.state,
      body: review.body ?? '',
      commitId: review.commitId === undefined ? pull.headSha : review.commitId,
      submittedAt: this.state.clock.now(),
    };
    this.state.reviews.push(created);
    return created;
  }

  /** Merge with a merge commit (git merge-tree), as the "Create a merge commit" button does. */
  async mergePullRequest(fullName: string, number: number, user = 'maintainer'): Promise<string> {
    const pull = this.pull(fullName, number);
    const repo = pull.base.repo;
    return this.state.lock.run(repo.fullName, async () => {
      const baseRef = `refs/heads/${pull.base.ref}`;
      const base = (await repo.git.refs()).get(baseRef)!;
      const merged = await repo.git
        .run(['merge-tree', '--write-tree', base, pull.headSha])
        .catch(() => undefined);
      if (!merged) throw unprocessable('Pull Request is not mergeable');
      const who = this.state.signature(this.state.user(user));
      const sha = await repo.git.writeCommit({
        tree: merged.split('\n')[0]!.trim(),
        parents: [base, pull.headSha],
        message: `Merge pull request #${number} from ${pull.head.repo.owner.login}/${pull.head.ref}\n\n${pull.title}`,
        author: who,
        committer: who,
      });
      await repo.git.updateRef(baseRef, sha, base);
      const at = this.state.clock.now();
      Object.assign(pull, {
        state: 'closed',
        mergedAt: at,
        closedAt: at,
        mergeCommitSha: sha,
        updatedAt: at,
      });
      await this.state.syncRefs(repo);
      return sha;
    });
  }

  /** A comment written straight into the state, as another user would (no request logged). */
  addComment(fullName: string, number: number, body: string, user: string): void {
    const pull = this.pull(fullName, number);
    const at = this.state.clock.now();
    this.state.comments.push({
      id: this.state.nextId(),
      repo: pull.base.repo,
      issue: number,
      body,
      user: this.state.user(user),
      createdAt: at,
      updatedAt: at,
    });
  }

  comments(fullName: string, number: number) {
    const repo = this.repo(fullName);
    return this.state.comments.filter((c) => c.repo === repo && c.issue === number);
  }

  checkRuns(fullName: string, sha?: string) {
    const repo = this.repo(fullName);
    return this.state.checkRuns.filter((r) => r.repo === repo && (!sha || r.headSha === sha));
  }

  /** The text of a file at a ref, or undefined. */
  async readFile(fullName: string, ref: string, path: string): Promise<string | undefined> {
    const repo = this.repo(fullName);
    const sha = await repo.git.resolve(`${ref}:${path}`);
    return sha ? (await repo.git.readBlob(sha)).toString('utf8') : undefined;
  }

  async branchSha(fullName: string, branch: string): Promise<string | undefined> {
    return (await this.repo(fullName).git.refs()).get(`refs/heads/${branch}`);
  }

  pullRequestPayload(
    fullName: string,
    number: number,
    action: 'opened' | 'synchronize' | 'labeled',
    options: { sender?: string; label?: string; before?: string } = {},
  ): Promise<PullRequestPayload> {
    const { sender, ...rest } = options;
    return pullRequestEvent(this.state, this.#urls, this.pull(fullName, number), action, {
      ...rest,
      ...(sender ? { sender: this.state.user(sender) } : {}),
    });
  }

  pullRequestReviewPayload(fullName: string, number: number, review: EmuReview) {
    return pullRequestReviewEvent(this.state, this.#urls, this.pull(fullName, number), review);
  }

  /** The push event of the latest recorded change to `ref` in `fullName`. */
  pushPayload(fullName: string, ref: string, pusher: string) {
    const repo = this.repo(fullName);
    const change = this.state.pushes.filter((p) => p.repo === repo && p.ref === ref).at(-1);
    if (!change) throw new Error(`no push recorded for ${ref}`);
    return pushEvent(this.#urls, repo, change, this.state.user(pusher));
  }
}
