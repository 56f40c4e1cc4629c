import { exports } from "cloudflare:workers";

// A small harness over the real worker (running in workerd): fresh identities per test, calls
// with bearer tokens, API keys or browser cookies, and parsed JSON bodies.

export const origin = "http://localhost";
let counter = 0;

export function uniqueEmail(label = "user"): string {
  counter += 1;
  return `${label}.${Date.now().toString(36)}.${counter}@example.com`;
}

export type CallOptions = {
  body?: unknown;
  rawBody?: BodyInit;
  token?: string;
  headers?: Record<string, string>;
};

export type CallResult = { status: number; headers: Headers; json: unknown; text: string; response: Response };

export async function call(method: string, path: string, options: CallOptions = {}): Promise<CallResult> {
  const headers = new Headers(options.headers);
  let body: BodyInit | undefined = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    if (!headers.has("content-type")) headers.set("content-type", "application/json");
  }
  if (options.token) headers.set("authorization", `Bearer ${options.token}`);
  const response = await exports.default.fetch(new Request(`${origin}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) }));
  const text = await response.clone().text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { status: response.status, headers: response.headers, json, text, response };
}

export function field<T = unknown>(value: unknown, ...path: (string | number)[]): T {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== "object") throw new Error(`No ${path.join(".")} in ${JSON.stringify(value)}`);
    current = (current as Record<string | number, unknown>)[key];
  }
  return current as T;
}

export type Account = { token: string; workspaceId: string; userId: string; email: string; password: string; cookies: Record<string, string> };

export function cookiesFrom(headers: Headers): Record<string, string> {
  const jar: Record<string, string> = {};
  for (const line of headers.getSetCookie()) {
    const [pair] = line.split(";");
    const eq = pair?.indexOf("=") ?? -1;
    if (pair && eq > 0) jar[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return jar;
}

export function cookieHeader(jar: Record<string, string>): string {
  return Object.entries(jar)
    .map(([name, value]) => `${name}=${value}`)
    .join("; ");
}

export async function signUp(overrides: Record<string, unknown> = {}): Promise<Account> {
  const email = uniqueEmail("owner");
  const password = "correct horse battery staple";
  const res = await call("POST", "/api/v1/auth/signup", {
    body: { workspace_name: "Acme Baltic", name: "Ona Owner", email, password, ...overrides },
  });
  if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${res.text}`);
  return {
    token: field<string>(res.json, "access_token"),
    workspaceId: field<string>(res.json, "workspace_id"),
    userId: field<string>(res.json, "user", "id"),
    email: field<string>(res.json, "user", "email"),
    password,
    cookies: cookiesFrom(res.headers),
  };
}

/** Invites a new person into `owner`'s workspace with `role` and returns their signed-in account. */
export async function addMember(owner: Account, role: "admin" | "member" | "viewer"): Promise<Account & { membershipId: string }> {
  const email = uniqueEmail(role);
  const invite = await call("POST", "/api/v1/invitations", { token: owner.token, body: { email, role } });
  if (invite.status !== 201) throw new Error(`invite failed: ${invite.status} ${invite.text}`);
  const password = "another long passphrase";
  const accepted = await call("POST", `/api/v1/invitations/${field<string>(invite.json, "token")}/accept`, { body: { name: `Tess ${role}`, password } });
  if (accepted.status !== 200) throw new Error(`accept failed: ${accepted.status} ${accepted.text}`);
  const token = field<string>(accepted.json, "access_token");
  const me = await call("GET", "/api/v1/members?limit=200", { token });
  const mine = field<{ id: string; email: string }[]>(me.json, "data").find((m) => m.email === email);
  if (!mine) throw new Error("new member missing from list");
  return {
    token,
    workspaceId: owner.workspaceId,
    userId: field<string>(accepted.json, "user", "id"),
    email,
    password,
    cookies: cookiesFrom(accepted.headers),
    membershipId: mine.id,
  };
}

export async function createApiKey(owner: Account, scope: "read" | "write" | "admin"): Promise<{ id: string; key: string }> {
  const res = await call("POST", "/api/v1/api-keys", { token: owner.token, body: { name: `key ${scope}`, scope } });
  if (res.status !== 201) throw new Error(`api key failed: ${res.status} ${res.text}`);
  return { id: field<string>(res.json, "id"), key: field<string>(res.json, "key") };
}

export function expectProblem(res: CallResult, status: number, code?: string) {
  const problem = res.json as Record<string, unknown> | null;
  const okType = res.headers.get("content-type")?.startsWith("application/problem+json") ?? false;
  if (res.status !== status || !okType || !problem || (code !== undefined && problem.code !== code)) {
    throw new Error(`expected problem ${status}${code ? ` ${code}` : ""}, got ${res.status} ${res.headers.get("content-type")} ${res.text}`);
  }
  if (typeof problem.request_id !== "string" || problem.request_id !== res.headers.get("x-request-id")) {
    throw new Error(`problem without matching request_id: ${res.text}`);
  }
  return problem;
}
