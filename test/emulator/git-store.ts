import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { appendFile, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { git } from '../../src/git/run.ts';

/** Who wrote a commit or a tag, with a time in seconds since the epoch. */
export interface Signature {
  name: string;
  email: string;
  date: string;
}

export interface TreeEntry {
  path: string;
  mode: string;
  type: 'blob' | 'tree' | 'commit';
  sha: string;
  size?: number;
}

export interface CommitInfo {
  sha: string;
  tree: string;
  parents: string[];
  author: Signature;
  committer: Signature;
  message: string;
}

function unixTime(iso: string): string {
  return `${Math.floor(Date.parse(iso) / 1000)} +0000`;
}

function isoTime(raw: string): string {
  const seconds = Number(raw.split(' ')[0]);
  return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
}

function parseSignature(line: string): Signature {
  const m = /^(.*) <(.*)> (\d+ [+-]\d{4})$/.exec(line);
  if (!m) return { name: line, email: '', date: new Date(0).toISOString() };
  return { name: m[1]!, email: m[2]!, date: isoTime(m[3]!) };
}

/**
 * One bare repository on disk, written and read with git itself: the REST API and `git push`
 * over HTTP change the same objects and refs.
 */
export class GitStore {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
  }

  static async init(dir: string, defaultBranch: string): Promise<GitStore> {
    mkdirSync(dir, { recursive: true });
    await git(dir, ['init', '--bare', '-q', `--initial-branch=${defaultBranch}`]);
    // What GitHub allows: fetching any reachable commit by SHA, partial clones, and pushes.
    await appendFile(
      join(dir, 'config'),
      [
        '[uploadpack]',
        '\tallowReachableSHA1InWant = true',
        '\tallowAnySHA1InWant = true',
        '\tallowFilter = true',
        '[http]',
        '\treceivepack = true',
        '[gc]',
        '\tauto = 0',
        '',
      ].join('\n'),
    );
    return new GitStore(dir);
  }

  async run(args: readonly string[], input?: string | Uint8Array, env?: Record<string, string>) {
    const r = await git(this.dir, args, {
      ...(input === undefined ? {} : { input }),
      ...(env ? { env } : {}),
    });
    return r!.stdout;
  }

  /** The object a ref or expression names, or undefined. */
  async resolve(expression: string): Promise<string | undefined> {
    const r = await git(this.dir, ['rev-parse', '--verify', '--quiet', `${expression}`], {
      allowFailure: [1, 128],
    });
    return r?.stdout.trim() || undefined;
  }

  async objectType(sha: string): Promise<string | undefined> {
    const r = await git(this.dir, ['cat-file', '-t', sha], { allowFailure: [1, 128] });
    return r?.stdout.trim();
  }

  /** Every ref and what it points at. */
  async refs(): Promise<Map<string, string>> {
    const out = await this.run(['for-each-ref', '--format=%(refname) %(objectname)']);
    const refs = new Map<string, string>();
    for (const line of out.split('\n')) {
      const [name, sha] = line.split(' ');
      if (name && sha) refs.set(name, sha);
    }
    return refs;
  }

  /** Compare-and-swap a ref: fails unless it still points at `old` (empty string: must not exist). */
  async updateRef(ref: string, sha: string, old: string | undefined): Promise<boolean> {
    const r = await git(this.dir, ['update-ref', ref, sha, ...(old === undefined ? [] : [old])], {
      allowFailure: [1, 128],
    });
    return r !== undefined;
  }

  async deleteRef(ref: string): Promise<void> {
    await this.run(['update-ref', '-d', ref]);
  }

  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    const r = await git(this.dir, ['merge-base', '--is-ancestor', ancestor, descendant], {
      allowFailure: [1],
    });
    return r !== undefined;
  }

  /** Store a blob as a loose object (the format every git reads), without a process. */
  async writeBlob(content: Uint8Array): Promise<string> {
    const object = Buffer.concat([Buffer.from(`blob ${content.length}\0`), content]);
    const sha = createHash('sha1').update(object).digest('hex');
    const dir = join(this.dir, 'objects', sha.slice(0, 2));
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, sha.slice(2)), deflateSync(object));
    return sha;
  }

  /** Bytes of a blob; git's stdout as a Buffer so binary files survive. */
  readBlob(sha: string): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      execFile(
        'git',
        ['cat-file', 'blob', sha],
        { cwd: this.dir, encoding: 'buffer', maxBuffer: 256 * 1024 * 1024 },
        (error, stdout) =>
          error ? reject(new Error(`git cat-file ${sha}`, { cause: error })) : resolve(stdout),
      );
    });
  }

  async commit(sha: string): Promise<CommitInfo> {
    const raw = await this.run(['cat-file', 'commit', sha]);
    const split = raw.indexOf('\n\n');
    const header = raw.slice(0, split).split('\n');
    const info: CommitInfo = {
      sha,
      tree: '',
      parents: [],
      author: parseSignature(''),
      committer: parseSignature(''),
      message: raw.slice(split + 2),
    };
    for (const line of header) {
      const space = line.indexOf(' ');
      const key = line.slice(0, space);
      const value = line.slice(space + 1);
      if (key === 'tree') info.tree = value;
      else if (key === 'parent') info.parents.push(value);
      else if (key === 'author') info.author = parseSignature(value);
      else if (key === 'committer') info.committer = parseSignature(value);
    }
    return info;
  }

  /** Entries of a tree-ish, recursively or one level. */
  async tree(treeish: string, recursive: boolean): Promise<TreeEntry[]> {
    const out = await this.run([
      'ls-tree',
      '-z',
      '-l',
      ...(recursive ? ['-r', '-t'] : []),
      treeish,
    ]);
    return out
      .split('\0')
      .filter(Boolean)
      .map((line) => {
        const tab = line.indexOf('\t');
        const [mode, type, sha, size] = line.slice(0, tab).split(/\s+/);
        const entry: TreeEntry = {
          path: line.slice(tab + 1),
          mode: mode!,
          type: type as TreeEntry['type'],
          sha: sha!,
        };
        if (size && size !== '-') entry.size = Number(size);
        return entry;
      });
  }

  /** A new tree: `base` (a tree-ish, or none) with entries set (sha) or removed (null). */
  async writeTree(
    base: string | undefined,
    changes: readonly { path: string; mode: string; sha: string | null }[],
  ): Promise<string> {
    const index = `${this.dir}/index-${process.pid}-${Math.random().toString(36).slice(2)}`;
    const env = { GIT_INDEX_FILE: index };
    try {
      if (base) await this.run(['read-tree', base], undefined, env);
      else await this.run(['read-tree', '--empty'], undefined, env);
      // --index-info: "<mode> <sha>\t<path>" per line; mode 0 removes the path.
      const info = changes
        .map((c) =>
          c.sha === null ? `0 ${'0'.repeat(40)}\t${c.path}\n` : `${c.mode} ${c.sha}\t${c.path}\n`,
        )
        .join('');
      if (info) await this.run(['update-index', '--add', '--index-info'], info, env);
      return (await this.run(['write-tree'], undefined, env)).trim();
    } finally {
      await rm(index, { force: true });
    }
  }

  async writeCommit(options: {
    tree: string;
    parents: readonly string[];
    message: string;
    author: Signature;
    committer: Signature;
  }): Promise<string> {
    const args = ['commit-tree', options.tree];
    for (const p of options.parents) args.push('-p', p);
    const env = {
      GIT_AUTHOR_NAME: options.author.name,
      GIT_AUTHOR_EMAIL: options.author.email,
      GIT_AUTHOR_DATE: unixTime(options.author.date),
      GIT_COMMITTER_NAME: options.committer.name,
      GIT_COMMITTER_EMAIL: options.committer.email,
      GIT_COMMITTER_DATE: unixTime(options.committer.date),
    };
    return (await this.run(args, options.message, env)).trim();
  }

  /** An annotated tag object (not yet referenced by any ref). */
  async writeTag(options: {
    object: string;
    type: string;
    tag: string;
    message: string;
    tagger: Signature;
  }): Promise<string> {
    const t = options.tagger;
    const body =
      `object ${options.object}\ntype ${options.type}\ntag ${options.tag}\n` +
      `tagger ${t.name} <${t.email}> ${unixTime(t.date)}\n\n${options.message.endsWith('\n') ? options.message : options.message + '\n'}`;
    return (await this.run(['mktag'], body)).trim();
  }

  async readTag(sha: string): Promise<{
    object: string;
    type: string;
    tag: string;
    tagger: Signature;
    message: string;
  }> {
    const raw = await this.run(['cat-file', 'tag', sha]);
    const split = raw.indexOf('\n\n');
    const fields = new Map(
      raw
        .slice(0, split)
        .split('\n')
        .map((l) => [l.slice(0, l.indexOf(' ')), l.slice(l.indexOf(' ') + 1)] as const),
    );
    return {
      object: fields.get('object') ?? '',
      type: fields.get('type') ?? '',
      tag: fields.get('tag') ?? '',
      tagger: parseSignature(fields.get('tagger') ?? ''),
      message: raw.slice(split + 2),
    };
  }

  /** Files changed between two commits, as `git diff base...head` (three dots) sees them. */
  async diff(
    base: string,
    head: string,
  ): Promise<
    {
      path: string;
      previousPath?: string;
      status: string;
      additions: number;
      deletions: number;
      sha: string;
    }[]
  > {
    const mergeBase = (
      await git(this.dir, ['merge-base', base, head], { allowFailure: [1] })
    )?.stdout.trim();
    const from = mergeBase || base;
    const raw = await this.run([
      'diff',
      '--raw',
      '--no-abbrev',
      '--numstat',
      '-z',
      '-M',
      from,
      head,
    ]);
    // --raw records come first (":old new sha sha status\0path\0[path\0]"), then numstat.
    const parts = raw.split('\0');
    const files: Awaited<ReturnType<GitStore['diff']>> = [];
    let i = 0;
    while (i < parts.length && parts[i]!.startsWith(':')) {
      const fields = parts[i]!.slice(1).split(' ');
      const status = fields[4]!;
      const sha = fields[3]!;
      if (status.startsWith('R') || status.startsWith('C')) {
        files.push({
          previousPath: parts[i + 1]!,
          path: parts[i + 2]!,
          status: status[0]!,
          additions: 0,
          deletions: 0,
          sha,
        });
        i += 3;
      } else {
        files.push({ path: parts[i + 1]!, status, additions: 0, deletions: 0, sha });
        i += 2;
      }
    }
    // numstat: "add\tdel\tpath\0" or, for renames, "add\tdel\t\0old\0new\0".
    let f = 0;
    while (i < parts.length && f < files.length) {
      const part = parts[i]!;
      if (part === '') {
        i++;
        continue;
      }
      const [add, del, path] = part.split('\t');
      files[f]!.additions = add === '-' ? 0 : Number(add);
      files[f]!.deletions = del === '-' ? 0 : Number(del);
      i += path === '' ? 3 : 1;
      f++;
    }
    return files;
  }
}
