import type { Member } from "../../../workers/team/member.schema";

export type Role = Member["role"];

const rank: Record<Role, number> = { viewer: 0, member: 1, admin: 2, owner: 3 };

export function hasRole(role: Role, minimum: Role): boolean {
  return rank[role] >= rank[minimum];
}

/** What the UI offers; the server enforces the same rules, this only hides what would fail. */
export const can = {
  editWorkspace: (role: Role) => hasRole(role, "admin"),
  manageTeam: (role: Role) => hasRole(role, "admin"),
  manageApiKeys: (role: Role) => hasRole(role, "admin"),
  readAuditLog: (role: Role) => hasRole(role, "admin"),
  /** Contacts and companies: members and up write, viewers read. */
  writeRecords: (role: Role) => hasRole(role, "member"),
  /** Owners change hands through a transfer, never through the role menu. */
  changeRoleOf: (role: Role, member: Pick<Member, "role">) => hasRole(role, "admin") && member.role !== "owner",
  remove: (role: Role, member: Pick<Member, "role" | "user_id">, selfUserId: string) =>
    member.role !== "owner" && (member.user_id === selfUserId || hasRole(role, "admin")),
};
