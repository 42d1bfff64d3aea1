import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Faults, FaultKind } from './faults.ts';
import { serveGit, GIT_PATH } from './git-http.ts';
import { forbidden, HttpError, notFound, unauthorized, type Reply } from './http.ts';
import { match, type Route, type TokenInfo } from './router.ts';
import type { State, Urls } from './state.ts';

/** One request as the emulator saw it; tests and benchmarks count these. */
export interface LogEntry {
  seq: number;
  kind: 'rest' | 'git';
  method: string;
  /** Path without the query string or the REST prefix. */
  path: string;
  /** The documented route template, e.g. /repos/{owner}/{repo}/issues/{issue_number}/comments. */
  route: string | undefined;
  status: number;
  fault: FaultKind | undefined;
  login: string | undefined;
}

const SECONDARY =
  'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. ' +
  'If you reach out to GitHub Support for help, please include the request ID.';

export interface ServerOptions {
  state: State;
  routes: readonly Route[];
  faults: Faults;
  tokens: Map<string, TokenInfo>;
  log: LogEntry[];
  /** '' for github.com-style URLs, '/api/v3' for GitHub Enterprise Server-style ones. */
  prefix: string;
  port: number;
  onRequest?: (entry: LogEntry) => void;
}

function tokenOf(req: IncomingMessage, tokens: Map<string, TokenInfo>): TokenInfo | undefined {
  const header = req.headers.authorization ?? '';
  const [scheme, value = ''] = header.split(' ');
  if (/^(token|bearer)$/i.test(scheme ?? '')) return tokens.get(value);
  if (/^basic$/i.test(scheme ?? '')) {
    // git sends "x-access-token:<token>" (or any user name) as Basic credentials.
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    return tokens.get(decoded.slice(decoded.indexOf(':') + 1));
  }
  return undefined;
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(400, {
      message: 'Problems parsing JSON',
      documentation_url: 'https://docs.github.com/rest',
      status: '400',
    });
  }
}

function send(res: ServerResponse, reply: Reply, extra: Record<string, string>): void {
  const headers: Record<string, string> = { ...extra, ...reply.headers };
  if (reply.raw) {
    res.writeHead(reply.status, headers);
    res.end(reply.raw);
  } else if (reply.body === undefined) {
    res.writeHead(reply.status, headers);
    res.end();
  } else {
    res.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(reply.body));
  }
}

function faultReply(kind: FaultKind, retryAfter: number): Reply {
  const rateLimited = {
    message: SECONDARY,
    documentation_url:
      'https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits',
  };
  switch (kind) {
    case 'secondary-rate-limit':
      return { status: 403, body: rateLimited, headers: { 'retry-after': String(retryAfter) } };
    case 'too-many-requests':
      return { status: 429, body: rateLimited, headers: { 'retry-after': String(retryAfter) } };
    case 'bad-gateway':
    case 'lost-reply':
      return {
        status: 502,
        raw: Buffer.from('<html><body><h1>502 Bad Gateway</h1></body></html>'),
        headers: { 'content-type': 'text/html' },
      };
    case 'server-error':
    case 'slow':
      return { status: 500, body: { message: 'Server Error' } };
  }
}

