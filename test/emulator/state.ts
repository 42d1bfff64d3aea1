import { join } from 'node:path';
import { GitStore, type Signature } from './git-store.ts';
import { notFound } from './http.ts';

/** Base URLs the emulator answers on: the REST root and the web/git root. */
export interface Urls {
  api: string;
  server: string;
}

export interface EmuUser {
  login: string;
  id: number;
  type: 'User' | 'Bot' | 'Organization';
}

export interface EmuRepo {
  id: number;
  owner: EmuUser;
  name: string;
  fullName: string;
  private: boolean;
  defaultBranch: string;
  forkOf?: EmuRepo;
  createdAt: string;
  git: GitStore;
  /** Refs as last seen, to notice pushes (API or git) and turn them into PR updates. */
  knownRefs: Map<string, string>;
  labels: Map<string, { id: number; name: string; color: string }>;
}

export interface EmuPull {
  id: number;
  number: number;
  base: { repo: EmuRepo; ref: string };
  head: { repo: EmuRepo; ref: string };
  /** The head commit as last seen (kept when the head branch is deleted). */
  headSha: string;
  title: string;
  body: string | null;
  user: EmuUser;
  state: 'open' | 'closed';
  draft: boolean;
  labels: { id: number; name: string; color: string }[];
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  mergedAt: string | null;
  mergeCommitSha: string | null;
}

export interface EmuComment {
  id: number;
  repo: EmuRepo;
  issue: number;
  body: string;
  user: EmuUser;
  createdAt: string;
  updatedAt: string;
}

export interface EmuReview {
  id: number;
  repo: EmuRepo;
  pull: number;
  user: EmuUser;
  state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED' | 'PENDING';
  body: string;
  commitId: string | null;
  submittedAt: string;
}

export interface EmuIssueEvent {
  id: number;
  repo: EmuRepo;
  issue: number;
  event: string;
  actor: EmuUser;
  label?: { name: string; color: string };
  commitId: string | null;
  createdAt: string;
}

export interface EmuAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number;
  end_column?: number;
  annotation_level: 'notice' | 'warning' | 'failure';
  message: string;
  title?: string;
  raw_details?: string;
}

export interface EmuCheckRun {
  id: number;
  repo: EmuRepo;
  headSha: string;
  name: string;
  status: 'queued' | 'in_progress' | 'completed';
  conclusion:
    | 'success'
    | 'failure'
    | 'neutral'
    | 'cancelled'
    | 'skipped'
    | 'timed_out'
    | 'action_required'
    | null;
  title: string | null;
  summary: string | null;
  text: string | null;
  annotations: EmuAnnotation[];
  detailsUrl: string | null;
  externalId: string | null;
  startedAt: string;
  completedAt: string | null;
  suiteId: number;
  app: EmuUser;
}

export interface EmuCheckSuite {
  id: number;
  repo: EmuRepo;
  headSha: string;
  headBranch: string | null;
  createdAt: string;
}

/** One ref change, from a git push or an API write. */
export interface PushRecord {
  repo: EmuRepo;
  ref: string;
  before: string | null;
  after: string | null;
  at: string;
}

/**
 * A clock for the emulator's timestamps: whole seconds, strictly increasing, so that "applied
 * after the latest push" is decidable however fast a test runs.
 */
export class Clock {
  #last = 0;
  now(): string {
    const real = Math.floor(Date.now() / 1000);
    this.#last = Math.max(real, this.#last + 1);
    return new Date(this.#last * 1000).toISOString().replace('.000Z', 'Z');
  }
}

/** A per-key promise chain: writes to one repository happen one at a time, as on GitHub. */
export class Mutex {
  #tails = new Map<string, Promise<unknown>>();
  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const next = previous.then(work, work);
    this.#tails.set(
      key,
      next.catch(() => undefined),
    );
    return next;
  }
}

/** Everything the emulator knows; routes and the test-facing API both work on it. */
export class State {
  readonly clock = new Clock();
  readonly lock = new Mutex();
  readonly users = new Map<string, EmuUser>();
  readonly repos = new Map<string, EmuRepo>();
  readonly pulls: EmuPull[] = [];
  readonly comments: EmuComment[] = [];
  readonly reviews: EmuReview[] = [];
  readonly events: EmuIssueEvent[] = [];
  readonly checkRuns: EmuCheckRun[] = [];
  readonly checkSuites: EmuCheckSuite[] = [];
  readonly pushes: PushRecord[] = [];
  #ids = 1000;
  #issueNumbers = new Map<string, number>();

