// The client's URL space. Every path the SPA serves is listed here, so links and the router
// agree and an unknown path has one answer.

export type Route =
  | { name: "home" }
  | { name: "signin" }
  | { name: "signup" }
  | { name: "invite"; token: string }
  | { name: "settings-workspace" }
  | { name: "settings-team" }
  | { name: "settings-api-keys" }
  | { name: "settings-audit" }
  | { name: "contacts" }
  | { name: "contacts-new" }
  | { name: "contacts-deleted" }
  | { name: "contacts-import" }
  | { name: "contact"; id: string }
  | { name: "companies" }
  | { name: "companies-new" }
  | { name: "companies-deleted" }
  | { name: "company"; id: string }
  | { name: "pipeline"; id: string | null }
  | { name: "deal"; id: string }
  | { name: "settings-pipelines" }
  | { name: "settings-exchange-rates" }
  | { name: "settings-forms" }
  | { name: "settings-form-new" }
  | { name: "settings-form"; id: string }
  | { name: "settings-form-edit"; id: string }
  | { name: "tasks" }
  | { name: "settings-notifications" }
  | { name: "settings-outbox" }
  | { name: "settings-outbox-email"; id: string }
  | { name: "duplicates" }
  | { name: "quality" }
  | { name: "campaigns" }
  | { name: "campaign-new" }
  | { name: "campaign"; id: string }
  | { name: "segments" }
  | { name: "segment-new" }
  | { name: "segment"; id: string }
  | { name: "templates" }
  | { name: "template-new" }
  | { name: "template"; id: string }
  | { name: "not-found" };

export type RouteName = Route["name"];

const fixed: Record<string, Route> = {
  "/": { name: "home" },
  "/signin": { name: "signin" },
  "/signup": { name: "signup" },
  "/settings": { name: "settings-workspace" },
  "/settings/workspace": { name: "settings-workspace" },
  "/settings/team": { name: "settings-team" },
  "/settings/api-keys": { name: "settings-api-keys" },
  "/settings/audit": { name: "settings-audit" },
  "/settings/pipelines": { name: "settings-pipelines" },
  "/settings/exchange-rates": { name: "settings-exchange-rates" },
  "/settings/forms": { name: "settings-forms" },
  "/settings/forms/new": { name: "settings-form-new" },
  "/pipeline": { name: "pipeline", id: null },
  "/deals": { name: "pipeline", id: null },
  "/contacts": { name: "contacts" },
  "/contacts/new": { name: "contacts-new" },
  "/contacts/deleted": { name: "contacts-deleted" },
  "/contacts/import": { name: "contacts-import" },
  "/companies": { name: "companies" },
  "/companies/new": { name: "companies-new" },
  "/companies/deleted": { name: "companies-deleted" },
  "/tasks": { name: "tasks" },
  "/quality": { name: "quality" },
  "/settings/notifications": { name: "settings-notifications" },
  "/settings/outbox": { name: "settings-outbox" },
  "/duplicates": { name: "duplicates" },
  "/campaigns": { name: "campaigns" },
  "/campaigns/new": { name: "campaign-new" },
  "/campaigns/segments": { name: "segments" },
  "/campaigns/segments/new": { name: "segment-new" },
  "/campaigns/templates": { name: "templates" },
  "/campaigns/templates/new": { name: "template-new" },
};

export function matchRoute(pathname: string): Route {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, "") : pathname;
  const known = fixed[path];
  if (known) return known;
  const invite = /^\/invite\/([A-Za-z0-9_-]{10,128})$/.exec(path);
  if (invite?.[1]) return { name: "invite", token: invite[1] };
  const contact = /^\/contacts\/(con_[A-Za-z0-9_-]{1,60})$/.exec(path);
  if (contact?.[1]) return { name: "contact", id: contact[1] };
  const company = /^\/companies\/(cmp_[A-Za-z0-9_-]{1,60})$/.exec(path);
  if (company?.[1]) return { name: "company", id: company[1] };
  const pipeline = /^\/pipeline\/(pip_[A-Za-z0-9_-]{1,60})$/.exec(path);
  if (pipeline?.[1]) return { name: "pipeline", id: pipeline[1] };
  const deal = /^\/deals\/(deal_[A-Za-z0-9_-]{1,60})$/.exec(path);
  if (deal?.[1]) return { name: "deal", id: deal[1] };
  const form = /^\/settings\/forms\/(frm_[A-Za-z0-9_-]{1,60})(\/edit)?$/.exec(path);
  if (form?.[1]) return form[2] ? { name: "settings-form-edit", id: form[1] } : { name: "settings-form", id: form[1] };
  const email = /^\/settings\/outbox\/(eml_[A-Za-z0-9_-]{1,60})$/.exec(path);
  if (email?.[1]) return { name: "settings-outbox-email", id: email[1] };
  const campaign = /^\/campaigns\/(cpg_[A-Za-z0-9_-]{1,60})$/.exec(path);
  if (campaign?.[1]) return { name: "campaign", id: campaign[1] };
  const segment = /^\/campaigns\/segments\/(seg_[A-Za-z0-9_-]{1,60})$/.exec(path);
  if (segment?.[1]) return { name: "segment", id: segment[1] };
  const template = /^\/campaigns\/templates\/(tpl_[A-Za-z0-9_-]{1,60})$/.exec(path);
  if (template?.[1]) return { name: "template", id: template[1] };
  return { name: "not-found" };
}

/** Screens a visitor without a session may see; everything else needs sign-in. */
export function isPublicRoute(route: Route): boolean {
  return route.name === "signin" || route.name === "signup" || route.name === "invite";
}

/** Only same-origin, relative app paths may be used as a post-sign-in destination. */
export function safeNextPath(candidate: string | null): string {
  if (!candidate || !candidate.startsWith("/") || candidate.startsWith("//") || candidate.startsWith("/\\")) return "/";
  const route = matchRoute(candidate.split(/[?#]/)[0] ?? "/");
  return route.name === "not-found" || isPublicRoute(route) ? "/" : candidate;
}
