/** `--db` is a PostgreSQL URL (`postgres://` or `postgresql://`), not a DuckDB file. */
export function isPostgresUrl(db: string): boolean {
  return /^postgres(ql)?:\/\//i.test(db);
}
