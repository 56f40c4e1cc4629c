import { eq, sql } from "drizzle-orm";
import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import type { Database } from "../db/client";
import { contacts } from "../db/schema";
import type { SearchDocument } from "./normalize";

// The FTS5 table created in migrations/0002_contacts_search.sql, described for drizzle so that
// queries can join it. It lives outside db/schema.ts because drizzle-kit cannot create virtual
// tables; the migration is the source of truth.
export const contactsFts = sqliteTable("contacts_fts", {
  rowid: integer("rowid").notNull(),
  ws: text("ws").notNull(),
  name: text("name").notNull(),
  email: text("email").notNull(),
  phone: text("phone").notNull(),
  company: text("company").notNull(),
});

/** Adds the contact's document, keyed by its search_rowid, in the same batch as the row itself. */
export function indexContact(db: Database, contactId: string, doc: SearchDocument) {
  return db.insert(contactsFts).select(
    db
      .select({
        rowid: contacts.searchRowid,
        ws: sql<string>`${doc.ws}`.as("ws"),
        name: sql<string>`${doc.name}`.as("name"),
        email: sql<string>`${doc.email}`.as("email"),
        phone: sql<string>`${doc.phone}`.as("phone"),
        company: sql<string>`${doc.company}`.as("company"),
      })
      .from(contacts)
      .where(eq(contacts.id, contactId)),
  );
}

export function reindexContact(db: Database, searchRowid: number, doc: SearchDocument) {
  return db.update(contactsFts).set({ name: doc.name, email: doc.email, phone: doc.phone, company: doc.company }).where(eq(contactsFts.rowid, searchRowid));
}

export function unindexContact(db: Database, searchRowid: number) {
  return db.delete(contactsFts).where(eq(contactsFts.rowid, searchRowid));
}

/** The next search rowid, computed inside the insert so that concurrent creates cannot collide. */
export const nextSearchRowid = sql<number>`(SELECT coalesce(max(${contacts.searchRowid}), 0) + 1 FROM ${contacts})`;
