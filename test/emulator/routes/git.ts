import type { components } from '@octokit/openapi-types';
import { nodeId, repository } from '../bodies.ts';
import type { Signature } from '../git-store.ts';
import {
  conflict,
  json,
  notFound,
  optionalString,
  requireString,
  unprocessable,
  type Reply,
} from '../http.ts';
import { route, type ApiRequest } from '../router.ts';
import type { EmuRepo } from '../state.ts';

type Schemas = components['schemas'];

const SHA = /^[0-9a-f]{40}$/;
/** GitHub serves file contents inline up to 1 MB; above that only the raw media type has them. */
const INLINE_LIMIT = 1024 * 1024;

function repoOf(req: ApiRequest): EmuRepo {
  return req.state.repo(req.params.owner!, req.params.repo!);
}

function refBody(
  req: ApiRequest,
  repo: EmuRepo,
  ref: string,
  sha: string,
  type: string,
): Schemas['git-ref'] {
  const api = `${req.urls.api}/repos/${repo.fullName}`;
  return {
    ref,
    node_id: nodeId('REF_', sha.length),
    url: `${api}/git/${ref}`,
    object: { type, sha, url: `${api}/git/${type}s/${sha}` },
  };
}

async function commitBody(
  req: ApiRequest,
  repo: EmuRepo,
  sha: string,
): Promise<Schemas['git-commit']> {
  const c = await repo.git.commit(sha);
  const api = `${req.urls.api}/repos/${repo.fullName}`;
  return {
    sha,
    node_id: nodeId('C_', sha.length),
    url: `${api}/git/commits/${sha}`,
    html_url: `${req.urls.server}/${repo.fullName}/commit/${sha}`,
    author: c.author,
    committer: c.committer,
    message: c.message.replace(/\n$/, ''),
    tree: { sha: c.tree, url: `${api}/git/trees/${c.tree}` },
    parents: c.parents.map((p) => ({
      sha: p,
      url: `${api}/git/commits/${p}`,
      html_url: `${req.urls.server}/${repo.fullName}/commit/${p}`,
    })),
    verification: {
      verified: false,
      reason: 'unsigned',
      signature: null,
      payload: null,
      verified_at: null,
    },
  };
}

function signatureFrom(req: ApiRequest, value: unknown): Signature {
  const v = (value ?? {}) as Partial<Signature>;
  const fallback = req.state.signature(req.token.user);
  return {
    name: v.name ?? fallback.name,
    email: v.email ?? fallback.email,
    date: v.date ?? fallback.date,
  };
}

async function treeBody(req: ApiRequest, repo: EmuRepo, sha: string, recursive: boolean) {
  const entries = await repo.git.tree(sha, recursive);
  return {
    sha,
    url: `${req.urls.api}/repos/${repo.fullName}/git/trees/${sha}`,
    truncated: false,
    tree: entries.map((e) => ({
      path: e.path,
      mode: e.mode,
      type: e.type,
      sha: e.sha,
      size: e.size,
    })),
  };
}

/** Writes that move refs go through here: one at a time per repository, then PR heads follow. */
async function writing<T>(req: ApiRequest, repo: EmuRepo, work: () => Promise<T>): Promise<T> {
  return req.state.lock.run(repo.fullName, async () => {
    const result = await work();
    await req.state.syncRefs(repo);
    return result;
  });
}

async function contentBody(
  req: ApiRequest,
  repo: EmuRepo,
  path: string,
  ref: string,
): Promise<Reply> {
  const commit = await repo.git.resolve(`${ref}^{commit}`);
  const sha =
    commit && (await repo.git.resolve(path === '' ? `${commit}^{tree}` : `${commit}:${path}`));
  if (!sha) throw notFound();
  const api = `${req.urls.api}/repos/${repo.fullName}`;
  const prefix = path ? `${path}/` : '';
  if ((await repo.git.objectType(sha)) === 'tree') {
    const listing = await repo.git.tree(sha, false);
    return json(
      200,
      listing.map((e) => ({
        type: e.type === 'tree' ? 'dir' : 'file',
        size: e.size ?? 0,
        name: e.path,
        path: `${prefix}${e.path}`,
        sha: e.sha,
        url: `${api}/contents/${prefix}${e.path}?ref=${ref}`,
        git_url: `${api}/git/${e.type}s/${e.sha}`,
        html_url: `${req.urls.server}/${repo.fullName}/blob/${ref}/${prefix}${e.path}`,
        download_url: null,
        _links: { self: `${api}/contents/${prefix}${e.path}`, git: null, html: null },
      })),
    );
  }
  const target = { sha, path: path.split('/').at(-1)! };
  const bytes = await repo.git.readBlob(target.sha);
  const accept = String(req.headers.accept ?? '');
  if (accept.includes('vnd.github.raw') || accept.includes('vnd.github.v3.raw'))
    return { status: 200, raw: bytes, headers: { 'content-type': 'application/octet-stream' } };
  const inline = bytes.length <= INLINE_LIMIT;
  const body: Schemas['content-file'] = {
    type: 'file',
    encoding: inline ? 'base64' : 'none',
    size: bytes.length,
    name: target.path,
    path,
    content: inline ? bytes.toString('base64').replace(/(.{60})/g, '$1\n') : '',
    sha: target.sha,
    url: `${api}/contents/${path}?ref=${ref}`,
    git_url: `${api}/git/blobs/${target.sha}`,
    html_url: `${req.urls.server}/${repo.fullName}/blob/${ref}/${path}`,
    download_url: `${req.urls.server}/${repo.fullName}/raw/${ref}/${path}`,
    _links: {
      self: `${api}/contents/${path}?ref=${ref}`,
      git: `${api}/git/blobs/${target.sha}`,
      html: `${req.urls.server}/${repo.fullName}/blob/${ref}/${path}`,
    },
  };
  return json(200, body);
}

