import { spawn } from 'node:child_process';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** `/owner/repo.git/<service path>`: the URL shape of git over HTTP on GitHub. */
export const GIT_PATH = /^\/([^/]+)\/([^/]+?)\.git(\/.*)$/;

/**
 * Serve one git smart-HTTP request through `git http-backend` (CGI): request body to its stdin,
 * its CGI headers and body back to the client. `user` is the authenticated login; pushes need one.
 */
export function serveGit(
  req: IncomingMessage,
  res: ServerResponse,
  options: {
    projectRoot: string;
    pathInfo: string;
    query: string;
    user: string;
    /**
     * Run after git has finished and before the client sees any of the reply (a push: the refs
     * are synced before the pusher's `git push` can return, as a test expects).
     */
    beforeReply?: () => Promise<void>;
  },
): Promise<number> {
  return new Promise((resolve) => {
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      GIT_PROJECT_ROOT: options.projectRoot,
      GIT_HTTP_EXPORT_ALL: '1',
      PATH_INFO: options.pathInfo,
      REQUEST_METHOD: req.method ?? 'GET',
      QUERY_STRING: options.query,
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      REMOTE_USER: options.user,
      REMOTE_ADDR: '127.0.0.1',
      GIT_CONFIG_NOSYSTEM: '1',
      HOME: options.projectRoot,
    };
    if (req.headers['content-encoding'])
      env.HTTP_CONTENT_ENCODING = String(req.headers['content-encoding']);
    if (req.headers['git-protocol']) env.GIT_PROTOCOL = String(req.headers['git-protocol']);
    if (req.headers['content-length']) env.CONTENT_LENGTH = String(req.headers['content-length']);
    const child = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    req.pipe(child.stdin);
    child.stdin.on('error', () => undefined);
    let head = Buffer.alloc(0);
    let headersDone = false;
    let status = 200;
    const held: Buffer[] | undefined = options.beforeReply ? [] : undefined;
    const headers: [string, string][] = [];
    const send = () => {
      for (const [name, value] of headers) res.setHeader(name, value);
      res.writeHead(status);
    };
    child.stdout.on('data', (chunk: Buffer) => {
      if (headersDone) {
        if (held) held.push(chunk);
        else res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      headersDone = true;
      for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
        const colon = line.indexOf(':');
        const name = line.slice(0, colon).trim();
        const value = line.slice(colon + 1).trim();
        if (name.toLowerCase() === 'status') status = Number(value.split(' ')[0]);
        else headers.push([name, value]);
      }
      if (held) held.push(head.subarray(end + 4));
      else {
        send();
        res.write(head.subarray(end + 4));
      }
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => {
      if (!headersDone) {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`git http-backend failed (${code}): ${stderr}`);
        resolve(500);
        return;
      }
      if (!held) {
        res.end();
        resolve(status);
        return;
      }
      void options.beforeReply!().finally(() => {
        send();
        res.end(Buffer.concat(held));
        resolve(status);
      });
    });
  });
}
