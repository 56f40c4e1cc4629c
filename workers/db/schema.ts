import { sql } from "drizzle-orm";
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

// Every timestamp is UTC epoch milliseconds; every id is a prefixed sortable random string
// (see ids.ts). Every table that holds workspace data carries workspace_id so that a
// workspace can later move to a database of its own.

export const roles = ["owner", "admin", "member", "viewer"] as const;
export type Role = (typeof roles)[number];

export const apiKeyScopes = ["read", "write", "admin"] as const;
export type ApiKeyScope = (typeof apiKeyScopes)[number];

export const languages = ["en", "lt", "lv", "sl", "ru"] as const;
export type Language = (typeof languages)[number];

export const workspaces = sqliteTable("workspaces", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  defaultCurrency: text("default_currency").notNull(),
  timeZone: text("time_zone").notNull(),
  defaultPhoneCountry: text("default_phone_country").notNull(),
  language: text("language", { enum: languages }).notNull(),
  // Data-quality audits flag contacts with no activity for this many days.
  qualityInactiveDays: integer("quality_inactive_days").notNull().default(90),
  version: integer("version").notNull().default(1),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(),
    email: text("email").notNull(),
    name: text("name").notNull(),
    passwordHash: text("password_hash").notNull(),
    language: text("language", { enum: languages }).notNull(),
    timeZone: text("time_zone").notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  // The digest job finds the people for whom it is 08:00 by time zone.
  (t) => [uniqueIndex("users_email_unique").on(t.email), index("users_time_zone_idx").on(t.timeZone)],
);

export const memberships = sqliteTable(
  "memberships",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id").notNull().references(() => workspaces.id),
    userId: text("user_id").notNull().references(() => users.id),
    role: text("role", { enum: roles }).notNull(),
    version: integer("version").notNull().default(1),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("memberships_workspace_user_unique").on(t.workspaceId, t.userId),
    index("memberships_user_idx").on(t.userId),
  ],
);

export const invitations = sqliteTable(
  "invitations",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id").notNull().references(() => workspaces.id),
    email: text("email").notNull(),
    role: text("role", { enum: roles }).notNull(),
    tokenHash: text("token_hash").notNull(),
    invitedBy: text("invited_by").notNull(),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
    acceptedAt: integer("accepted_at"),
    revokedAt: integer("revoked_at"),
  },
  (t) => [
    uniqueIndex("invitations_token_hash_unique").on(t.tokenHash),
    index("invitations_workspace_idx").on(t.workspaceId, t.id),
  ],
);

export const refreshTokens = sqliteTable(
  "refresh_tokens",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id").notNull().references(() => workspaces.id),
    userId: text("user_id").notNull().references(() => users.id),
    familyId: text("family_id").notNull(),
    tokenHash: text("token_hash").notNull(),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
    // Set when the token has been exchanged for a new one; a second use revokes the family.
    usedAt: integer("used_at"),
    revokedAt: integer("revoked_at"),
  },
  (t) => [
    uniqueIndex("refresh_tokens_hash_unique").on(t.tokenHash),
    index("refresh_tokens_family_idx").on(t.familyId),
    index("refresh_tokens_expires_idx").on(t.expiresAt),
  ],
);

export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id").notNull().references(() => workspaces.id),
    name: text("name").notNull(),
    scope: text("scope", { enum: apiKeyScopes }).notNull(),
    // The first characters of the key, shown in lists so people can tell keys apart.
    prefix: text("prefix").notNull(),
    keyHash: text("key_hash").notNull(),
    createdBy: text("created_by").notNull(),
    createdAt: integer("created_at").notNull(),
    lastUsedAt: integer("last_used_at"),
    revokedAt: integer("revoked_at"),
  },
  (t) => [
    uniqueIndex("api_keys_hash_unique").on(t.keyHash),
    index("api_keys_workspace_idx").on(t.workspaceId, t.id),
  ],
);

export const auditLog = sqliteTable(
  "audit_log",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id").notNull(),
    actorType: text("actor_type", { enum: ["user", "api_key", "system"] }).notNull(),
    actorId: text("actor_id"),
    action: text("action").notNull(),
    entityType: text("entity_type").notNull(),
    entityId: text("entity_id").notNull(),
    // JSON: {"before": {...} | null, "after": {...} | null}, only the fields that changed.
    diff: text("diff").notNull(),
    requestId: text("request_id"),
    at: integer("at").notNull(),
  },
  (t) => [
    index("audit_log_workspace_idx").on(t.workspaceId, t.id),
    index("audit_log_entity_idx").on(t.workspaceId, t.entityType, t.entityId, t.id),
  ],
);

export const idempotencyKeys = sqliteTable(
  "idempotency_keys",
  {
    workspaceId: text("workspace_id").notNull(),
    principalId: text("principal_id").notNull(),
    key: text("key").notNull(),
    requestHash: text("request_hash").notNull(),
    // null while the first request is still running.
    status: integer("status"),
    responseBody: text("response_body"),
    responseHeaders: text("response_headers"),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.principalId, t.key] }),
    index("idempotency_keys_expires_idx").on(t.expiresAt),
  ],
);

export const loginFailures = sqliteTable(
  "login_failures",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    // SHA-256 of "email|ip": throttles guessing on one account from one address.
    subjectHash: text("subject_hash").notNull(),
    at: integer("at").notNull(),
  },
  (t) => [index("login_failures_subject_idx").on(t.subjectHash, t.at)],
);



// ---- Contacts and companies ---------------------------------------------------------------

export const lifecycleStages = ["subscriber", "lead", "marketing_qualified", "sales_qualified", "opportunity", "customer", "evangelist", "other"] as const;
export type LifecycleStage = (typeof lifecycleStages)[number];

export const consentStatuses = ["granted", "denied", "unknown"] as const;
export type ConsentStatus = (typeof consentStatuses)[number];

export const companySizeBands = ["1-10", "11-50", "51-200", "201-500", "501-1000", "1001-5000", "5001+"] as const;
export type CompanySizeBand = (typeof companySizeBands)[number];

// Live rows only: every list index skips soft-deleted records.
const live = sql`deleted_at IS NULL`;

