import { drizzle, type DrizzleD1Database } from "drizzle-orm/d1";
import * as schema from "./schema";

export type Database = DrizzleD1Database<typeof schema>;

// D1's Sessions API: reads may go to a replica that has caught up with `bookmark`, writes go
// to the primary. The adapter lets drizzle run on a session (drizzle only calls prepare/batch).
export type SessionStart = "first-primary" | "first-unconstrained" | (string & {});

export function openSession(d1: D1Database, start: SessionStart) {
  const session = d1.withSession(start);
  const database: D1Database = {
    prepare: (query) => session.prepare(query),
    batch: (statements) => session.batch(statements),
    exec: (query) => d1.exec(query),
    withSession: (constraintOrBookmark) => d1.withSession(constraintOrBookmark),
    dump: () => d1.dump(),
  };
  return { db: drizzle(database, { schema }), bookmark: () => session.getBookmark() };
}

export function createDatabase(d1: D1Database): Database {
  return drizzle(d1, { schema });
}
