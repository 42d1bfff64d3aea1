import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { deflateSync } from 'node:zlib';
import { AuthError, ConflictError, ForgeError } from '../forge/errors.ts';
import type { FileChange, Identity } from '../forge/port.ts';
import { gitOutcome, type GitOutcome } from '../git/run.ts';

/** Where to push and with what: the token travels in a header set through the environment. */
export interface GitRemote {
  /** https://github.com/owner/repo.git (no credentials in it, ever). */
  url: string;
  token: string;
}

/**
 * git configuration for one command, passed as GIT_CONFIG_* variables so the token is in
 * neither argv (visible to `ps`) nor any file. Empty values first reset headers that a checkout
 * may have persisted (`actions/checkout` stores one), so ours is the only Authorization header.
 */
export function gitAuthEnv(remote: GitRemote): Record<string, string> {
  const origin = new URL(remote.url).origin;
  const basic = basicCredential(remote.token);
  const entries: [string, string][] = [
    ['http.extraheader', ''],
    [`http.${origin}/.extraheader`, ''],
    [`http.${origin}/.extraheader`, `AUTHORIZATION: basic ${basic}`],
    ['credential.helper', ''],
    ['core.askPass', ''],
  ];
  const env: Record<string, string> = {
    GIT_CONFIG_COUNT: String(entries.length),
    GIT_TERMINAL_PROMPT: '0',
    GIT_ASKPASS: '',
    LC_ALL: 'C',
  };
  entries.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = key;
    env[`GIT_CONFIG_VALUE_${i}`] = value;
  });
  return env;
}

/** The derived secret git sends; mask it in logs as well as the token itself. */
export function basicCredential(token: string): string {
  return Buffer.from(`x-access-token:${token}`).toString('base64');
}

function runGit(
  dir: string,
  args: readonly string[],
  env: Record<string, string>,
  input?: string | Uint8Array,
): Promise<GitOutcome> {
  return gitOutcome(dir, args, {
    env,
    maxBuffer: 64 * 1024 * 1024,
    ...(input === undefined ? {} : { input }),
  });
}

async function must(
  dir: string,
  args: readonly string[],
  env: Record<string, string>,
  input?: string | Uint8Array,
) {
  const r = await runGit(dir, args, env, input);
  if (r.code !== 0)
    throw new ForgeError(`git ${args[0]} failed: ${lastLines(r.stderr)}`, {
      hint: 'see the git message above',
    });
  return r.stdout.trim();
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-3).join(' ');
}

