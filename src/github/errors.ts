import {
  AuthError,
  ConflictError,
  ForgeError,
  NotFoundError,
  RateLimitError,
  UnprocessableError,
} from '../forge/errors.ts';
import { isGitopsMlError } from '../errors.ts';

interface RequestErrorLike {
  status: number;
  message: string;
  response?: { data?: unknown; headers?: Record<string, string | undefined> };
}

function isRequestError(error: unknown): error is RequestErrorLike {
  return error instanceof Error && typeof (error as Partial<RequestErrorLike>).status === 'number';
}

/** GitHub's own message and field errors from an error body. */
function details(data: unknown): { message: string | undefined; errors: string[] } {
  if (typeof data !== 'object' || data === null) return { message: undefined, errors: [] };
  const body = data as { message?: unknown; errors?: unknown };
  const errors = Array.isArray(body.errors)
    ? body.errors.map((e: unknown) => {
        if (typeof e === 'string') return e;
        const f = e as { message?: string; field?: string; code?: string; resource?: string };
        return f.message ?? [f.resource, f.field, f.code].filter(Boolean).join(' ');
      })
    : [];
  return { message: typeof body.message === 'string' ? body.message : undefined, errors };
}

/**
 * Turn whatever Octokit threw into a typed forge error that says what we were doing (`doing`,
 * e.g. "update comment 123 on acme/ml#4") and how to fix it. The token never appears: Octokit's
 * errors carry it only in request headers, which we do not copy.
 */
export function toForgeError(error: unknown, doing: string): Error {
  if (isGitopsMlError(error)) return error;
  if (!isRequestError(error)) {
    return new ForgeError(
      `cannot ${doing}: ${error instanceof Error ? error.message : String(error)}`,
      {
        cause: error,
        hint: 'check that GITHUB_API_URL (or forge.apiUrl in gitops-ml.yaml) points at a reachable GitHub API',
      },
    );
  }
  const { status } = error;
  if (error.response === undefined)
    return new ForgeError(`cannot ${doing}: GitHub did not answer (${error.message})`, {
      status: undefined,
      cause: error,
      hint: 'check the network and that GITHUB_API_URL (or forge.apiUrl in gitops-ml.yaml) is right; try again',
    });
  const body = details(error.response?.data);
  const said = body.message ?? error.message.split(' - ')[0];
  const fields = body.errors.length ? ` (${body.errors.join('; ')})` : '';
  const options = { status, cause: error };
  const message = `cannot ${doing}: GitHub answered ${status} ${said}${fields}`;
  if (status === 401)
    return new AuthError(message, {
      ...options,
      hint: 'the token was rejected: check the github-token input or GITHUB_TOKEN, and that it has not expired',
    });
  if ((status === 403 || status === 429) && /rate limit/i.test(`${said}`))
    return new RateLimitError(message, {
      ...options,
      hint: 'GitHub is rate limiting this token; wait for the limit to reset, or use a GitHub App token with a higher limit',
    });
  if (status === 403)
    return new AuthError(message, {
      ...options,
      hint: 'grant the job the permission it needs (pull-requests: write for comments, checks: write for check runs, contents: write for commits and tags); pull requests from forks get a read-only token',
    });
  if (status === 404)
    return new NotFoundError(message, {
      ...options,
      hint: 'check the repository, number or ref; a token without access to a private repository also gets 404',
    });
  if (status === 409)
    return new ConflictError(message, {
      ...options,
      hint: 'the state changed meanwhile; run again',
    });
  if (status === 422) {
    const text = `${said} ${body.errors.join(' ')}`;
    if (/already exists|not a fast.forward/i.test(text))
      return new ConflictError(message, {
        ...options,
        hint: 'the state changed meanwhile; run again',
      });
    return new UnprocessableError(message, body.errors, {
      ...options,
      hint: 'GitHub rejected the request as invalid; this is likely a bug in gitops-ml, please report it',
    });
  }
  if (status >= 500)
    return new ForgeError(`cannot ${doing}: GitHub is unavailable (HTTP ${status}) after retries`, {
      ...options,
      hint: 'try again later; https://www.githubstatus.com shows incidents',
    });
  return new ForgeError(message, options);
}

/** Run `work`, mapping any error to a typed forge error that names `doing`. */
export async function describe<T>(doing: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toForgeError(error, doing);
  }
}
