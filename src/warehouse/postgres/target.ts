/**
 * Where a PostgreSQL warehouse lives: the server (a libpq URL, `postgres://` or `postgresql://`),
 * the schema holding the contract's tables, and the schema beside it holding the bookkeeping.
 *
 * The password comes from the URL, else PGPASSWORD, else ~/.pgpass (or PGPASSFILE), as libpq
 * finds it; it is never printed or stored: every message names `label`, the URL without it.
 */
import { readFileSync, statSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { parse, type ConnectionOptions } from 'pg-connection-string';
import type { ClientConfig } from 'pg';
import { UsageError } from '../../errors.js';
import { isPostgresUrl } from './url.js';

export const DEFAULT_SCHEMA = 'viewership';
/** The bookkeeping schema is named after the contract's: `viewership` → `viewership_internal`. */
export const INTERNAL_SUFFIX = '_internal';

// Told apart without loading PostgreSQL's libraries (the sync's calling thread asks too).
export { isPostgresUrl };

export interface PgTarget {
  /** The URL without its password: what messages say. */
  label: string;
  /** The schema of the contract's tables (and of `master`). */
  schema: string;
  /** The schema of checkpoints, figures behind master, and the schema version. */
  internal: string;
  database: string;
  user: string;
  host: string;
  port: number;
  /** What node-postgres needs to connect, password resolved (or absent). */
  config: ClientConfig;
}

/** Schema names are plain lower-case identifiers: BI tools and SQL then need no quoting. */
export function checkSchemaName(schema: string): string {
  const max = 63 - INTERNAL_SUFFIX.length;
  if (!/^[a-z_][a-z0-9_]*$/.test(schema) || schema.length > max) {
    throw new UsageError(
      `--schema ${JSON.stringify(schema)} is not a plain schema name`,
      `Use lower-case letters, digits and _ (at most ${max} characters), e.g. --schema ${DEFAULT_SCHEMA}.`,
    );
  }
  if (schema.startsWith('pg_') || schema === 'information_schema' || schema === 'public') {
    throw new UsageError(
      `--schema ${schema} is a schema PostgreSQL or other tools own`,
      `Pick a schema of viewership's own, e.g. --schema ${DEFAULT_SCHEMA}.`,
    );
  }
  return schema;
}

/** The URL as it may be shown: no password, neither in the authority nor as a parameter. */
export function redactUrl(url: string): string {
  if (!isPostgresUrl(url)) return url;
  try {
    const u = new URL(url);
    u.password = '';
    u.searchParams.delete('password');
    return u.toString();
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//…@');
  }
}

/** `host:port:database:username:password` lines; `*` matches anything; `\` escapes. */
export function pgpassLookup(
  text: string,
  want: { host: string; port: number; database: string; user: string },
): string | undefined {
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const fields: string[] = [];
    let field = '';
    for (let i = 0; i < line.length; i++) {
      const c = line[i]!;
      if (c === '\\' && i + 1 < line.length) field += line[++i];
      else if (c === ':' && fields.length < 4) {
        fields.push(field);
        field = '';
      } else field += c;
    }
    fields.push(field);
    if (fields.length !== 5) continue;
    const [host, port, database, user, password] = fields as [
      string,
      string,
      string,
      string,
      string,
    ];
    const hostMatches =
      host === '*' ||
      host === want.host ||
      // libpq: `localhost` also matches a connection over the default Unix socket.
      (host === 'localhost' && want.host.startsWith('/'));
    if (
      hostMatches &&
      (port === '*' || port === String(want.port)) &&
      (database === '*' || database === want.database) &&
      (user === '*' || user === want.user)
    ) {
      return password;
    }
  }
  return undefined;
}

function readPgpass(want: Parameters<typeof pgpassLookup>[1]): string | undefined {
  const file = process.env.PGPASSFILE ?? join(homedir(), '.pgpass');
  try {
    // libpq ignores a password file others may read; so do we.
    if ((statSync(file).mode & 0o077) !== 0 && process.platform !== 'win32') return undefined;
    return pgpassLookup(readFileSync(file, 'utf8'), want);
  } catch {
    return undefined;
  }
}

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'postgres';
  }
}

export function pgTarget(url: string, schema: string = DEFAULT_SCHEMA): PgTarget {
  checkSchemaName(schema);
  const label = redactUrl(url);
  let parsed: ConnectionOptions;
  try {
    // sslmode means what it means to libpq (require: encrypted, certificate not checked).
    parsed = parse(url, { useLibpqCompat: true });
  } catch (error) {
    const message = (error as Error).message ?? '';
    throw /Invalid URL/i.test(message) || (error as { code?: string }).code === 'ERR_INVALID_URL'
      ? new UsageError(
          `--db ${label} is not a PostgreSQL URL that can be read`,
          'Write it as postgres://USER@HOST:PORT/DATABASE (the password from PGPASSWORD or ~/.pgpass).',
        )
      : new UsageError(
          `--db ${label}: ${message.split('\n')[0]}`,
          'Check its sslmode, sslrootcert, sslcert and sslkey parameters.',
        );
  }
  const user = parsed.user || process.env.PGUSER || currentUser();
  const host = parsed.host || process.env.PGHOST || 'localhost';
  const port = Number(parsed.port || process.env.PGPORT || 5432);
  const database = parsed.database || process.env.PGDATABASE || user;
  const password =
    parsed.password ||
    process.env.PGPASSWORD ||
    readPgpass({ host, port, database, user }) ||
    undefined;
  const { password: _, ...rest } = parsed;
  const config: ClientConfig = {
    ...(rest as ClientConfig),
    user,
    host,
    port,
    database,
    ...(password !== undefined && { password }),
    connectionTimeoutMillis: 10_000,
  };
  return {
    label,
    schema,
    internal: `${schema}${INTERNAL_SUFFIX}`,
    database,
    user,
    host,
    port,
    config,
  };
}

/** `"name"`: a quoted identifier (schema names are checked, this is belt and braces). */
export const ident = (name: string): string => `"${name.replaceAll('"', '""')}"`;
