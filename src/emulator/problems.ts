/**
 * Error bodies, as the specs' examples spell them (`type`, `title`, `name`, `status`, and for
 * the Analytics API `detail`), and the reply type every route returns.
 */

export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export const reply = (body: unknown, status = 200): Reply => ({ status, body });

/** 400 on `POST /auth/api-key` and `/auth/refresh` (2021-03 and 2023-09 spelling). */
export function invalidCredentials(): Reply {
  return reply(
    {
      type: 'https://docs.api.video/docs/authenticationinvalid_credentials',
      title: 'The user credentials were incorrect.',
      name: '',
      status: 400,
    },
    400,
  );
}

export function unauthorized(reason: 'missing' | 'invalid' | 'expired'): Reply {
  const titles = {
    missing:
      'This request requires authentication: send a bearer token or the API key with HTTP Basic.',
    invalid: 'The access token provided is invalid.',
    expired: 'The access token provided has expired.',
  };
  return {
    status: 401,
    body: {
      type: `https://docs.api.video/reference/authentication-${reason === 'missing' ? 'missing-credentials' : `${reason}-access-token`}`,
      title: titles[reason],
      status: 401,
    },
    headers: { 'www-authenticate': 'Bearer realm="api.video"' },
  };
}

export function notFound(name: string): Reply {
  return reply(
    {
      type: 'https://docs.api.video/docs/resourcenot_found',
      title: 'The requested resource was not found.',
      name,
      status: 404,
    },
    404,
  );
}

/** 404 for a route the account does not serve (2024-11 `unrecognized-request-url`). */
export function unrecognizedUrl(): Reply {
  return reply(
    {
      type: 'https://docs.api.video/reference/unrecognized-request-url',
      title: 'Unrecognized request URL.',
      status: 404,
    },
    404,
  );
}

/** 429, with the standard `Retry-After` beside api.video's `X-RateLimit-Retry-After`. */
export function tooManyRequests(retryAfterSeconds: number): Reply {
  return {
    status: 429,
    body: {
      type: 'https://docs.api.video/reference/too-many-requests',
      title: 'Too many requests.',
      status: 429,
    },
    headers: { 'retry-after': String(retryAfterSeconds) },
  };
}

export interface RangeProblem {
  name: string;
  range: { min?: number; max?: number };
}

/** The list endpoints' 400: the first problem at the top, every problem in `problems`. */
export function outOfRange(problems: RangeProblem[]): Reply {
  const title = 'This parameter is out of the allowed range of values.';
  const first = problems[0]!;
  return reply(
    {
      title,
      name: first.name,
      status: 400,
      range: first.range,
      problems: problems.map((p) => ({ title, name: p.name, range: p.range })),
    },
    400,
  );
}

/** The Analytics API's (and `period`'s) 400 for a query parameter. */
export function invalidQuery(name: string, detail: string): Reply {
  return reply(
    {
      type: 'https://docs.api.video/reference/request-invalid-query-parameter',
      title: 'A query parameter is invalid.',
      status: 400,
      detail,
      name,
    },
    400,
  );
}

/** The Analytics API's 400 for a path parameter (metric, aggregation, breakdown). */
export function invalidAttribute(name: string, detail: string): Reply {
  return reply(
    {
      type: 'https://docs.api.video/reference/invalid-attribute',
      title: 'An attribute is invalid.',
      status: 400,
      detail,
      name,
    },
    400,
  );
}

export function invalidBody(detail: string): Reply {
  return reply(
    {
      type: 'https://docs.api.video/reference/invalid-attribute',
      title: 'An attribute is invalid.',
      status: 400,
      detail,
      name: '',
    },
    400,
  );
}

/** An injected server failure. */
export function serverError(status: number): Reply {
  const titles: Record<number, string> = {
    500: 'Internal Server Error',
    502: 'Bad Gateway',
    503: 'Service Unavailable',
  };
  return reply(
    {
      type: 'https://docs.api.video/reference/internal-server-error',
      title: titles[status] ?? 'Server Error',
      status,
    },
    status,
  );
}
