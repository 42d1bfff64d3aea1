import type { components } from '@octokit/openapi-types';
import { nodeId } from '../bodies.ts';
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
