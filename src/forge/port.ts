/**
 * The forge port: every use gitops-ml makes of GitHub, as use cases over plain data. Core code
 * takes a `Forge` as a parameter; `src/github/forge.ts` implements it on the REST API and git
 * over HTTP, and tests run that implementation against the emulator in `test/emulator/`.
 */

export interface RepoId {
  owner: string;
  repo: string;
}

/** Who a commit or tag is attributed to. */
export interface Identity {
  name: string;
  email: string;
}

export interface PullRequest {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  merged: boolean;
  draft: boolean;
  author: string;
  url: string;
  head: {
    ref: string;
    sha: string;
    /** `owner/name` of the head repository; null when the fork was deleted. */
    repo: string | null;
  };
  base: { ref: string; sha: string; repo: string };
  /** The head lives in another repository than the base. */
  fromFork: boolean;
  labels: string[];
  mergeCommitSha: string | null;
}

export type FileStatus =
  'added' | 'removed' | 'modified' | 'renamed' | 'copied' | 'changed' | 'unchanged';

export interface ChangedFile {
  path: string;
  status: FileStatus;
  previousPath?: string;
  additions: number;
  deletions: number;
}

export interface StickyComment {
  id: number;
  url: string;
  /** `unchanged`: the body was already exactly this; nothing was written. */
  action: 'created' | 'updated' | 'unchanged';
}

export type AnnotationLevel = 'notice' | 'warning' | 'failure';

/** A check run annotation on a file of the repository (paths relative to its root). */
export interface CheckAnnotation {
  path: string;
  startLine: number;
  endLine: number;
  /** Only when the annotation starts and ends on one line. */
  startColumn?: number;
  endColumn?: number;
  level: AnnotationLevel;
  message: string;
  title?: string;
}

export type CheckConclusion =
  'success' | 'failure' | 'neutral' | 'cancelled' | 'skipped' | 'timed_out' | 'action_required';

export interface CheckRunSpec {
  name: string;
  headSha: string;
  /** Absent: the run is left in progress. */
  conclusion?: CheckConclusion;
  title: string;
  /** Markdown, at most 65,535 characters. */
  summary: string;
  text?: string;
  /** Any number; sent 50 per request as GitHub requires. */
  annotations?: readonly CheckAnnotation[];
  detailsUrl?: string;
  externalId?: string;
}

export interface CheckRun {
  id: number;
  url: string;
  /** Requests it took (1 + one per further 50 annotations). */
  requests: number;
}

/** A file to write (text or bytes) or, with `content: null`, to delete. */
export interface FileChange {
  path: string;
  content: string | Uint8Array | null;
}

export interface CommitSpec {
  /** The branch to add a commit to, fast-forward only. */
  branch: string;
  message: string;
  files: readonly FileChange[];
  /** The author and committer of the commit. */
  author: Identity;
}

export interface CommitResult {
  /** The new commit; null when the branch already held exactly these files. */
  sha: string | null;
  /** The branch tip after the operation. */
  head: string;
  /** How many times the branch moved under us and the commit was rebuilt. */
  retries: number;
}

export interface BotPullRequestSpec {
  /** A deterministic branch owned by the bot, e.g. gitops-ml/promote/<model>--<env>. */
  branch: string;
  base: string;
  title: string;
  body: string;
  commitMessage: string;
  files: readonly FileChange[];
  author: Identity;
  labels?: readonly string[];
}

export interface BotPullRequest {
  number: number;
  url: string;
  /** `unchanged`: branch content, title and body were already as asked; nothing was written. */
  action: 'created' | 'updated' | 'unchanged';
  headSha: string;
}

export type ReviewState = 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED' | 'PENDING';

export interface Review {
  id: number;
  reviewer: string;
  state: ReviewState;
  /** The head commit the review was made on; null when GitHub lost it. */
  commitSha: string | null;
  submittedAt: string | null;
  authorAssociation: string;
}

export interface TagSpec {
  /** e.g. `penguins-classifier@v1.3.0` or `penguins-classifier#production#2` (GTO). */
  name: string;
  sha: string;
  message: string;
  tagger: Identity;
}

export interface LabelEvent {
  label: string;
  action: 'labeled' | 'unlabeled';
  actor: string;
  /** Server time, ISO 8601. */
  at: string;
}

export interface Forge {
  readonly repo: RepoId;

  getPullRequest(number: number): Promise<PullRequest>;
  /** Every changed file (all pages). */
  listChangedFiles(number: number): Promise<ChangedFile[]>;
  /** Pull requests whose head or merge commit is `sha` (how a deploy finds its promotion PR). */
  pullRequestsForCommit(sha: string): Promise<PullRequest[]>;

  /**
   * One comment per `marker` (a hidden HTML comment) on a pull request: edited in place when it
   * exists, created otherwise; concurrent callers converge on exactly one.
   */
  upsertStickyComment(number: number, marker: string, body: string): Promise<StickyComment>;

  /** Create a completed (or in-progress) check run with any number of annotations. */
  publishCheckRun(spec: CheckRunSpec): Promise<CheckRun>;

  /**
   * Add one commit with `files` on top of `branch`, fast-forward only: never a force push; when
   * the branch moves meanwhile, re-fetch and rebuild on the new tip.
   */
  commitFiles(spec: CommitSpec): Promise<CommitResult>;

  /** Open or update the one pull request from a bot-owned branch; idempotent. */
  upsertBotPullRequest(spec: BotPullRequestSpec): Promise<BotPullRequest>;

  /** Every review, oldest first. */
  listReviews(number: number): Promise<Review[]>;

  /** A file's bytes at a ref, or undefined when there is no such file. */
  readFile(path: string, ref: string): Promise<Uint8Array | undefined>;

  /** An annotated tag object and its ref; fails with ConflictError when the tag exists. */
  createAnnotatedTag(spec: TagSpec): Promise<{ sha: string }>;

  addLabels(number: number, labels: readonly string[]): Promise<void>;
  /** Label and unlabel events on a pull request, oldest first. */
  listLabelEvents(number: number): Promise<LabelEvent[]>;
  /**
   * When GitHub first saw `sha` in this repository (the earliest check suite for it: every push
   * of a PR head creates one), or undefined when it has none.
   */
  firstSeenAt(sha: string): Promise<string | undefined>;
}
