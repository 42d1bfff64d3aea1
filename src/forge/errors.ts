import { InfraError } from '../errors.ts';

interface ForgeErrorOptions {
  /** The HTTP status the forge answered with; undefined when no answer came (network). */
  status?: number | undefined;
  cause?: unknown;
  hint?: string | undefined;
}

/** The forge (GitHub) failed or refused a request. Exit code 3, like every InfraError. */
export class ForgeError extends InfraError {
  readonly status: number | undefined;

  constructor(message: string, options: ForgeErrorOptions = {}) {
    super(message, { cause: options.cause, hint: options.hint });
    this.status = options.status;
  }
}

/** 404: no such repository, pull request, file or ref (or the token may not see it). */
export class NotFoundError extends ForgeError {}

/** 409, or a 422 that means "already exists" / "not a fast forward": the state moved under us. */
export class ConflictError extends ForgeError {}

/** 422: the forge rejected what we sent; `details` lists its field errors. */
export class UnprocessableError extends ForgeError {
  readonly details: readonly string[];

  constructor(message: string, details: readonly string[], options: ForgeErrorOptions = {}) {
    super(message, options);
    this.details = details;
  }
}

/** 401, or a 403 that is not a rate limit: the token is bad or lacks a permission. */
export class AuthError extends ForgeError {}

/** Rate limited (403/429) and still limited after the retries we allow ourselves. */
export class RateLimitError extends ForgeError {}
