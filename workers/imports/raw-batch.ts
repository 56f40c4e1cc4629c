import type { SQL } from "drizzle-orm";
import { SQLiteAsyncDialect } from "drizzle-orm/sqlite-core";
import type { Database } from "../db/client";

// The import's set-based writes are raw SQL with one bound JSON array each. drizzle 0.45's D1
// batch() cannot run db.run(sql`…`) items that have parameters (it looks for a prepared
// statement a raw query does not carry), so these batches go straight to the D1 binding drizzle
// wraps — the request's D1 session when there is one, so bookmarks stay right. Still one
// batch(): one round trip, one transaction.
const dialect = new SQLiteAsyncDialect();

function isD1(value: unknown): value is D1Database {
  return typeof value === "object" && value !== null && typeof Reflect.get(value, "prepare") === "function" && typeof Reflect.get(value, "batch") === "function";
}

/** The D1 binding (or session) behind a drizzle database. */
export function d1Of(db: Database): D1Database {
  const client: unknown = Reflect.get(db, "$client");
  if (!isD1(client)) throw new Error("The drizzle database has no D1 client");
  return client;
}

/** Runs the statements as one D1 batch (one transaction); results in statement order. */
export async function rawBatch(db: Database, statements: readonly SQL[]): Promise<D1Result<Record<string, unknown>>[]> {
  const client = d1Of(db);
  return client.batch<Record<string, unknown>>(
    statements.map((statement) => {
      const query = dialect.sqlToQuery(statement);
      return client.prepare(query.sql).bind(...query.params);
    }),
  );
}
