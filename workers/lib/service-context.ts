import type { Actor } from "../auth/principal";
import type { Database } from "../db/client";

// What every service function receives instead of the HTTP context: the database, who acts,
// the request id for the audit trail, and the current time (injected so tests control it).
export type ServiceContext = { db: Database; actor: Actor; requestId: string | null; now: number };
