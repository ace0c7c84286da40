import { UsageError } from '../errors.js';

export const ENVIRONMENTS = {
  production: 'https://ws.api.video',
  sandbox: 'https://sandbox.api.video',
} as const;

export type Environment = keyof typeof ENVIRONMENTS;

/**
 * Picks the base URL from `--base-url` or `--env`, production by default. A URL carrying
 * credentials (`http://KEY:@host`, `?apiKey=…`) is refused before anything is sent, and never
 * echoed: it would end up in `sync_runs`, logs and error messages.
 */
export function resolveBaseUrl(options: { env?: string; baseUrl?: string }): string {
  if (options.baseUrl !== undefined) {
    let url: URL;
    try {
      url = new URL(options.baseUrl);
    } catch {
      // Not echoed: whatever it holds may be a key.
      throw new UsageError(
        '--base-url is not a URL',
        'Give a full URL such as https://ws.api.video or http://127.0.0.1:8787.',
      );
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new UsageError(`--base-url must be http or https, not ${url.protocol}`);
    }
    const bare = `${url.protocol}//${url.host}${url.pathname}`.replace(/\/+$/, '');
    if (url.username || url.password || url.search || url.hash) {
      throw new UsageError(
        `--base-url must be the API's address alone (${bare}), without credentials or a query`,
        'Pass the key with --api-key-file, APIVIDEO_API_KEY or --api-key.',
      );
    }
    return bare;
  }
  const env = options.env ?? 'production';
  if (!Object.hasOwn(ENVIRONMENTS, env)) {
    throw new UsageError(
      `unknown environment ${JSON.stringify(env)}`,
      'use --env production or --env sandbox, or --base-url URL',
    );
  }
  return ENVIRONMENTS[env as Environment];
}
