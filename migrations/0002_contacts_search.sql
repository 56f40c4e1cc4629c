-- Full-text search over contacts: names, emails, phones and company name, by word prefix,
-- case- and accent-insensitive (unicode61 with remove_diacritics 2: "sarunas" finds "Šarūnas").
-- The rowid is contacts.search_rowid. `ws` holds the workspace id so that every search is
-- scoped inside the index itself. Phones are indexed as digits: E.164 without "+" and the
-- national significant number. Maintained by the contacts service in the same batch as the row.
CREATE VIRTUAL TABLE `contacts_fts` USING fts5(
  `ws`,
  `name`,
  `email`,
  `phone`,
  `company`,
  tokenize = "unicode61 remove_diacritics 2",
  prefix = '2 3 4'
);
--> statement-breakpoint
-- Sorting by last activity: contacts never touched sort as 0, so the keyset runs on a non-null
-- expression (drizzle-kit cannot generate expression indexes, hence here).
CREATE INDEX `contacts_activity_idx` ON `contacts` (`workspace_id`, coalesce(`last_activity_at`, 0), `id`) WHERE deleted_at IS NULL;
