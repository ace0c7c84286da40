/**
 * What can go wrong talking to api.video, as types a caller can branch on.
 *
 * Messages name the endpoint by its route template (`GET /analytics/videos/{videoId}`), never
 * a header or body that could carry the key.
 */
import { ViewershipError } from '../errors.js';
import type { RequestInfo } from './schemas.js';

export class ApiError extends ViewershipError {
  constructor(
    readonly endpoint: string,
    message: string,
    options: { status?: number; hint?: string; kind?: 'usage' | 'runtime'; cause?: unknown } = {},
  ) {
    super(message, options);
    this.status = options.status;
  }
  readonly status: number | undefined;
}

/** api.video refused the key itself. The CLI exits 2: it is the user's configuration. */
export class AuthenticationError extends ApiError {
  constructor(endpoint: string, status: number) {
    super(endpoint, `api.video rejected the API key (${endpoint} answered ${status})`, {
      status,
      kind: 'usage',
      hint: 'Check --api-key or APIVIDEO_API_KEY, and that --env/--base-url is where the key belongs (sandbox keys only work on sandbox).',
    });
  }
}

/**
 * Requests kept being refused (401) although the key was accepted at login and the token renewed:
 * not the key's fault, so not a usage error.
 */
export class UnauthorizedError extends ApiError {
  constructor(endpoint: string, seconds: number) {
    super(
      endpoint,
      `${endpoint} kept answering 401 for ${seconds} s although api.video accepted the API key`,
      {
        status: 401,
        hint: 'The key may lack access to this API, or api.video is refusing tokens for a while; run the same command again later: sync resumes where it stopped.',
      },
    );
  }
}

/** The route itself does not exist for this account: a whole API generation is missing. */
export class EndpointNotFoundError extends ApiError {
  constructor(endpoint: string) {
    super(endpoint, `${endpoint} does not exist on this account (404 on the route)`, {
      status: 404,
    });
  }
}

/**
 * True when an error says a whole API generation is absent from the account: the route is
 * unknown (404 unrecognized-request-url), or the account may not use it (403).
 */
export function isGenerationMissing(error: unknown): boolean {
  return (
    error instanceof EndpointNotFoundError ||
    (error instanceof RequestRejectedError && error.status === 403)
  );
}

/** The route exists but the asset or session it names does not. */
export class ResourceNotFoundError extends ApiError {
  constructor(
    endpoint: string,
    readonly resource: string | undefined,
  ) {
    super(endpoint, `${endpoint}: the requested ${resource ?? 'resource'} was not found`, {
      status: 404,
    });
  }
}

/** A 4xx other than auth, 404 and 429: our request was wrong, so retrying cannot help. */
export class RequestRejectedError extends ApiError {
  constructor(endpoint: string, status: number, problem: string) {
    super(endpoint, `${endpoint} rejected the request (${status}): ${problem}`, { status });
  }
}

/**
 * A whole answer that cannot be read (not JSON, or its envelope does not fit the spec); names the
 * field. It carries the request and the body as sent, for the `rejects` table.
 */
export class ResponseShapeError extends ApiError {
  readonly request: RequestInfo | undefined;
  readonly text: string | undefined;

  constructor(
    endpoint: string,
    readonly detail: string,
    answer: { request?: RequestInfo; text?: string } = {},
  ) {
    super(endpoint, `${endpoint} answered a body viewership does not understand: ${detail}`, {
      hint: 'The API may have changed. Run with --debug and report it; --raw-dir keeps the bodies.',
    });
    this.request = answer.request;
    this.text = answer.text;
  }
}

/** Retries ran out on 5xx, 429, timeouts or dropped connections. */
export class ApiUnavailableError extends ApiError {
  constructor(endpoint: string, attempts: number, lastProblem: string, cause?: unknown) {
    super(endpoint, `${endpoint} kept failing (${lastProblem}) after ${attempts} attempts`, {
      hint: 'api.video or the network may be down; run the same command again later: sync resumes where it stopped.',
      cause,
    });
  }
}

/** The host cannot be reached at all (refused, unknown host): retrying quickly will not help. */
export class UnreachableError extends ApiError {
  constructor(endpoint: string, baseUrl: string, code: string, cause?: unknown) {
    super(endpoint, `cannot reach ${baseUrl} (${code})`, {
      hint: 'Check --base-url/--env and the network connection.',
      cause,
    });
  }
}