export const companies = sqliteTable(
  "companies",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id").notNull().references(() => workspaces.id),
    name: text("name").notNull(),
    // Folded (lower case, no diacritics) for sorting and prefix lookups.
    nameSort: text("name_sort").notNull(),
    domain: text("domain"),
    industry: text("industry"),
    sizeBand: text("size_band", { enum: companySizeBands }),
    annualRevenue: integer("annual_revenue"),
    annualRevenueCurrency: text("annual_revenue_currency"),
    phone: text("phone"),
    phoneRaw: text("phone_raw"),
    website: text("website"),
    address: text("address"),
    city: text("city"),
    country: text("country"),
    ownerId: text("owner_id"),
    tags: text("tags").notNull().default("[]"),
    lastActivityAt: integer("last_activity_at"),
    createdBy: text("created_by"),
    updatedBy: text("updated_by"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    version: integer("version").notNull().default(1),
    deletedAt: integer("deleted_at"),
  },
  (t) => [
    uniqueIndex("companies_domain_unique").on(t.workspaceId, t.domain).where(sql`domain IS NOT NULL AND deleted_at IS NULL`),
    index("companies_name_idx").on(t.workspaceId, t.nameSort, t.id).where(live),
    index("companies_created_idx").on(t.workspaceId, t.createdAt, t.id).where(live),
    index("companies_updated_idx").on(t.workspaceId, t.updatedAt, t.id).where(live),
    index("companies_deleted_idx").on(t.workspaceId, t.deletedAt).where(sql`deleted_at IS NOT NULL`),
  ],
);

export const contacts = sqliteTable(
  "contacts",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id").notNull().references(() => workspaces.id),
    // Integer key of the contact's row in contacts_fts (FTS5 needs an integer rowid).
    searchRowid: integer("search_rowid").notNull(),
    firstName: text("first_name"),
    lastName: text("last_name"),
    nameSort: text("name_sort").notNull(),
    primaryEmail: text("primary_email"),
    primaryPhone: text("primary_phone"),
    // JSON copies of contact_emails / contact_phones in order, so reading a contact needs no join;
    // the child tables carry the uniqueness and lookup indexes.
    emails: text("emails").notNull().default("[]"),
    phones: text("phones").notNull().default("[]"),
    companyId: text("company_id").references(() => companies.id),
    jobTitle: text("job_title"),
    lifecycleStage: text("lifecycle_stage", { enum: lifecycleStages }).notNull(),
    leadStatus: text("lead_status"),
    ownerId: text("owner_id"),
    // JSON array, kept in step with contact_tags (which the tag filter uses) in the same batch.
    tags: text("tags").notNull().default("[]"),
    source: text("source"),
    utmSource: text("utm_source"),
    utmMedium: text("utm_medium"),
    utmCampaign: text("utm_campaign"),
    utmTerm: text("utm_term"),
    utmContent: text("utm_content"),
    referrer: text("referrer"),
    landingPage: text("landing_page"),
    firstSeenAt: integer("first_seen_at"),
    lastSeenAt: integer("last_seen_at"),
    city: text("city"),
    country: text("country"),
    timeZone: text("time_zone"),
    language: text("language"),
    birthday: text("birthday"),
    consentStatus: text("consent_status", { enum: consentStatuses }).notNull().default("unknown"),
    consentAt: integer("consent_at"),
    consentSource: text("consent_source"),
    consentLegalBasis: text("consent_legal_basis"),
    lastActivityAt: integer("last_activity_at"),
    // Set when the contact was merged into another one (and soft-deleted); undo clears it.
    mergedIntoId: text("merged_into_id"),
    createdBy: text("created_by"),
    updatedBy: text("updated_by"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    version: integer("version").notNull().default(1),
    deletedAt: integer("deleted_at"),
  },
  (t) => [
    uniqueIndex("contacts_search_rowid_unique").on(t.searchRowid),
    index("contacts_name_idx").on(t.workspaceId, t.nameSort, t.id).where(live),
    index("contacts_created_idx").on(t.workspaceId, t.createdAt, t.id).where(live),
    index("contacts_updated_idx").on(t.workspaceId, t.updatedAt, t.id).where(live),
    // contacts_activity_idx, on coalesce(last_activity_at, 0), is in 0002_contacts_search.sql:
    // drizzle-kit cannot write expression indexes.
    index("contacts_stage_idx").on(t.workspaceId, t.lifecycleStage, t.nameSort, t.id).where(live),
    index("contacts_owner_idx").on(t.workspaceId, t.ownerId, t.nameSort, t.id).where(live),
    index("contacts_company_idx").on(t.workspaceId, t.companyId, t.nameSort, t.id).where(live),
    index("contacts_country_idx").on(t.workspaceId, t.country, t.nameSort, t.id).where(live),
    index("contacts_consent_idx").on(t.workspaceId, t.consentStatus, t.nameSort, t.id).where(live),
    index("contacts_deleted_idx").on(t.workspaceId, t.deletedAt).where(sql`deleted_at IS NOT NULL`),
  ],
);

// Every email of a contact, normalised; the unique index is the duplicate check on every entry path.
export const contactEmails = sqliteTable(
  "contact_emails",
  {
    workspaceId: text("workspace_id").notNull(),
    email: text("email").notNull(),
    contactId: text("contact_id").notNull().references(() => contacts.id),
    isPrimary: integer("is_primary", { mode: "boolean" }).notNull(),
    position: integer("position").notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.email] }), index("contact_emails_contact_idx").on(t.contactId)],
);

export const contactPhones = sqliteTable(
  "contact_phones",
  {
    workspaceId: text("workspace_id").notNull(),
    contactId: text("contact_id").notNull().references(() => contacts.id),
    position: integer("position").notNull(),
    e164: text("e164").notNull(),
    raw: text("raw").notNull(),
    label: text("label"),
  },
  (t) => [primaryKey({ columns: [t.contactId, t.position] }), index("contact_phones_e164_idx").on(t.workspaceId, t.e164)],
);

export const contactTags = sqliteTable(
  "contact_tags",
  {
    workspaceId: text("workspace_id").notNull(),
    tag: text("tag").notNull(),
    contactId: text("contact_id").notNull().references(() => contacts.id),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.tag, t.contactId] }), index("contact_tags_contact_idx").on(t.contactId)],
);

