// Who is signed in, shared by every element. Changes are broadcast so the shell can re-render.
import type { Me } from "../../workers/auth/auth.schema";
import { can, type Role } from "./lib/permissions";

export const sessionChanged = "rapport:session";
let me: Me | null = null;

export function currentMe(): Me | null {
  return me;
}

export function setMe(next: Me | null): void {
  me = next;
  window.dispatchEvent(new CustomEvent(sessionChanged));
}

export function role(): Role {
  return me?.role ?? "viewer";
}

export function timeZone(): string {
  return me?.user?.time_zone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
}

export function renameWorkspace(name: string): void {
  if (me) setMe({ ...me, workspace: { ...me.workspace, name } });
}

export { can };
