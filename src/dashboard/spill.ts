import type { Warehouse } from '../warehouse/connection.js';

/**
 * Where DuckDB may spill: a folder of this connection's own (a serve snapshot's, a report's). A warehouse is attached to an
 * in-memory instance (src/warehouse/connection.ts), whose spill folder is `.tmp` in the working
 * directory — shared by every viewership process started there (a sync, serve, a report), and
 * DuckDB clears its `duckdb_temp_*` files there when an instance that spilled closes.
 */
export async function privateSpill(db: Warehouse, dir: string): Promise<void> {
  // A SET takes no bound parameter: the path goes in as a SQL string literal, quotes doubled.
  await db.run(`SET temp_directory = '${dir.replaceAll("'", "''")}'`);
}
