/** viewership as a library: everything the CLI does, importable. */
export { VERSION } from './version.js';
export { ViewershipError, UsageError } from './errors.js';

// api.video client
export {
  ApiVideoClient,
  type ClientOptions,
  type MetricPage,
  type MetricQuery,
} from './api/client.js';
export * from './api/errors.js';
export * from './api/period.js';
export * from './calendar.js';
export * from './api/schemas.js';
export * from './api/timestamps.js';

// emulator
export { createEmulator, startEmulator, PRESETS } from './emulator/index.js';
export type {
  Emulator,
  EmulatorOptions,
  GroundTruth,
  RunningEmulator,
  TruthSession,
} from './emulator/index.js';

// sync
export { sync, type SyncOptions, type SyncSummary } from './sync/run.js';
export { syncInWorker } from './sync/bounded.js';

// warehouse
export { Warehouse } from './warehouse/connection.js';
export { ensureSchema, assertWarehouse } from './warehouse/migrate.js';
export { exportTable, EXPORT_FORMATS } from './warehouse/export.js';
export { runQuery, formatResult } from './warehouse/query.js';
export { TABLES, TABLE_NAMES } from './warehouse/schema.js';
export {
  openDestination,
  queryWarehouse,
  withReadableWarehouse,
  isPostgresUrl,
} from './warehouse/open.js';
export type { Destination } from './warehouse/destination.js';
export { snapshotPostgres } from './warehouse/postgres/snapshot.js';

// dashboard and report
export { startDashboard } from './dashboard/server.js';
export { writeReport } from './dashboard/report.js';

// collector
export {
  startCollector,
  type CollectorOptions,
  type RunningCollector,
} from './collect/collector.js';