export const consentRecords = sqliteTable(
  "consent_records",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id").notNull(),
    contactId: text("contact_id").notNull().references(() => contacts.id),
    status: text("status", { enum: consentStatuses }).notNull(),
    source: text("source"),
    legalBasis: text("legal_basis"),
    actorType: text("actor_type", { enum: ["user", "api_key", "system"] }).notNull(),
    actorId: text("actor_id"),
    at: integer("at").notNull(),
  },
  (t) => [index("consent_records_contact_idx").on(t.workspaceId, t.contactId, t.id)],
);

// ---- Pipeline ------------------------------------------------------------------------------------

export const stageKinds = ["open", "won", "lost"] as const;
export type StageKind = (typeof stageKinds)[number];
export const dealStatuses = ["open", "won", "lost"] as const;
export type DealStatus = (typeof dealStatuses)[number];

export const pipelines = sqliteTable(
  "pipelines",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id").notNull().references(() => workspaces.id),
    name: text("name").notNull(),
    position: integer("position").notNull(),
    isDefault: integer("is_default", { mode: "boolean" }).notNull().default(false),
    version: integer("version").notNull().default(1),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    index("pipelines_workspace_idx").on(t.workspaceId, t.position),
    // One default pipeline per workspace, even when two first visits race to create it.
    uniqueIndex("pipelines_default_unique").on(t.workspaceId).where(sql`is_default = 1`),
  ],
);

export const stages = sqliteTable(
  "stages",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id").notNull(),
    pipelineId: text("pipeline_id").notNull().references(() => pipelines.id),
    name: text("name").notNull(),
    position: integer("position").notNull(),
    probability: integer("probability").notNull(),
    kind: text("kind", { enum: stageKinds }).notNull(),
    rottingDays: integer("rotting_days"),
  },
  (t) => [index("stages_pipeline_idx").on(t.workspaceId, t.pipelineId, t.position)],
);

export const deals = sqliteTable(
  "deals",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id").notNull().references(() => workspaces.id),
    pipelineId: text("pipeline_id").notNull().references(() => pipelines.id),
    stageId: text("stage_id").notNull().references(() => stages.id),
    // Fractional index within the stage: a move writes one row, never renumbers the column.
    position: text("position").notNull(),
    title: text("title").notNull(),
    value: integer("value").notNull().default(0),
    currency: text("currency").notNull(),
    primaryContactId: text("primary_contact_id").references(() => contacts.id),
    companyId: text("company_id").references(() => companies.id),
    ownerId: text("owner_id"),
    expectedCloseDate: text("expected_close_date"),
    status: text("status", { enum: dealStatuses }).notNull().default("open"),
    lostReason: text("lost_reason"),
    closedAt: integer("closed_at"),
    stageEnteredAt: integer("stage_entered_at").notNull(),
    source: text("source"),
    tags: text("tags").notNull().default("[]"),
    lastActivityAt: integer("last_activity_at"),
    createdBy: text("created_by"),
    updatedBy: text("updated_by"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    version: integer("version").notNull().default(1),
    deletedAt: integer("deleted_at"),
  },
  (t) => [
    index("deals_board_idx").on(t.workspaceId, t.pipelineId, t.stageId, t.position).where(live),
    index("deals_owner_idx").on(t.workspaceId, t.ownerId, t.id).where(live),
    index("deals_contact_idx").on(t.workspaceId, t.primaryContactId).where(live),
    index("deals_company_idx").on(t.workspaceId, t.companyId).where(live),
    index("deals_updated_idx").on(t.workspaceId, t.updatedAt, t.id).where(live),
  ],
);

export const dealContacts = sqliteTable(
  "deal_contacts",
  {
    workspaceId: text("workspace_id").notNull(),
    dealId: text("deal_id").notNull().references(() => deals.id),
    contactId: text("contact_id").notNull().references(() => contacts.id),
  },
  (t) => [primaryKey({ columns: [t.dealId, t.contactId] }), index("deal_contacts_contact_idx").on(t.workspaceId, t.contactId)],
);

export const dealStageHistory = sqliteTable(
  "deal_stage_history",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id").notNull(),
    dealId: text("deal_id").notNull().references(() => deals.id),
    fromStageId: text("from_stage_id"),
    toStageId: text("to_stage_id").notNull(),
    actorType: text("actor_type", { enum: ["user", "api_key", "system"] }).notNull(),
    actorId: text("actor_id"),
    at: integer("at").notNull(),
  },
  (t) => [index("deal_stage_history_deal_idx").on(t.workspaceId, t.dealId, t.id), index("deal_stage_history_at_idx").on(t.workspaceId, t.at)],
);

export const exchangeRates = sqliteTable(
  "exchange_rates",
  {
    workspaceId: text("workspace_id").notNull(),
    currency: text("currency").notNull(),
    // How many units of the workspace's base currency one unit of `currency` buys, from this date on.
    rate: text("rate").notNull(),
    validFrom: text("valid_from").notNull(),
    updatedBy: text("updated_by"),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.currency, t.validFrom] })],
);

// ---- Lead capture ----------------------------------------------------------------------------------

export const submissionStatuses = ["received", "processed", "failed", "spam", "invalid"] as const;
export type SubmissionStatus = (typeof submissionStatuses)[number];

export const forms = sqliteTable(
  "forms",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id").notNull().references(() => workspaces.id),
    name: text("name").notNull(),
    // The unguessable key in the public URL /f/{public_key}.
    publicKey: text("public_key").notNull(),
    // JSON: [{field, required, label}] in display order.
    fields: text("fields").notNull(),
    hiddenFields: text("hidden_fields").notNull().default("[]"),
    allowedOrigins: text("allowed_origins").notNull().default("[]"),
    redirectUrl: text("redirect_url"),
    thankYouMessage: text("thank_you_message"),
    ownerMode: text("owner_mode", { enum: ["none", "fixed", "round_robin"] }).notNull().default("none"),
    ownerIds: text("owner_ids").notNull().default("[]"),
    roundRobinNext: integer("round_robin_next").notNull().default(0),
    lifecycleStage: text("lifecycle_stage", { enum: lifecycleStages }).notNull().default("lead"),
    tags: text("tags").notNull().default("[]"),
    dealPipelineId: text("deal_pipeline_id"),
    dealStageId: text("deal_stage_id"),
    consentText: text("consent_text"),
    consentLegalBasis: text("consent_legal_basis"),
    turnstileSecret: text("turnstile_secret"),
    minFillSeconds: integer("min_fill_seconds").notNull().default(3),
    version: integer("version").notNull().default(1),
    createdBy: text("created_by"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    deletedAt: integer("deleted_at"),
  },
  (t) => [uniqueIndex("forms_public_key_unique").on(t.publicKey), index("forms_workspace_idx").on(t.workspaceId, t.id)],
);

