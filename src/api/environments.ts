import { UsageError } from '../errors.js';

export const ENVIRONMENTS = {
  production: 'https://ws.api.video',
  sandbox: 'https://sandbox.api.video',
} as const;

export type Environment = keyof typeof ENVIRONMENTS;

/** Picks the base URL from `--base-url` or `--env`, production by default. */
export function resolveBaseUrl(options: { env?: string; baseUrl?: string }): string {
  if (options.baseUrl) {
    let url: URL;
    try {
      url = new URL(options.baseUrl);
    } catch {
      throw new UsageError(
        `--base-url ${JSON.stringify(options.baseUrl)} is not a URL`,
        'give a full URL such as https://ws.api.video or http://127.0.0.1:8787',
      );
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new UsageError(`--base-url must be http or https, not ${url.protocol}`);
    }
    return url.href.replace(/\/+$/, '');
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