/** How a failed fetch or push failed: the branch moved, auth, or the transport. */
function classify(r: GitOutcome): 'moved' | 'missing' | 'auth' | 'transport' | 'other' {
  const text = `${r.stdout}\n${r.stderr}`;
  if (
    /\[rejected\]|\(fetch first\)|non-fast-forward|stale info|cannot lock ref|failed to update ref/i.test(
      text,
    )
  )
    return 'moved';
  if (/couldn't find remote ref|not our ref/i.test(text)) return 'missing';
  if (/returned error: (401|403)|Authentication failed|could not read Username/i.test(text))
    return 'auth';
  if (
    /returned error: 5\d\d|unable to access|Connection|RPC failed|early EOF|unexpected disconnect/i.test(
      text,
    )
  )
    return 'transport';
  return 'other';
}

/**
 * A scratch bare repository that fetches one branch tip (depth 1, no blobs: only commits and
 * trees travel), builds a commit from a tree plus file changes, and pushes it. Never touches the
 * user's checkout.
 */
export class GitScratch {
  readonly #dir: string;
  readonly #remote: GitRemote;
  readonly #env: Record<string, string>;
  readonly #retryUnitMs: number;
  readonly #trees = new Map<string, string>();
  #indexes = 0;

  private constructor(dir: string, remote: GitRemote, retryUnitMs: number) {
    this.#dir = dir;
    this.#remote = remote;
    this.#env = gitAuthEnv(remote);
    this.#retryUnitMs = retryUnitMs;
  }

  /** `retryUnitMs`: the backoff unit between fetch attempts after a transport error. */
  static async open(remote: GitRemote, retryUnitMs: number): Promise<GitScratch> {
    const dir = await mkdtemp(join(tmpdir(), 'gitops-ml-git-'));
    await must(dir, ['-c', 'init.defaultBranch=scratch', 'init', '-q', '--bare'], {});
    return new GitScratch(dir, remote, retryUnitMs);
  }

  async close(): Promise<void> {
    await rm(this.#dir, { recursive: true, force: true });
  }

  /** The branch tip on the remote, fetched; undefined when there is no such branch. */
  async fetch(branch: string): Promise<string | undefined> {
    const local = `refs/scratch/${branch}`;
    const args = ['fetch', '--quiet', '--no-tags', '--depth=1', '--filter=blob:none'];
    args.push(this.#remote.url, `+refs/heads/${branch}:${local}`);
    for (let attempt = 1; ; attempt++) {
      const r = await runGit(this.#dir, args, this.#env);
      if (r.code === 0) {
        const [tip, tree] = (
          await must(this.#dir, ['rev-parse', local, `${local}^{tree}`], {})
        ).split('\n');
        this.#trees.set(tip!, tree!);
        return tip;
      }
      const kind = classify(r);
      if (kind === 'missing') return undefined;
      if (kind !== 'transport' || attempt >= 4) throw this.#failure(kind, `fetch ${branch}`, r);
      await sleep(attempt * attempt * this.#retryUnitMs);
    }
  }

  /** The tree of `base` (a fetched commit, or none) with `files` written or removed. */
  async tree(base: string | undefined, files: readonly FileChange[]): Promise<string> {
    const env = { GIT_INDEX_FILE: join(this.#dir, `index-${++this.#indexes}`) };
    await must(this.#dir, base ? ['read-tree', base] : ['read-tree', '--empty'], env);
    // --index-info lines: "<mode> <sha>\t<path>"; mode 0 removes the path.
    let info = '';
    for (const file of files) {
      const sha = file.content === null ? '0'.repeat(40) : await this.#writeBlob(file.content);
      info += `${file.content === null ? '0' : '100644'} ${sha}\t${file.path}\n`;
    }
    if (info) await must(this.#dir, ['update-index', '--add', '--index-info'], env, info);
    return must(this.#dir, ['write-tree', '--missing-ok'], env);
  }

  /** Store a blob as a loose object, the format every git reads: no process per file. */
  async #writeBlob(content: string | Uint8Array): Promise<string> {
    const bytes = typeof content === 'string' ? Buffer.from(content) : content;
    const object = Buffer.concat([Buffer.from(`blob ${bytes.length}\0`), bytes]);
    const sha = blobId(bytes);
    const dir = join(this.#dir, 'objects', sha.slice(0, 2));
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, sha.slice(2)), deflateSync(object));
    return sha;
  }

  /** Blob ids of `paths` in `commit` (absent paths are missing from the map). */
  async blobs(commit: string, paths: readonly string[]): Promise<Map<string, string>> {
    const out = await must(this.#dir, ['ls-tree', '-z', commit, '--', ...paths], {});
    const map = new Map<string, string>();
    for (const line of out.split('\0').filter(Boolean)) {
      const tab = line.indexOf('\t');
      map.set(line.slice(tab + 1), line.slice(0, tab).split(' ')[2]!);
    }
    return map;
  }

  /** The tree of a commit this scratch fetched. */
  treeOf(commit: string): string | undefined {
    return this.#trees.get(commit);
  }

  async authorEmail(commit: string): Promise<string> {
    return must(this.#dir, ['log', '-1', '--format=%ae', commit], {});
  }

  async commit(
    tree: string,
    parents: readonly string[],
    message: string,
    who: Identity,
  ): Promise<string> {
    const env = {
      GIT_AUTHOR_NAME: who.name,
      GIT_AUTHOR_EMAIL: who.email,
      GIT_COMMITTER_NAME: who.name,
      GIT_COMMITTER_EMAIL: who.email,
    };
    const args = ['commit-tree', tree, ...parents.flatMap((p) => ['-p', p])];
    return must(this.#dir, args, env, message.endsWith('\n') ? message : `${message}\n`);
  }

  /**
   * Push `sha` to `branch`. Fast-forward only unless `lease` is given: then the branch may be
   * replaced, but only if it still points at `lease` ('' = must not exist), never blindly.
   */
  async push(
    sha: string,
    branch: string,
    lease?: string,
  ): Promise<'pushed' | 'moved' | 'transport'> {
    const args = ['push', '--quiet', '--porcelain', '--no-verify'];
    if (lease !== undefined) args.push(`--force-with-lease=refs/heads/${branch}:${lease}`);
    args.push(this.#remote.url, `${sha}:refs/heads/${branch}`);
    const r = await runGit(this.#dir, args, this.#env);
    if (r.code === 0) return 'pushed';
    const kind = classify(r);
    if (kind === 'moved' || kind === 'transport') return kind;
    throw this.#failure(kind, `push to ${branch}`, r);
  }

  #failure(kind: ReturnType<typeof classify>, doing: string, r: GitOutcome): Error {
    const said = lastLines(r.stderr || r.stdout);
    if (kind === 'auth')
      return new AuthError(`cannot ${doing}: the git server refused the token (${said})`, {
        hint: 'the token needs contents: write on this repository; pull requests from forks get a read-only token',
      });
    if (kind === 'moved')
      return new ConflictError(`cannot ${doing}: the branch moved (${said})`, {
        hint: 'run again',
      });
    return new ForgeError(`cannot ${doing}: ${said}`, {
      hint: 'check that GITHUB_SERVER_URL points at the git server and that it is reachable',
    });
  }
}

/** The id git gives a blob with this content (sha1 of "blob <size>\0<content>"). */
export function blobId(content: string | Uint8Array): string {
  const bytes = typeof content === 'string' ? Buffer.from(content) : content;
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}