export const formSubmissions = sqliteTable(
  "form_submissions",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id").notNull(),
    formId: text("form_id").notNull().references(() => forms.id),
    status: text("status", { enum: submissionStatuses }).notNull(),
    // Why it was quarantined or could not be processed.
    reason: text("reason"),
    attempts: integer("attempts").notNull().default(0),
    // Everything that was posted, as received (JSON object of strings), minus the honeypot.
    payload: text("payload").notNull(),
    // JSON: {source, utm_source, …, referrer, landing_page} of this touch.
    attribution: text("attribution").notNull().default("{}"),
    origin: text("origin"),
    userAgent: text("user_agent"),
    ipHash: text("ip_hash"),
    contactId: text("contact_id"),
    dealId: text("deal_id"),
    receivedAt: integer("received_at").notNull(),
    processedAt: integer("processed_at"),
  },
  (t) => [
    index("form_submissions_form_idx").on(t.workspaceId, t.formId, t.id),
    index("form_submissions_contact_idx").on(t.workspaceId, t.contactId, t.id),
    index("form_submissions_status_idx").on(t.workspaceId, t.status, t.id),
  ],
);


// ---- Activities, tasks, notifications, email -------------------------------------------------------

export const activityTypes = ["call", "email", "meeting", "note", "message"] as const;
export type ActivityType = (typeof activityTypes)[number];
export const activityDirections = ["inbound", "outbound"] as const;
export type ActivityDirection = (typeof activityDirections)[number];

export const activities = sqliteTable(
  "activities",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id").notNull().references(() => workspaces.id),
    type: text("type", { enum: activityTypes }).notNull(),
    direction: text("direction", { enum: activityDirections }),
    subject: text("subject"),
    // Plain text; clients render it as text, never as HTML.
    body: text("body"),
    occurredAt: integer("occurred_at").notNull(),
    durationSeconds: integer("duration_seconds"),
    outcome: text("outcome"),
    contactId: text("contact_id").references(() => contacts.id),
    companyId: text("company_id").references(() => companies.id),
    dealId: text("deal_id").references(() => deals.id),
    authorId: text("author_id"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    version: integer("version").notNull().default(1),
    deletedAt: integer("deleted_at"),
  },
  (t) => [
    index("activities_workspace_idx").on(t.workspaceId, t.occurredAt, t.id).where(live),
    index("activities_contact_idx").on(t.workspaceId, t.contactId, t.occurredAt, t.id).where(sql`contact_id IS NOT NULL AND deleted_at IS NULL`),
    index("activities_company_idx").on(t.workspaceId, t.companyId, t.occurredAt, t.id).where(sql`company_id IS NOT NULL AND deleted_at IS NULL`),
    index("activities_deal_idx").on(t.workspaceId, t.dealId, t.occurredAt, t.id).where(sql`deal_id IS NOT NULL AND deleted_at IS NULL`),
  ],
);

export const taskStatuses = ["open", "done", "cancelled"] as const;
export type TaskStatus = (typeof taskStatuses)[number];
export const taskPriorities = ["low", "normal", "high"] as const;
export type TaskPriority = (typeof taskPriorities)[number];
export const taskRecurrences = ["none", "daily", "weekly", "monthly"] as const;
export type TaskRecurrence = (typeof taskRecurrences)[number];

export const tasks = sqliteTable(
  "tasks",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id").notNull().references(() => workspaces.id),
    title: text("title").notNull(),
    description: text("description"),
    dueAt: integer("due_at"),
    // JSON array of minutes before due_at, e.g. [0, 15, 1440].
    reminderOffsets: text("reminder_offsets").notNull().default("[0]"),
    assigneeId: text("assignee_id"),
    priority: text("priority", { enum: taskPriorities }).notNull().default("normal"),
    contactId: text("contact_id").references(() => contacts.id),
    companyId: text("company_id").references(() => companies.id),
    dealId: text("deal_id").references(() => deals.id),
    status: text("status", { enum: taskStatuses }).notNull().default("open"),
    recurrence: text("recurrence", { enum: taskRecurrences }).notNull().default("none"),
    // The task this one was repeated from (recurrence), so a repeat is created once.
    previousId: text("previous_id"),
    completedAt: integer("completed_at"),
    createdBy: text("created_by"),
    updatedBy: text("updated_by"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    version: integer("version").notNull().default(1),
    deletedAt: integer("deleted_at"),
  },
  (t) => [
    // "My tasks": open tasks of one assignee by due time.
    index("tasks_assignee_idx").on(t.workspaceId, t.assigneeId, t.status, t.dueAt, t.id).where(live),
    index("tasks_workspace_idx").on(t.workspaceId, t.status, t.dueAt, t.id).where(live),
    index("tasks_contact_idx").on(t.workspaceId, t.contactId, t.id).where(sql`contact_id IS NOT NULL AND deleted_at IS NULL`),
    index("tasks_company_idx").on(t.workspaceId, t.companyId, t.id).where(sql`company_id IS NOT NULL AND deleted_at IS NULL`),
    index("tasks_deal_idx").on(t.workspaceId, t.dealId, t.id).where(sql`deal_id IS NOT NULL AND deleted_at IS NULL`),
    uniqueIndex("tasks_previous_unique").on(t.previousId).where(sql`previous_id IS NOT NULL`),
  ],
);

