import { ContactCreate } from "../contacts/contact.schema";
import type { StoredPhone } from "../contacts/contact.mapper";
import { fold, normalizePhone, normalizeTags, type NormalizedPhone } from "../contacts/normalize";
import type { LifecycleStage } from "../db/schema";
import { toPointer } from "../http/validation";
import { parseCountry, parseLifecycleStage, splitEmails, splitPhones, splitTags } from "./field-values";
import type { ImportField } from "./header-mapping";
import type { CsvIssue, CsvRow } from "./parse";

// One CSV row → what it becomes as a contact, through the contact module's own rules: the
// ContactCreate schema (email normalisation, lengths, country and tag checks, "a name, an email
// or a phone"), normalizePhone in the workspace's default country, normalizeTags. Every problem
// is reported with a JSON pointer into the contact and the column it came from; a row with any
// problem is invalid as a whole, so nothing is imported half-right.

export type RowError = { pointer: string; code: string; message: string };

/** A mapped column: its position in the file, its (unique) header and the field it fills. */
export type Column = { index: number; header: string; field: ImportField };

export type Member = { userId: string; email: string; name: string };

export type MemberDirectory = { resolve: (cell: string) => { userId: string } | { problem: "unknown" | "ambiguous" } };

/** Owners are named in a file by a member's email, name or user id. */
export function memberDirectory(members: readonly Member[]): MemberDirectory {
  const ids = new Set(members.map((m) => m.userId));
  const byEmail = new Map(members.map((m) => [m.email.trim().toLowerCase(), m.userId]));
  // null: two members share the name, so the name alone cannot say which.
  const byName = new Map<string, string | null>();
  for (const member of members) {
    const name = fold(member.name);
    byName.set(name, byName.has(name) ? null : member.userId);
  }
  return {
    resolve(cell) {
      const value = cell.trim();
      if (ids.has(value)) return { userId: value };
      const email = byEmail.get(value.toLowerCase());
      if (email) return { userId: email };
      const named = byName.get(fold(value));
      if (named) return { userId: named };
      return { problem: named === null ? "ambiguous" : "unknown" };
    },
  };
}

export type RowContext = { defaultCountry: string; members: MemberDirectory };

export type PreparedContact = {
  firstName: string | null;
  lastName: string | null;
  /** Normalised (lower case, trimmed) and unique, as contacts store them; the first is primary. */
  emails: string[];
  phones: StoredPhone[];
  /** The phones with their national numbers, for the search index. */
  nationals: NormalizedPhone[];
  jobTitle: string | null;
  city: string | null;
  country: string | null;
  tags: string[];
  /** null: the file does not say (a new contact becomes a lead). */
  lifecycleStage: LifecycleStage | null;
  /** null: the file does not say (a new contact is owned by the importer). */
  ownerId: string | null;
  companyName: string | null;
  notes: string | null;
};

export type MappedRow = { row: number; line: number; errors: RowError[]; contact: PreparedContact | null };

export const maxNotesLength = 20_000;
export const maxCompanyNameLength = 200;

const say = (header: string, text: string) => `Column "${header}": ${text}`;

function issueError(issue: CsvIssue): RowError {
  return issue.code === "unterminated_quote"
    ? { pointer: "", code: "unterminated_quote", message: `A quote opened on line ${issue.line} never closes; everything after it became one cell.` }
    : { pointer: "", code: "stray_quote", message: `Text follows a closing quote on line ${issue.line}: quote the whole cell or double the quote ("").` };
}

/**
 * Maps one parsed row. `issues` are the reader's findings for this row; `headerCount` is the
 * number of columns in the header (a row with more or fewer cells is reported, not guessed at).
 */
