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