// One row per reminder still to fire (task × offset). The per-minute scan reads only rows that
// are due and not yet enqueued, through the partial index; a row is the key that makes the
// reminder's notification unique.
export const taskReminders = sqliteTable(
  "task_reminders",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id").notNull(),
    taskId: text("task_id").notNull().references(() => tasks.id),
    fireAt: integer("fire_at").notNull(),
    enqueuedAt: integer("enqueued_at"),
  },
  (t) => [
    index("task_reminders_due_idx").on(t.fireAt).where(sql`enqueued_at IS NULL`),
    index("task_reminders_task_idx").on(t.taskId),
  ],
);

export const notificationTypes = ["task.reminder", "task.assigned", "task.digest", "deal.rotting", "contact.birthday", "lead.assigned", "quality.digest", "import.finished"] as const;
export type NotificationType = (typeof notificationTypes)[number];

export const notifications = sqliteTable(
  "notifications",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id").notNull(),
    userId: text("user_id").notNull(),
    type: text("type", { enum: notificationTypes }).notNull(),
    // What happened, e.g. "task.reminder:rem_…" — unique per user, so a redelivered queue
    // message or a retried job cannot notify twice.
    dedupeKey: text("dedupe_key").notNull(),
    text: text("text").notNull(),
    // Client route the notification opens, e.g. "/tasks" or "/deals/deal_…".
    link: text("link"),
    // JSON with the record ids the text refers to.
    data: text("data").notNull().default("{}"),
    createdAt: integer("created_at").notNull(),
    readAt: integer("read_at"),
    pushedAt: integer("pushed_at"),
  },
  (t) => [
    uniqueIndex("notifications_dedupe_unique").on(t.workspaceId, t.userId, t.dedupeKey),
    index("notifications_user_idx").on(t.workspaceId, t.userId, t.id),
    index("notifications_unread_idx").on(t.workspaceId, t.userId, t.id).where(sql`read_at IS NULL`),
  ],
);

// Only deviations from the defaults are stored (in-app on for every type; email on for
// reminders and the task and data-quality digests).
export const notificationPreferences = sqliteTable(
  "notification_preferences",
  {
    workspaceId: text("workspace_id").notNull(),
    userId: text("user_id").notNull(),
    type: text("type", { enum: notificationTypes }).notNull(),
    inApp: integer("in_app", { mode: "boolean" }).notNull(),
    email: integer("email", { mode: "boolean" }).notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.userId, t.type] })],
);

export const emailStatuses = ["stored", "queued", "sent", "failed"] as const;
export type EmailStatus = (typeof emailStatuses)[number];

// Every email Rapport sends, whatever the transport. The outbox transport stops at "stored";
// SMTP delivery (campaigns) moves rows on to "sent" or "failed".
export const emailOutbox = sqliteTable(
  "email_outbox",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id").notNull(),
    // Same idea as notifications.dedupe_key: one email per event, however often it is retried.
    dedupeKey: text("dedupe_key").notNull(),
    kind: text("kind").notNull(),
    fromAddress: text("from_address").notNull(),
    toAddress: text("to_address").notNull(),
    toName: text("to_name"),
    subject: text("subject").notNull(),
    text: text("text").notNull(),
    html: text("html"),
    // JSON object of extra headers.
    headers: text("headers").notNull().default("{}"),
    status: text("status", { enum: emailStatuses }).notNull(),
    error: text("error"),
    createdAt: integer("created_at").notNull(),
    sentAt: integer("sent_at"),
  },
  (t) => [uniqueIndex("email_outbox_dedupe_unique").on(t.workspaceId, t.dedupeKey), index("email_outbox_workspace_idx").on(t.workspaceId, t.id)],
);

// ---- Data quality: imports ------------------------------------------------------------------------

export const jobStatuses = ["queued", "running", "done", "failed"] as const;
export type JobStatus = (typeof jobStatuses)[number];
export const importMatchModes = ["create", "update_empty", "skip"] as const;
export type ImportMatchMode = (typeof importMatchModes)[number];
export const importRowOutcomes = ["created", "updated", "skipped", "invalid", "duplicate"] as const;
export type ImportRowOutcome = (typeof importRowOutcomes)[number];

// One CSV import (or dry run). The decoded file lives in import_chunks; counts move as chunks are
// processed, so a reader sees progress without counting import_rows.
export const imports = sqliteTable(
  "imports",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id").notNull().references(() => workspaces.id),
    createdBy: text("created_by"),
    fileName: text("file_name").notNull(),
    sizeBytes: integer("size_bytes").notNull(),
    encoding: text("encoding").notNull(),
    delimiter: text("delimiter").notNull(),
    // JSON array of the header cells, in file order.
    headers: text("headers").notNull(),
    // JSON object: CSV header → field (or "ignore").
    mapping: text("mapping").notNull(),
    onMatch: text("on_match", { enum: importMatchModes }).notNull(),
    dryRun: integer("dry_run", { mode: "boolean" }).notNull(),
    status: text("status", { enum: jobStatuses }).notNull(),
    totalRows: integer("total_rows").notNull(),
    processedRows: integer("processed_rows").notNull().default(0),
    createdCount: integer("created_count").notNull().default(0),
    updatedCount: integer("updated_count").notNull().default(0),
    skippedCount: integer("skipped_count").notNull().default(0),
    invalidCount: integer("invalid_count").notNull().default(0),
    duplicateCount: integer("duplicate_count").notNull().default(0),
    chunkCount: integer("chunk_count").notNull(),
    error: text("error"),
    // Consecutive failed attempts at the next chunk; the import fails after a few (imports/import-runner.ts).
    failures: integer("failures").notNull().default(0),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    startedAt: integer("started_at"),
    finishedAt: integer("finished_at"),
    undoneAt: integer("undone_at"),
    undoneBy: text("undone_by"),
  },
  (t) => [index("imports_workspace_idx").on(t.workspaceId, t.id)],
);

// The decoded file, cut at record boundaries into pieces small enough for one D1 value and one
// consumer step. processed_at makes a redelivered step a no-op.
export const importChunks = sqliteTable(
  "import_chunks",
  {
    importId: text("import_id").notNull().references(() => imports.id),
    seq: integer("seq").notNull(),
    // Row number of the chunk's first record (1 = the first record under the header; parse.ts CsvCursor.row).
    firstRow: integer("first_row").notNull(),
    firstLine: integer("first_line").notNull(),
    rowCount: integer("row_count").notNull(),
    text: text("text").notNull(),
    processedAt: integer("processed_at"),
  },
  (t) => [primaryKey({ columns: [t.importId, t.seq] })],
);