  readonly root: string;

  constructor(root: string) {
    this.root = root;
  }

  nextId(): number {
    return ++this.#ids;
  }

  user(login: string, type: EmuUser['type'] = login.endsWith('[bot]') ? 'Bot' : 'User'): EmuUser {
    let user = this.users.get(login);
    if (!user) {
      user = { login, id: this.nextId(), type };
      this.users.set(login, user);
    }
    return user;
  }

  repo(owner: string, name: string): EmuRepo {
    const repo = this.repos.get(`${owner}/${name}`.toLowerCase());
    if (!repo) throw notFound();
    return repo;
  }

  async createRepo(fullName: string, options: { defaultBranch?: string; private?: boolean } = {}) {
    const [owner, name] = fullName.split('/') as [string, string];
    const git = await GitStore.init(
      join(this.root, owner, `${name}.git`),
      options.defaultBranch ?? 'main',
    );
    const repo: EmuRepo = {
      id: this.nextId(),
      owner: this.user(owner),
      name,
      fullName,
      private: options.private ?? true,
      defaultBranch: options.defaultBranch ?? 'main',
      createdAt: this.clock.now(),
      git,
      knownRefs: new Map(),
      labels: new Map(),
    };
    this.repos.set(fullName.toLowerCase(), repo);
    return repo;
  }

  nextIssueNumber(repo: EmuRepo): number {
    const n = (this.#issueNumbers.get(repo.fullName) ?? 0) + 1;
    this.#issueNumbers.set(repo.fullName, n);
    return n;
  }

  pull(repo: EmuRepo, number: number): EmuPull {
    const pull = this.pulls.find((p) => p.base.repo === repo && p.number === number);
    if (!pull) throw notFound();
    return pull;
  }

  label(repo: EmuRepo, name: string) {
    let label = repo.labels.get(name.toLowerCase());
    if (!label) {
      label = { id: this.nextId(), name, color: 'ededed' };
      repo.labels.set(name.toLowerCase(), label);
    }
    return label;
  }

  signature(user: EmuUser, date = this.clock.now()): Signature {
    return { name: user.login, email: `${user.id}+${user.login}@users.noreply.github.com`, date };
  }

  /**
   * Notice ref changes in `repo` (after a push or an API write): record them, move PR heads,
   * keep `refs/pull/N/head` in the base repository, and create a check suite for a new PR head
   * as GitHub Actions does (its creation time is when GitHub first saw that head).
   */
  async syncRefs(repo: EmuRepo): Promise<PushRecord[]> {
    const now = await repo.git.refs();
    const changes: PushRecord[] = [];
    const at = this.clock.now();
    for (const [ref, sha] of now) {
      if (repo.knownRefs.get(ref) !== sha)
        changes.push({ repo, ref, before: repo.knownRefs.get(ref) ?? null, after: sha, at });
    }
    for (const [ref, sha] of repo.knownRefs) {
      if (!now.has(ref)) changes.push({ repo, ref, before: sha, after: null, at });
    }
    repo.knownRefs = now;
    this.pushes.push(...changes);
    for (const change of changes) {
      if (!change.after || !change.ref.startsWith('refs/heads/')) continue;
      const branch = change.ref.slice('refs/heads/'.length);
      for (const pull of this.pulls) {
        if (pull.head.repo !== repo || pull.head.ref !== branch || pull.state !== 'open') continue;
        await this.moveHead(pull, change.after, at);
      }
    }
    return changes;
  }

  async moveHead(pull: EmuPull, sha: string, at: string): Promise<void> {
    pull.headSha = sha;
    pull.updatedAt = at;
    const base = pull.base.repo;
    if (pull.head.repo !== base)
      await base.git.run([
        'fetch',
        '-q',
        pull.head.repo.git.dir,
        `+${sha}:refs/pull/${pull.number}/head`,
      ]);
    else await base.git.run(['update-ref', `refs/pull/${pull.number}/head`, sha]);
    base.knownRefs.set(`refs/pull/${pull.number}/head`, sha);
    if (!this.checkSuites.some((s) => s.repo === base && s.headSha === sha)) {
      this.checkSuites.push({
        id: this.nextId(),
        repo: base,
        headSha: sha,
        headBranch: pull.head.ref,
        createdAt: at,
      });
    }
  }
}
