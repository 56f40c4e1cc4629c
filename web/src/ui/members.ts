import type { Member } from "../../../workers/team/member.schema";
import { api } from "../api/client";
import { t } from "../i18n";

// Owner names and pickers need the member list; it is small and rarely changes, so it is fetched
// once per page load and shared.
let cached: Promise<Member[]> | null = null;

export function members(): Promise<Member[]> {
  cached ??= api.members().then(
    (page) => page.data,
    () => {
      cached = null;
      return [];
    },
  );
  return cached;
}

export function ownerName(list: readonly Member[], ownerId: string | null): string {
  if (!ownerId) return "";
  return list.find((member) => member.user_id === ownerId)?.name ?? "";
}

/** Choices for an owner select: nobody, then every member by name. */
export function ownerChoices(list: readonly Member[]): { value: string; label?: string; key?: "records.noOwner" }[] {
  return [{ value: "", key: "records.noOwner" }, ...[...list].sort((a, b) => a.name.localeCompare(b.name)).map((member) => ({ value: member.user_id, label: member.name }))];
}

export function ownerLabel(list: readonly Member[], ownerId: string | null): string {
  return ownerName(list, ownerId) || t("records.noOwner");
}