// What happened to each row: the report, the rows download and undo read it.
export const importRows = sqliteTable(
  "import_rows",
  {
    importId: text("import_id").notNull().references(() => imports.id),
    rowNumber: integer("row_number").notNull(),
    outcome: text("outcome", { enum: importRowOutcomes }).notNull(),
    contactId: text("contact_id"),
    // JSON array of {pointer, code, message}, or null.
    errors: text("errors"),
    // JSON of the contact fields this row filled (update_empty), so undo can clear them.
    filled: text("filled"),
  },
  // Rows by outcome in row order: the report's outcome filter pages by it, undo finds the created ones.
  (t) => [primaryKey({ columns: [t.importId, t.rowNumber] }), index("import_rows_outcome_idx").on(t.importId, t.outcome, t.rowNumber)],
);

// What earlier rows of a running import claimed: "e:<email>", "p:<e164>", "n:<name key>" and
// "c:<contact id>", each with the first row that used it. A later row with the same key is a
// duplicate of that row, across chunks and in dry runs alike; written in the chunk's own batch
// and deleted when the import finishes.
export const importKeys = sqliteTable(
  "import_keys",
  {
    importId: text("import_id").notNull().references(() => imports.id),
    key: text("key").notNull(),
    rowNumber: integer("row_number").notNull(),
  },
  (t) => [primaryKey({ columns: [t.importId, t.key] })],
);

// ---- Data quality: duplicates ---------------------------------------------------------------------

export const duplicateScanTriggers = ["nightly", "manual"] as const;
export const duplicateClusterStatuses = ["open", "dismissed", "merged"] as const;
export type DuplicateClusterStatus = (typeof duplicateClusterStatuses)[number];

export const duplicateScans = sqliteTable(
  "duplicate_scans",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id").notNull().references(() => workspaces.id),
    trigger: text("trigger", { enum: duplicateScanTriggers }).notNull(),
    // The nightly run's date (ISO), unique per workspace, so a repeated cron does not scan twice.
    window: text("window_key"),
    status: text("status", { enum: jobStatuses }).notNull(),
    contactsScanned: integer("contacts_scanned").notNull().default(0),
    comparisons: integer("comparisons").notNull().default(0),
    clustersFound: integer("clusters_found").notNull().default(0),
    consumerMs: integer("consumer_ms"),
    error: text("error"),
    createdBy: text("created_by"),
    createdAt: integer("created_at").notNull(),
    startedAt: integer("started_at"),
    finishedAt: integer("finished_at"),
  },
  (t) => [
    index("duplicate_scans_workspace_idx").on(t.workspaceId, t.id),
    uniqueIndex("duplicate_scans_window_unique").on(t.workspaceId, t.window).where(sql`window_key IS NOT NULL`),
  ],
);

export const duplicateClusters = sqliteTable(
  "duplicate_clusters",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id").notNull().references(() => workspaces.id),
    // The sorted contact ids joined with ",": the same group found again is the same cluster.
    memberKey: text("member_key").notNull(),
    contactIds: text("contact_ids").notNull(),
    score: real("score").notNull(),
    // JSON array of {a, b, score, reasons: string[]} for the pairs that joined the cluster.
    reasons: text("reasons").notNull(),
    status: text("status", { enum: duplicateClusterStatuses }).notNull(),
    scanId: text("scan_id"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    resolvedAt: integer("resolved_at"),
    resolvedBy: text("resolved_by"),
  },
  (t) => [
    uniqueIndex("duplicate_clusters_member_unique").on(t.workspaceId, t.memberKey),
    index("duplicate_clusters_status_idx").on(t.workspaceId, t.status, t.score, t.id),
  ],
);

// A pair someone said is not a duplicate; later scans never propose it again. contact_a < contact_b.
export const duplicateDismissals = sqliteTable(
  "duplicate_dismissals",
  {
    workspaceId: text("workspace_id").notNull(),
    contactA: text("contact_a").notNull(),
    contactB: text("contact_b").notNull(),
    dismissedBy: text("dismissed_by"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.contactA, t.contactB] })],
);

// A merge, with everything needed to undo it for 30 days.
export const contactMerges = sqliteTable(
  "contact_merges",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id").notNull().references(() => workspaces.id),
    primaryId: text("primary_id").notNull(),
    duplicateIds: text("duplicate_ids").notNull(),
    // JSON: field → the contact id whose value survived.
    fields: text("fields").notNull(),
    // JSON: the records before the merge and the ids of every link that was re-pointed.
    snapshot: text("snapshot").notNull(),
    clusterId: text("cluster_id"),
    createdBy: text("created_by"),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
    undoneAt: integer("undone_at"),
    undoneBy: text("undone_by"),
  },
  (t) => [index("contact_merges_workspace_idx").on(t.workspaceId, t.id), index("contact_merges_primary_idx").on(t.workspaceId, t.primaryId)],
);

// ---- Data quality: audits -------------------------------------------------------------------------

export const qualityAuditTriggers = ["nightly", "manual"] as const;
export const qualityFindingKinds = [
  "missing_email",
  "missing_phone",
  "invalid_email",
  "invalid_phone",
  "inactive",
  "no_owner",
  "rotting_deal",
  "open_duplicates",
  "unknown_consent",
] as const;
export type QualityFindingKind = (typeof qualityFindingKinds)[number];