/** The HTTP server: git smart HTTP at /owner/repo.git, the REST API under `prefix`. */
export async function startServer(
  options: ServerOptions,
): Promise<{ urls: Urls; close(): Promise<void> }> {
  const { state, routes, faults, tokens, log } = options;
  const urls: Urls = { api: '', server: '' };
  let seq = 0;
  const ratelimit = new Map<string, number>();
  const entries = new WeakMap<ServerResponse, LogEntry>();

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', urls.server);
    const method = req.method ?? 'GET';
    const token = tokenOf(req, tokens);
    const entry: LogEntry = {
      seq: ++seq,
      kind: 'rest',
      method,
      path: url.pathname,
      route: undefined,
      status: 0,
      fault: undefined,
      login: token?.user.login,
    };
    log.push(entry);
    entries.set(res, entry);

    const gitPath = GIT_PATH.exec(url.pathname);
    if (gitPath) {
      entry.kind = 'git';
      entry.route = 'git';
      const push =
        url.pathname.endsWith('/git-receive-pack') ||
        url.searchParams.get('service') === 'git-receive-pack';
      if (!token) {
        res.writeHead(401, { 'www-authenticate': 'Basic realm="GitHub"' });
        res.end();
        entry.status = 401;
        return;
      }
      const repo = state.repos.get(`${gitPath[1]!}/${gitPath[2]!}`.toLowerCase());
      if (!repo || (push && token.permission !== 'write')) {
        entry.status = repo ? 403 : 404;
        res.writeHead(entry.status);
        res.end();
        return;
      }
      entry.fault = faults.pick(method, url.pathname, 'git');
      if (entry.fault) {
        entry.status = 500;
        res.writeHead(500);
        res.end();
        return;
      }
      const serve = (beforeReply?: () => Promise<void>) =>
        serveGit(req, res, {
          projectRoot: state.root,
          pathInfo: `/${repo.owner.login}/${repo.name}.git${gitPath[3]!}`,
          query: url.search.slice(1),
          user: token.user.login,
          ...(beforeReply && { beforeReply }),
        });
      // A push moves PR heads and records check suites before the pusher hears back.
      entry.status = push
        ? await state.lock.run(repo.fullName, () =>
            serve(async () => {
              await state.syncRefs(repo);
            }),
          )
        : await serve();
      return;
    }

    const extra: Record<string, string> = {
      'x-github-request-id': `EMU:${entry.seq}`,
      'x-github-api-version-selected': '2022-11-28',
    };
    try {
      if (!url.pathname.startsWith(options.prefix)) throw notFound();
      const path = url.pathname.slice(options.prefix.length) || '/';
      entry.path = path;
      if (!token) throw unauthorized();
      const used = (ratelimit.get(token.user.login) ?? 0) + 1;
      ratelimit.set(token.user.login, used);
      Object.assign(extra, {
        'x-ratelimit-limit': '5000',
        'x-ratelimit-remaining': String(Math.max(0, 5000 - used)),
        'x-ratelimit-used': String(used),
        'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
        'x-ratelimit-resource': 'core',
      });
      const found = match(routes, method, path);
      if (!found) throw notFound();
      entry.route = found.route.template;
      const fault = faults.pick(method, path, 'rest');
      entry.fault = fault;
      if (fault === 'slow') await new Promise((r) => setTimeout(r, faults.slowMs));
      else if (fault && fault !== 'lost-reply') {
        const reply = faultReply(fault, faults.retryAfterSeconds);
        entry.status = reply.status;
        send(res, reply, extra);
        return;
      }
      if (found.route.write && token.permission !== 'write') throw forbidden();
      const body = method === 'GET' || method === 'DELETE' ? {} : await readBody(req);
      const reply = await found.route.handler({
        method,
        url: new URL(url.href.replace(url.origin + options.prefix, urls.api)),
        params: found.params,
        query: url.searchParams,
        body,
        headers: req.headers,
        token,
        state,
        urls,
      });
      if (fault === 'lost-reply') {
        const lost = faultReply('lost-reply', 0);
        entry.status = lost.status;
        send(res, lost, extra);
        return;
      }
      entry.status = reply.status;
      send(res, reply, extra);
    } catch (error) {
      if (error instanceof HttpError) {
        entry.status = error.status;
        send(res, { status: error.status, body: error.body, headers: error.headers }, extra);
        return;
      }
      entry.status = 500;
      send(res, { status: 500, body: { message: `emulator bug: ${String(error)}` } }, extra);
    }
  };

  const server = createServer((req, res) => {
    handle(req, res)
      .catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500);
        res.end(String(error));
      })
      .finally(() => {
        const entry = entries.get(res);
        if (entry && options.onRequest) options.onRequest(entry);
      });
  });
  await new Promise<void>((resolve) => server.listen(options.port, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  urls.server = `http://127.0.0.1:${port}`;
  urls.api = `${urls.server}${options.prefix}`;
  return {
    urls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