export function mapRow(row: CsvRow, issues: readonly CsvIssue[], columns: readonly Column[], headerCount: number, ctx: RowContext): MappedRow {
  const errors: RowError[] = issues.map(issueError);
  if (row.fields.length !== headerCount) {
    const more = row.fields.length > headerCount;
    errors.push({
      pointer: "",
      code: more ? "too_many_cells" : "too_few_cells",
      message: `This row has ${row.fields.length} cells but the header has ${headerCount}${more ? ": is a delimiter inside an unquoted cell?" : ": is a line break inside an unquoted cell?"}`,
    });
  }

  const body: Record<string, unknown> = {};
  const headerOf = new Map<string, string>();
  // List fields may come from several columns; each element remembers its column for messages.
  const emails: { value: string; header: string }[] = [];
  const phones: { value: string; header: string }[] = [];
  const tags: { value: string; header: string }[] = [];
  const notes: string[] = [];
  let companyName: string | null = null;
  let lifecycleStage: LifecycleStage | null = null;
  let ownerId: string | null = null;

  for (const column of columns) {
    const cell = (row.fields[column.index] ?? "").trim();
    if (!cell) continue;
    const field = column.field;
    headerOf.set(field, headerOf.get(field) ?? column.header);
    if (cell.includes("\uFFFD")) {
      errors.push({ pointer: `/${field}`, code: "invalid_characters", message: say(column.header, "has characters the file's encoding cannot express: choose another encoding.") });
      continue;
    }
    switch (field) {
      case "first_name":
      case "last_name":
      case "job_title":
      case "city":
        body[field] = cell;
        break;
      case "emails":
        for (const value of splitEmails(cell)) emails.push({ value, header: column.header });
        break;
      case "phones":
        for (const value of splitPhones(cell)) phones.push({ value, header: column.header });
        break;
      case "tags":
        for (const value of splitTags(cell)) tags.push({ value, header: column.header });
        break;
      case "country": {
        const code = parseCountry(cell);
        if (code === null) errors.push({ pointer: "/country", code: "unknown_country", message: say(column.header, `"${cell}" is not a country we know; use a code such as LT or a name such as Lietuva.`) });
        else body.country = code;
        break;
      }
      case "lifecycle_stage": {
        const stage = parseLifecycleStage(cell);
        if (stage === null) errors.push({ pointer: "/lifecycle_stage", code: "unknown_lifecycle_stage", message: say(column.header, `"${cell}" is not a lifecycle stage (lead, customer, …).`) });
        else lifecycleStage = stage;
        break;
      }
      case "owner_id": {
        const owner = ctx.members.resolve(cell);
        if ("userId" in owner) ownerId = owner.userId;
        else
          errors.push({
            pointer: "/owner_id",
            code: owner.problem === "ambiguous" ? "ambiguous_owner" : "unknown_owner",
            message: say(column.header, owner.problem === "ambiguous" ? `two members are called "${cell}"; use their email.` : `no member "${cell}" in this workspace; use a member's email or name.`),
          });
        break;
      }
      case "company_name":
        if (companyName === null) companyName = cell;
        break;
      case "notes":
        notes.push(cell);
        break;
    }
  }
  if (companyName !== null && companyName.length > maxCompanyNameLength) {
    errors.push({ pointer: "/company_name", code: "too_long", message: say(headerOf.get("company_name") ?? "", `a company name has at most ${maxCompanyNameLength} characters.`) });
  }
  const note = notes.length > 0 ? notes.join("\n\n") : null;
  if (note !== null && note.length > maxNotesLength) {
    errors.push({ pointer: "/notes", code: "too_long", message: say(headerOf.get("notes") ?? "", `notes have at most ${maxNotesLength} characters.`) });
  }
  if (emails.length > 0) body.emails = emails.map((e) => e.value);
  if (phones.length > 0) body.phones = phones.map((p) => ({ number: p.value }));
  if (tags.length > 0) body.tags = tags.map((t) => t.value);
  if (lifecycleStage) body.lifecycle_stage = lifecycleStage;
  if (ownerId) body.owner_id = ownerId;

  // The contact module's own schema: the same checks as POST /contacts.
  const parsed = ContactCreate.safeParse(body);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const [field, index] = issue.path;
      const list = field === "emails" ? emails : field === "phones" ? phones : field === "tags" ? tags : null;
      const element = list && typeof index === "number" ? list[index] : undefined;
      const header = element?.header ?? (list ? list[0]?.header : typeof field === "string" ? headerOf.get(field) : undefined);
      const shown = element ? ` ("${element.value}")` : "";
      const code = issue.code === "invalid_format" && "format" in issue ? `invalid_${String(issue.format)}` : issue.code === "custom" ? "identity_required" : issue.code;
      errors.push({ pointer: toPointer(issue.path), code, message: header ? say(header, `${issue.message}${shown}`) : issue.message });
    }
  }

  const stored: StoredPhone[] = [];
  const nationals: NormalizedPhone[] = [];
  phones.forEach((phone, index) => {
    const normalized = normalizePhone(phone.value, ctx.defaultCountry);
    if (!normalized) {
      errors.push({
        pointer: `/phones/${index}/number`,
        code: "invalid_phone",
        message: say(phone.header, `"${phone.value}" is not a valid phone number (default country ${ctx.defaultCountry}).`),
      });
      return;
    }
    if (stored.some((p) => p.e164 === normalized.e164)) return;
    stored.push({ e164: normalized.e164, raw: phone.value, label: null });
    nationals.push(normalized);
  });

  if (errors.length > 0 || !parsed.success) return { row: row.row, line: row.line, errors, contact: null };
  const input = parsed.data;
  return {
    row: row.row,
    line: row.line,
    errors,
    contact: {
      firstName: input.first_name || null,
      lastName: input.last_name || null,
      emails: [...new Set(input.emails ?? [])],
      phones: stored,
      nationals,
      jobTitle: input.job_title || null,
      city: input.city || null,
      country: input.country ?? null,
      tags: normalizeTags(input.tags ?? []),
      lifecycleStage,
      ownerId,
      companyName,
      notes: note,
    },
  };
}

/** What a row becomes, in the API's words (the preview shows it before anything is stored). */
export function previewContact(contact: PreparedContact) {
  return {
    first_name: contact.firstName,
    last_name: contact.lastName,
    emails: contact.emails,
    phones: contact.phones.map((p) => p.e164),
    job_title: contact.jobTitle,
    city: contact.city,
    country: contact.country,
    tags: contact.tags,
    lifecycle_stage: contact.lifecycleStage,
    owner_id: contact.ownerId,
    company_name: contact.companyName,
    notes: contact.notes,
  };
}
export type PreviewContact = ReturnType<typeof previewContact>;