export const qualityAudits = sqliteTable(
  "quality_audits",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id").notNull().references(() => workspaces.id),
    trigger: text("trigger", { enum: qualityAuditTriggers }).notNull(),
    window: text("window_key"),
    status: text("status", { enum: jobStatuses }).notNull(),
    // 0–100 once done.
    score: integer("score"),
    contactCount: integer("contact_count"),
    dealCount: integer("deal_count"),
    // JSON: kind → count.
    totals: text("totals").notNull().default("{}"),
    // JSON array of {owner_id, contacts, findings: {kind: count}, score}.
    perOwner: text("per_owner").notNull().default("[]"),
    inactiveDays: integer("inactive_days").notNull(),
    // JSON cursor of a chunked run.
    cursor: text("cursor"),
    error: text("error"),
    createdBy: text("created_by"),
    createdAt: integer("created_at").notNull(),
    startedAt: integer("started_at"),
    finishedAt: integer("finished_at"),
  },
  (t) => [
    index("quality_audits_workspace_idx").on(t.workspaceId, t.id),
    uniqueIndex("quality_audits_window_unique").on(t.workspaceId, t.window).where(sql`window_key IS NOT NULL`),
  ],
);

export const qualityFindings = sqliteTable(
  "quality_findings",
  {
    auditId: text("audit_id").notNull().references(() => qualityAudits.id),
    kind: text("kind", { enum: qualityFindingKinds }).notNull(),
    entityType: text("entity_type", { enum: ["contact", "deal", "duplicate_cluster"] }).notNull(),
    entityId: text("entity_id").notNull(),
    ownerId: text("owner_id"),
    // Short machine detail, e.g. the invalid address or phone.
    detail: text("detail"),
  },
  // The owner index ends in entity_id so one owner's findings page in key order without a sort.
  (t) => [primaryKey({ columns: [t.auditId, t.kind, t.entityId] }), index("quality_findings_owner_idx").on(t.auditId, t.ownerId, t.kind, t.entityId)],
);

// ---- Data quality: exports ------------------------------------------------------------------------

export const exportEntities = ["contacts", "companies", "deals"] as const;
export type ExportEntity = (typeof exportEntities)[number];
export const exportFormats = ["csv", "json"] as const;
export type ExportFormat = (typeof exportFormats)[number];
// RFC 4180 says comma; Excel in Lithuanian, Latvian, Slovenian and Russian locales splits CSV on
// the semicolon (their list separator), so a file for them is offered with semicolons.
export const csvDelimiterNames = ["comma", "semicolon"] as const;
export type CsvDelimiterName = (typeof csvDelimiterNames)[number];

export const exports = sqliteTable(
  "exports",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id").notNull().references(() => workspaces.id),
    createdBy: text("created_by"),
    entity: text("entity", { enum: exportEntities }).notNull(),
    format: text("format", { enum: exportFormats }).notNull(),
    delimiter: text("delimiter", { enum: csvDelimiterNames }).notNull().default("comma"),
    // JSON of the list filters the export was asked with.
    filters: text("filters").notNull(),
    status: text("status", { enum: jobStatuses }).notNull(),
    rowCount: integer("row_count").notNull().default(0),
    byteSize: integer("byte_size").notNull().default(0),
    chunkCount: integer("chunk_count").notNull().default(0),
    cursor: text("cursor"),
    error: text("error"),
    createdAt: integer("created_at").notNull(),
    finishedAt: integer("finished_at"),
    expiresAt: integer("expires_at").notNull(),
  },
  (t) => [index("exports_workspace_idx").on(t.workspaceId, t.id)],
);

export const exportChunks = sqliteTable(
  "export_chunks",
  {
    exportId: text("export_id").notNull().references(() => exports.id),
    seq: integer("seq").notNull(),
    body: text("body").notNull(),
  },
  (t) => [primaryKey({ columns: [t.exportId, t.seq] })],
);

// ---- Campaigns ------------------------------------------------------------------------------------

// A saved, dynamic filter over contacts (workers/segments/segment-filter.ts); also a saved view.
export const segments = sqliteTable(
  "segments",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id").notNull().references(() => workspaces.id),
    name: text("name").notNull(),
    description: text("description"),
    // JSON SegmentFilter.
    filter: text("filter").notNull(),
    createdBy: text("created_by"),
    updatedBy: text("updated_by"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    version: integer("version").notNull().default(1),
    deletedAt: integer("deleted_at"),
  },
  (t) => [index("segments_workspace_idx").on(t.workspaceId, t.name, t.id).where(live)],
);

export const emailTemplates = sqliteTable(
  "email_templates",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id").notNull().references(() => workspaces.id),
    name: text("name").notNull(),
    // The variant used when none matches the contact's language.
    defaultLanguage: text("default_language", { enum: languages }).notNull(),
    createdBy: text("created_by"),
    updatedBy: text("updated_by"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    version: integer("version").notNull().default(1),
    deletedAt: integer("deleted_at"),
  },
  (t) => [index("email_templates_workspace_idx").on(t.workspaceId, t.name, t.id).where(live)],
);

// One language version of a template: subject and HTML body with merge fields; the plain-text
// part is generated from the HTML unless the author wrote one.
export const emailTemplateVariants = sqliteTable(
  "email_template_variants",
  {
    templateId: text("template_id").notNull().references(() => emailTemplates.id),
    language: text("language", { enum: languages }).notNull(),
    subject: text("subject").notNull(),
    html: text("html").notNull(),
    text: text("text"),
  },
  (t) => [primaryKey({ columns: [t.templateId, t.language] })],
);

// A rendered template preview, served to the editor's sandboxed iframe as a document of its own
// (GET /templates/previews/{id}) with a CSP that lets the email's inline styles apply. Short-lived:
// expired rows are deleted when the workspace makes its next preview and by the nightly purge.
export const templatePreviews = sqliteTable(
  "template_previews",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id").notNull().references(() => workspaces.id),
    html: text("html").notNull(),
    expiresAt: integer("expires_at").notNull(),
  },
  (t) => [index("template_previews_expires_idx").on(t.expiresAt)],
);

export const campaignKinds = ["newsletter", "birthday"] as const;
export type CampaignKind = (typeof campaignKinds)[number];
export const campaignStatuses = ["draft", "scheduled", "sending", "paused", "sent", "cancelled"] as const;
export type CampaignStatus = (typeof campaignStatuses)[number];
export const campaignScheduleModes = ["now", "at", "local_time"] as const;
export type CampaignScheduleMode = (typeof campaignScheduleModes)[number];