export const gitRoutes = [
  route('GET', '/repos/{owner}/{repo}', (req) => json(200, repository(req.urls, repoOf(req)))),

  route('GET', '/repos/{owner}/{repo}/git/ref/{+ref}', async (req) => {
    const repo = repoOf(req);
    const ref = `refs/${req.params.ref!}`;
    const sha = (await repo.git.refs()).get(ref);
    if (!sha) throw notFound();
    return json(200, refBody(req, repo, ref, sha, (await repo.git.objectType(sha)) ?? 'commit'));
  }),

  route('POST', '/repos/{owner}/{repo}/git/refs', (req) => {
    const repo = repoOf(req);
    const ref = requireString(req.body, 'ref', 'Reference');
    const sha = requireString(req.body, 'sha', 'Reference');
    if (!/^refs\/[^/]+\/.+/.test(ref))
      throw unprocessable('Reference name must start with refs/ and have at least two slashes.');
    return writing(req, repo, async () => {
      const type = await repo.git.objectType(sha);
      if (!type) throw unprocessable('Object does not exist');
      if (!(await repo.git.updateRef(ref, sha, '')))
        throw unprocessable('Reference already exists');
      return json(201, refBody(req, repo, ref, sha, type));
    });
  }),

  route('PATCH', '/repos/{owner}/{repo}/git/refs/{+ref}', (req) => {
    const repo = repoOf(req);
    const ref = `refs/${req.params.ref!}`;
    const sha = requireString(req.body, 'sha', 'Reference');
    const force = (req.body as { force?: unknown }).force === true;
    return writing(req, repo, async () => {
      const current = (await repo.git.refs()).get(ref);
      if (!current) throw unprocessable('Reference does not exist');
      if ((await repo.git.objectType(sha)) !== 'commit')
        throw unprocessable('Object does not exist');
      if (!force && !(await repo.git.isAncestor(current, sha)))
        throw unprocessable('Update is not a fast forward');
      if (!(await repo.git.updateRef(ref, sha, current)))
        throw unprocessable('Reference cannot be updated');
      return json(200, refBody(req, repo, ref, sha, 'commit'));
    });
  }),

  route('DELETE', '/repos/{owner}/{repo}/git/refs/{+ref}', (req) => {
    const repo = repoOf(req);
    const ref = `refs/${req.params.ref!}`;
    return writing(req, repo, async () => {
      if (!(await repo.git.refs()).has(ref)) throw unprocessable('Reference does not exist');
      await repo.git.deleteRef(ref);
      return { status: 204 };
    });
  }),

  route('GET', '/repos/{owner}/{repo}/git/commits/{commit_sha}', async (req) => {
    const repo = repoOf(req);
    const sha = req.params.commit_sha!;
    if (!SHA.test(sha) || (await repo.git.objectType(sha)) !== 'commit') throw notFound();
    return json(200, await commitBody(req, repo, sha));
  }),

  route('POST', '/repos/{owner}/{repo}/git/commits', async (req) => {
    const repo = repoOf(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const tree = requireString(body, 'tree', 'Commit');
    const message = requireString(body, 'message', 'Commit');
    const parents = Array.isArray(body.parents) ? (body.parents as string[]) : [];
    if ((await repo.git.objectType(tree)) !== 'tree')
      throw unprocessable('Tree SHA does not exist');
    for (const p of parents)
      if ((await repo.git.objectType(p)) !== 'commit')
        throw unprocessable('Parent SHA does not exist or is not a commit object');
    const author = signatureFrom(req, body.author);
    const sha = await repo.git.writeCommit({
      tree,
      parents,
      message,
      author,
      committer: body.committer ? signatureFrom(req, body.committer) : author,
    });
    return json(201, await commitBody(req, repo, sha));
  }),

  route('POST', '/repos/{owner}/{repo}/git/blobs', async (req) => {
    const repo = repoOf(req);
    const content = requireString(req.body, 'content', 'Blob');
    const encoding = optionalString(req.body, 'encoding') ?? 'utf-8';
    const sha = await repo.git.writeBlob(
      Buffer.from(content, encoding === 'base64' ? 'base64' : 'utf8'),
    );
    return json(201, { sha, url: `${req.urls.api}/repos/${repo.fullName}/git/blobs/${sha}` });
  }),

  route('POST', '/repos/{owner}/{repo}/git/trees', async (req) => {
    const repo = repoOf(req);
    const body = (req.body ?? {}) as { base_tree?: string; tree?: Record<string, unknown>[] };
    if (!Array.isArray(body.tree))
      throw unprocessable('Invalid request.', [
        { resource: 'Tree', field: 'tree', code: 'missing_field' },
      ]);
    const changes = [];
    for (const entry of body.tree) {
      const path = typeof entry.path === 'string' ? entry.path : '';
      const mode = typeof entry.mode === 'string' ? entry.mode : '100644';
      let sha = entry.sha === null ? null : typeof entry.sha === 'string' ? entry.sha : undefined;
      if (typeof entry.content === 'string')
        sha = await repo.git.writeBlob(Buffer.from(entry.content));
      if (sha === undefined) throw unprocessable('Must supply either tree.sha or tree.content');
      changes.push({ path, mode, sha });
    }
    const sha = await repo.git.writeTree(body.base_tree, changes);
    return json(201, await treeBody(req, repo, sha, false));
  }),

  route('GET', '/repos/{owner}/{repo}/git/trees/{tree_sha}', async (req) => {
    const repo = repoOf(req);
    const sha = await repo.git.resolve(`${req.params.tree_sha!}^{tree}`);
    if (!sha) throw notFound();
    return json(200, await treeBody(req, repo, sha, req.query.has('recursive')));
  }),

  route('POST', '/repos/{owner}/{repo}/git/tags', async (req) => {
    const repo = repoOf(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const tag = requireString(body, 'tag', 'Tag');
    const object = requireString(body, 'object', 'Tag');
    const type = optionalString(body, 'type') ?? 'commit';
    const message = optionalString(body, 'message') ?? '';
    if ((await repo.git.objectType(object)) !== type) throw unprocessable('Object does not exist');
    const tagger = signatureFrom(req, body.tagger);
    const sha = await repo.git.writeTag({ object, type, tag, message, tagger });
    const api = `${req.urls.api}/repos/${repo.fullName}`;
    const created: Schemas['git-tag'] = {
      node_id: nodeId('TAG_', sha.length),
      tag,
      sha,
      url: `${api}/git/tags/${sha}`,
      message,
      tagger,
      object: { sha: object, type, url: `${api}/git/${type}s/${object}` },
    };
    return json(201, created);
  }),

  route('GET', '/repos/{owner}/{repo}/git/tags/{tag_sha}', async (req) => {
    const repo = repoOf(req);
    const sha = req.params.tag_sha!;
    if (!SHA.test(sha) || (await repo.git.objectType(sha)) !== 'tag') throw notFound();
    const t = await repo.git.readTag(sha);
    const api = `${req.urls.api}/repos/${repo.fullName}`;
    return json(200, {
      node_id: nodeId('TAG_', sha.length),
      tag: t.tag,
      sha,
      url: `${api}/git/tags/${sha}`,
      message: t.message,
      tagger: t.tagger,
      object: { sha: t.object, type: t.type, url: `${api}/git/${t.type}s/${t.object}` },
    } satisfies Schemas['git-tag']);
  }),

  route('GET', '/repos/{owner}/{repo}/contents/{+path}', (req) => {
    const repo = repoOf(req);
    return contentBody(req, repo, req.params.path!, req.query.get('ref') ?? repo.defaultBranch);
  }),

  route('PUT', '/repos/{owner}/{repo}/contents/{+path}', (req) => {
    const repo = repoOf(req);
    const path = req.params.path!;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const message = requireString(body, 'message', 'Content');
    const content = requireString(body, 'content', 'Content');
    const branch = optionalString(body, 'branch') ?? repo.defaultBranch;
    return writing(req, repo, async () => {
      const tip = (await repo.git.refs()).get(`refs/heads/${branch}`);
      if (!tip) throw notFound();
      const existing = await repo.git.resolve(`${tip}:${path}`);
      const given = optionalString(body, 'sha');
      if (existing && given === undefined)
        throw unprocessable('Invalid request.\n\n"sha" wasn\'t supplied.');
      if (existing && given !== existing) throw conflict(`${path} does not match ${given}`);
      const blob = await repo.git.writeBlob(Buffer.from(content, 'base64'));
      const tree = await repo.git.writeTree(tip, [{ path, mode: '100644', sha: blob }]);
      const author = signatureFrom(req, body.author);
      const sha = await repo.git.writeCommit({
        tree,
        parents: [tip],
        message,
        author,
        committer: body.committer ? signatureFrom(req, body.committer) : author,
      });
      if (!(await repo.git.updateRef(`refs/heads/${branch}`, sha, tip)))
        throw conflict(`${branch} moved; try again`);
      return json(existing ? 200 : 201, {
        content: { name: path.split('/').at(-1), path, sha: blob },
        commit: await commitBody(req, repo, sha),
      });
    });
  }),
];
