import type { components } from '@octokit/openapi-types';

type BasicError = components['schemas']['basic-error'];
type ValidationError = components['schemas']['validation-error'];
export type FieldError = NonNullable<ValidationError['errors']>[number];

/** What a route answers: a status, a JSON body (or raw bytes), extra headers. */
export interface Reply {
  status: number;
  body?: unknown;
  raw?: Uint8Array;
  headers?: Record<string, string>;
}

const docs = 'https://docs.github.com/rest';

/** A GitHub error reply, thrown from a route: status and the body GitHub sends with it. */
export class HttpError extends Error {
  readonly status: number;
  readonly body: BasicError | ValidationError;
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    body: BasicError | ValidationError,
    headers: Record<string, string> = {},
  ) {
    super(body.message ?? `HTTP ${status}`);
    this.status = status;
    this.body = body;
    this.headers = headers;
  }
}

export function notFound(): HttpError {
  return new HttpError(404, { message: 'Not Found', documentation_url: docs, status: '404' });
}

export function forbidden(message = 'Resource not accessible by integration'): HttpError {
  return new HttpError(403, { message, documentation_url: docs, status: '403' });
}

export function unauthorized(): HttpError {
  return new HttpError(401, { message: 'Bad credentials', documentation_url: docs, status: '401' });
}

export function conflict(message: string): HttpError {
  return new HttpError(409, { message, documentation_url: docs, status: '409' });
}

/** 422 as GitHub sends it: a message and, when fields are at fault, `errors`. */
export function unprocessable(message: string, errors?: FieldError[]): HttpError {
  const body: ValidationError = { message, documentation_url: docs };
  if (errors) body.errors = errors;
  return new HttpError(422, body);
}

export function json(status: number, body: unknown): Reply {
  return { status, body };
}

/**
 * One page of `items` with GitHub's Link header (first/prev/next/last), from `per_page` (default
 * 30, at most 100) and `page` (default 1) in the request URL.
 */
export function paginate<T>(url: URL, items: readonly T[]): Reply {
  const perPage = Math.min(100, Math.max(1, Number(url.searchParams.get('per_page') ?? 30) || 30));
  const page = Math.max(1, Number(url.searchParams.get('page') ?? 1) || 1);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const link = (p: number, rel: string) => {
    const u = new URL(url);
    u.searchParams.set('page', String(p));
    u.searchParams.set('per_page', String(perPage));
    return `<${u.href}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page > 1) links.push(link(page - 1, 'prev'));
  if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
  if (page > 1) links.push(link(1, 'first'));
  return {
    status: 200,
    body: items.slice((page - 1) * perPage, page * perPage),
    headers: links.length ? { link: links.join(', ') } : {},
  };
}

/** A body field that must be a string; 422 otherwise, naming the field as GitHub does. */
export function requireString(body: unknown, field: string, resource: string): string {
  const value = (body as Record<string, unknown> | null)?.[field];
  if (typeof value !== 'string' || value === '')
    throw unprocessable('Invalid request.', [{ resource, field, code: 'missing_field' }]);
  return value;
}

export function optionalString(body: unknown, field: string): string | undefined {
  const value = (body as Record<string, unknown> | null)?.[field];
  return typeof value === 'string' ? value : undefined;
}