export const campaigns = sqliteTable(
  "campaigns",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id").notNull().references(() => workspaces.id),
    name: text("name").notNull(),
    kind: text("kind", { enum: campaignKinds }).notNull().default("newsletter"),
    segmentId: text("segment_id").references(() => segments.id),
    templateId: text("template_id").references(() => emailTemplates.id),
    fromName: text("from_name").notNull(),
    fromAddress: text("from_address").notNull(),
    replyTo: text("reply_to"),
    scheduleMode: text("schedule_mode", { enum: campaignScheduleModes }).notNull().default("now"),
    // "at": the instant; "local_time": the recipients' local date (YYYY-MM-DD) and time (HH:MM);
    // birthday campaigns use send_local_time only.
    scheduledAt: integer("scheduled_at"),
    sendLocalDate: text("send_local_date"),
    sendLocalTime: text("send_local_time"),
    // Quiet hours in each recipient's zone, "HH:MM", both or neither.
    quietStart: text("quiet_start"),
    quietEnd: text("quiet_end"),
    throttlePerMinute: integer("throttle_per_minute"),
    trackingEnabled: integer("tracking_enabled", { mode: "boolean" }).notNull().default(false),
    status: text("status", { enum: campaignStatuses }).notNull().default("draft"),
    recipientCount: integer("recipient_count").notNull().default(0),
    sentCount: integer("sent_count").notNull().default(0),
    failedCount: integer("failed_count").notNull().default(0),
    skippedCount: integer("skipped_count").notNull().default(0),
    unsubscribedCount: integer("unsubscribed_count").notNull().default(0),
    // Tracking (only when tracking_enabled): recipients who opened / clicked at least once, each
    // counted once, in the same batch as the recipient's first opened_at / clicked_at.
    openedCount: integer("opened_count").notNull().default(0),
    clickedCount: integer("clicked_count").notNull().default(0),
    // Materialising recipients runs in pages: the last contact id done, null when complete.
    materializeCursor: text("materialize_cursor"),
    materializedAt: integer("materialized_at"),
    // The app's origin when the campaign was scheduled: unsubscribe links in its emails point there
    // (the queue consumer has no request to read it from).
    linkOrigin: text("link_origin"),
    startedAt: integer("started_at"),
    finishedAt: integer("finished_at"),
    createdBy: text("created_by"),
    updatedBy: text("updated_by"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    version: integer("version").notNull().default(1),
    deletedAt: integer("deleted_at"),
  },
  (t) => [
    index("campaigns_workspace_idx").on(t.workspaceId, t.id).where(live),
    // The per-minute tick finds campaigns with work to do.
    index("campaigns_active_idx").on(t.status).where(sql`status IN ('scheduled', 'sending') AND deleted_at IS NULL`),
  ],
);

export const campaignRecipientStatuses = ["pending", "queued", "sent", "failed", "skipped"] as const;
export type CampaignRecipientStatus = (typeof campaignRecipientStatuses)[number];

// One row per (campaign, contact): the unique key is what makes every consented contact get
// exactly one email however often a step is retried. Skips are rows too, with their reason.
export const campaignRecipients = sqliteTable(
  "campaign_recipients",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id").notNull(),
    campaignId: text("campaign_id").notNull().references(() => campaigns.id),
    contactId: text("contact_id").notNull(),
    email: text("email"),
    language: text("language"),
    timeZone: text("time_zone"),
    // When this recipient's email is due (local hour, quiet hours applied).
    sendAt: integer("send_at").notNull(),
    status: text("status", { enum: campaignRecipientStatuses }).notNull(),
    // no_consent, unsubscribed, suppressed, bounced, invalid_email, no_email, deleted …
    skipReason: text("skip_reason"),
    error: text("error"),
    attempts: integer("attempts").notNull().default(0),
    enqueuedAt: integer("enqueued_at"),
    sentAt: integer("sent_at"),
    unsubscribedAt: integer("unsubscribed_at"),
    // First open (the tracking pixel, or a click: many clients block images) and first click.
    openedAt: integer("opened_at"),
    clickedAt: integer("clicked_at"),
    // A consumer's lease on a queued recipient while it renders and sends: two deliveries of one
    // campaign.send message (running at once in one batch) cannot both send, and a consumer that
    // died mid-send leaves a lease that expires, so a retry can take the recipient over.
    claimedUntil: integer("claimed_until"),
    // Birthday campaigns: the year greeted, so a contact is greeted once a year; 0 for every
    // other campaign. Not null: SQLite's unique indexes treat NULLs as all different.
    year: integer("year").notNull().default(0),
  },
  (t) => [
    uniqueIndex("campaign_recipients_unique").on(t.campaignId, t.contactId, t.year),
    index("campaign_recipients_due_idx").on(t.campaignId, t.sendAt, t.id).where(sql`status = 'pending'`),
    index("campaign_recipients_list_idx").on(t.campaignId, t.status, t.id),
    // A contact's campaign history (GET /contacts/{id}/campaigns), newest first.
    index("campaign_recipients_contact_idx").on(t.contactId, t.id),
  ],
);

// Tracked clicks per (recipient, link), for the report's links: how many recipients clicked each
// link and how often. The URL is the one the signed redirect went to.
export const campaignLinkClicks = sqliteTable(
  "campaign_link_clicks",
  {
    workspaceId: text("workspace_id").notNull(),
    campaignId: text("campaign_id").notNull().references(() => campaigns.id),
    recipientId: text("recipient_id").notNull(),
    url: text("url").notNull(),
    clicks: integer("clicks").notNull().default(1),
    firstAt: integer("first_at").notNull(),
    lastAt: integer("last_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.recipientId, t.url] }), index("campaign_link_clicks_campaign_idx").on(t.campaignId, t.url)],
);

export const suppressionReasons = ["unsubscribed", "bounced", "complained", "invalid", "manual"] as const;
export type SuppressionReason = (typeof suppressionReasons)[number];

// Addresses no marketing email goes to, whatever their contact's consent says later.
export const emailSuppressions = sqliteTable(
  "email_suppressions",
  {
    workspaceId: text("workspace_id").notNull().references(() => workspaces.id),
    email: text("email").notNull(),
    reason: text("reason", { enum: suppressionReasons }).notNull(),
    // Where it came from, e.g. "unsubscribe_link:cpg_…" or a user id.
    source: text("source"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.email] })],
);
