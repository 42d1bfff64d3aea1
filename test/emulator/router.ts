import type { Reply } from './http.ts';
import type { EmuUser, State, Urls } from './state.ts';

export interface TokenInfo {
  user: EmuUser;
  /** "read": what a fork PR's GITHUB_TOKEN may do; writes get 403. */
  permission: 'read' | 'write';
}

export interface ApiRequest {
  method: string;
  /** The full request URL (query included), for Link headers. */
  url: URL;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
  token: TokenInfo;
  state: State;
  urls: Urls;
}

export type Handler = (req: ApiRequest) => Promise<Reply> | Reply;

export interface Route {
  method: string;
  /** As GitHub documents it: /repos/{owner}/{repo}/pulls/{pull_number}. */
  template: string;
  pattern: RegExp;
  names: string[];
  handler: Handler;
  /** Whether the route changes anything (a read-only token gets 403). */
  write: boolean;
}

export function route(method: string, template: string, handler: Handler): Route {
  const names: string[] = [];
  const source = template.replace(/\{(\+?)(\w+)\}/g, (_m, plus: string, name: string) => {
    names.push(name);
    return plus ? '(.+)' : '([^/]+)';
  });
  return {
    method,
    template,
    pattern: new RegExp(`^${source}$`),
    names,
    handler,
    write: method !== 'GET' && method !== 'HEAD',
  };
}

export function match(
  routes: readonly Route[],
  method: string,
  path: string,
): { route: Route; params: Record<string, string> } | undefined {
  for (const r of routes) {
    if (r.method !== method) continue;
    const m = r.pattern.exec(path);
    if (!m) continue;
    const params: Record<string, string> = {};
    r.names.forEach((name, i) => (params[name] = decodeURIComponent(m[i + 1]!)));
    return { route: r, params };
  }
  return undefined;
}
