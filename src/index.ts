/** viewership as a library: everything the CLI does, importable. */
export { VERSION } from './version.js';
export { ViewershipError, UsageError } from './errors.js';
export * from './api/timestamps.js';
export * from './api/period.js';
export * from './api/schemas.js';
export { TABLES, TABLE_NAMES } from './warehouse/schema.js';
