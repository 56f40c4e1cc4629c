import type { ApiKeyScope, Role } from "../db/schema";

// Who is calling: a signed-in person (through a JWT) or an integration (through an API key).
// Both act inside exactly one workspace, taken from the verified credential.
export type Principal =
  | { kind: "user"; id: string; workspaceId: string; role: Role; membershipId: string; via: "cookie" | "bearer" }
  | { kind: "api_key"; id: string; workspaceId: string; role: Role; scope: ApiKeyScope };

const rank: Record<Role, number> = { viewer: 0, member: 1, admin: 2, owner: 3 };

export function hasRole(role: Role, atLeast: Role): boolean {
  return rank[role] >= rank[atLeast];
}

// An API key acts with the role its scope names; it can never act as the owner.
export const roleForScope: Record<ApiKeyScope, Role> = { read: "viewer", write: "member", admin: "admin" };

export type Actor = { type: "user" | "api_key" | "system"; id: string | null; workspaceId: string };

export function actorOf(principal: Principal): Actor {
  return { type: principal.kind, id: principal.id, workspaceId: principal.workspaceId };
}
