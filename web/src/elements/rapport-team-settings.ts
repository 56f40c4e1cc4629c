import type { CreatedInvitation, Invitation } from "../../../workers/team/invitation.schema";
import type { Member } from "../../../workers/team/member.schema";
import { api } from "../api/client";
import { isLiveSignal, liveEvent } from "../api/live";
import { bindAttribute, bindText, language, languageChanged, t } from "../i18n";
import { formatDate } from "../lib/format";
import { can } from "../lib/permissions";
import { navigate } from "../router";
import { currentMe, role, setMe, timeZone } from "../session";
import { copyFrom } from "../ui/clipboard";
import { append, h, ht } from "../ui/dom";
import { formMessage, inputField, onSubmit, selectField, valueOf } from "../ui/forms";
import { announce, announceText } from "../ui/status";
import { RapportConfirm } from "./rapport-confirm";

const assignable = ["admin", "member", "viewer"] as const;
type Assignable = (typeof assignable)[number];

function toAssignable(value: string): Assignable | undefined {
  return assignable.find((candidate) => candidate === value);
}

function reportError(error: unknown): void {
  announceText(error instanceof Error ? error.message : t("error.generic"), "error");
}

/** Members (everyone sees them) and, for admins and the owner, invitations. */
export class RapportTeamSettings extends HTMLElement {
  private members: Member[] = [];
  private invitations: Invitation[] = [];
  private readonly membersSlot = h("div", { class: "table-wrap" });
  private readonly invitationsSlot = h("div", { class: "table-wrap" });
  private readonly createdSlot = h("div");
  private readonly onLanguage = () => this.renderLists();
  private readonly onLive = (event: Event) => {
    if (isLiveSignal(event) && event.detail.type !== "workspace.updated") void this.load();
  };

  connectedCallback(): void {
    window.addEventListener(languageChanged, this.onLanguage);
    window.addEventListener(liveEvent, this.onLive);
    const manage = can.manageTeam(role());
    this.replaceChildren();
    append(this, [
      ht("h1", "team.title"),
      manage ? this.inviteForm() : null,
      h("section", { class: "card-panel", "aria-labelledby": "members-title" }, ht("h2", "team.members", { id: "members-title" }), this.membersSlot),
      manage
        ? h("section", { class: "card-panel", "aria-labelledby": "invitations-title" }, ht("h2", "team.invitations", { id: "invitations-title" }), this.invitationsSlot)
        : null,
    ]);
    void this.load();
  }

  disconnectedCallback(): void {
    window.removeEventListener(languageChanged, this.onLanguage);
    window.removeEventListener(liveEvent, this.onLive);
  }

  private async load(): Promise<void> {
    try {
      const [members, invitations] = await Promise.all([
        api.members(),
        can.manageTeam(role()) ? api.invitations() : Promise.resolve({ data: [], next_cursor: null }),
      ]);
      this.members = members.data;
      this.invitations = invitations.data;
      this.renderLists();
    } catch {
      this.membersSlot.replaceChildren(ht("p", "common.loadFailed", { class: "notice error" }));
    }
  }

  private inviteForm(): HTMLElement {
    const email = inputField({ name: "email", label: "team.inviteEmail", type: "email", autocomplete: "off", required: true });
    const roleField = selectField(
      "role",
      "team.inviteRole",
      assignable.map((value) => ({ value, key: `role.${value}` as const })),
      "member",
    );
    const form = h(
      "form",
      { class: "inline-form", "aria-labelledby": "invite-title" },
      formMessage(),
      email.row,
      roleField.row,
      h("div", { class: "actions" }, ht("button", "team.inviteSubmit", { type: "submit", class: "button primary" })),
    );
    onSubmit(form, async () => {
      const chosen = toAssignable(valueOf(form, "role")) ?? "member";
      const created = await api.invite({ email: valueOf(form, "email"), role: chosen });
      form.reset();
      roleField.select.value = "member";
      this.showCreated(created);
      await this.load();
    });
    return h("section", { class: "card-panel", "aria-labelledby": "invite-title" }, ht("h2", "team.invite", { id: "invite-title" }), form, this.createdSlot);
  }

  private showCreated(created: CreatedInvitation): void {
    const id = "invite-link";
    const link = h("input", { id, type: "text", readonly: true, class: "mono", "data-testid": "invite-link" });
    link.value = created.invite_url;
    link.addEventListener("focus", () => link.select());
    const copy = ht("button", "team.copy", { type: "button", class: "button" });
    copy.addEventListener("click", () => void copyFrom(link, "team.copied"));
    this.createdSlot.replaceChildren(
      h(
        "div",
        { class: "secret-box", role: "group", "aria-labelledby": "invite-created" },
        bindText(h("p", { id: "invite-created" }), "team.inviteCreated", { email: created.email }),
        bindText(h("label", { for: id, class: "visually-hidden" }), "team.inviteLink"),
        h("div", { class: "copy-row" }, link, copy),
      ),
    );
    link.focus();
  }

  private renderLists(): void {
    this.renderMembers();
    if (can.manageTeam(role())) this.renderInvitations();
  }

  private renderMembers(): void {
    const me = currentMe();
    const selfId = me?.user?.id ?? "";
    const locale = language();
    const table = h("table", { class: "table", "data-testid": "members" });
    table.append(
      h(
        "thead",
        {},
        h("tr", {}, ht("th", "team.colName", { scope: "col" }), ht("th", "team.colEmail", { scope: "col" }), ht("th", "team.colRole", { scope: "col" }), ht("th", "team.colJoined", { scope: "col" }), ht("th", "team.colActions", { scope: "col", class: "actions-col" })),
      ),
    );
    const body = h("tbody");
    for (const member of this.members) {
      const isSelf = member.user_id === selfId;
      const name = h("td", { "data-label": t("team.colName") }, member.name);
      if (isSelf) name.append(" ", h("span", { class: "badge" }, t("team.you")));
      body.append(
        h(
          "tr",
          {},
          name,
          h("td", { "data-label": t("team.colEmail") }, member.email),
          h("td", { "data-label": t("team.colRole") }, this.roleControl(member)),
          h("td", { "data-label": t("team.colJoined") }, formatDate(member.joined_at, locale, timeZone())),
          h("td", { class: "actions-col" }, this.removeControl(member, isSelf)),
        ),
      );
    }
    table.append(body);
    this.membersSlot.replaceChildren(table);
  }

  private roleControl(member: Member): Node {
    if (!can.changeRoleOf(role(), member)) return h("span", { class: `role role-${member.role}` }, t(`role.${member.role}`));
    const select = h("select", { name: `role-${member.id}` });
    bindAttribute(select, "aria-label", "team.roleOf", { name: member.name });
    for (const value of assignable) select.append(h("option", { value }, t(`role.${value}`)));
    select.value = member.role;
    select.addEventListener("change", () => {
      const next = toAssignable(select.value);
      if (!next) return;
      select.disabled = true;
      api
        .changeRole(member.id, next)
        .then((updated) => {
          this.members = this.members.map((existing) => (existing.id === updated.id ? updated : existing));
          announce("team.roleChanged", { name: updated.name, role: t(`role.${updated.role}`) });
        })
        .catch((error: unknown) => {
          select.value = member.role;
          reportError(error);
        })
        .finally(() => {
          select.disabled = false;
        });
    });
    return select;
  }

  private removeControl(member: Member, isSelf: boolean): Node | null {
    const me = currentMe();
    if (!me || !can.remove(role(), member, me.user?.id ?? "")) return null;
    const button = ht("button", isSelf ? "team.leave" : "team.remove", { type: "button", class: "button subtle danger-text" });
    button.addEventListener("click", () => {
      const question = isSelf ? t("team.leaveConfirm", { workspace: me.workspace.name }) : t("team.removeConfirm", { name: member.name });
      void RapportConfirm.ask(question, isSelf ? "team.leave" : "team.remove").then(async (confirmed) => {
        if (!confirmed) return;
        try {
          await api.removeMember(member.id);
        } catch (error) {
          reportError(error);
          return;
        }
        if (isSelf) {
          setMe(null);
          navigate("/signin", { replace: true });
          return;
        }
        announce("team.removed", { name: member.name });
        await this.load();
      });
    });
    return button;
  }

  private renderInvitations(): void {
    if (this.invitations.length === 0) {
      this.invitationsSlot.replaceChildren(ht("p", "team.noInvitations", { class: "empty" }));
      return;
    }
    const locale = language();
    const table = h("table", { class: "table", "data-testid": "invitations" });
    table.append(
      h(
        "thead",
        {},
        h("tr", {}, ht("th", "team.colEmail", { scope: "col" }), ht("th", "team.colRole", { scope: "col" }), ht("th", "team.colStatus", { scope: "col" }), ht("th", "team.colExpires", { scope: "col" }), ht("th", "team.colActions", { scope: "col", class: "actions-col" })),
      ),
    );
    const body = h("tbody");
    for (const invitation of this.invitations) {
      const actions = h("td", { class: "actions-col" });
      if (invitation.status === "pending") {
        const revoke = ht("button", "team.revoke", { type: "button", class: "button subtle danger-text" });
        revoke.addEventListener("click", () => {
          void RapportConfirm.ask(invitation.email, "team.revoke").then(async (confirmed) => {
            if (!confirmed) return;
            try {
              await api.revokeInvitation(invitation.id);
              announce("team.revoked", { email: invitation.email });
              await this.load();
            } catch (error) {
              reportError(error);
            }
          });
        });
        actions.append(revoke);
      }
      body.append(
        h(
          "tr",
          {},
          h("td", { "data-label": t("team.colEmail") }, invitation.email),
          h("td", { "data-label": t("team.colRole") }, t(`role.${invitation.role}`)),
          h("td", { "data-label": t("team.colStatus") }, h("span", { class: `status status-${invitation.status}` }, t(`status.${invitation.status}`))),
          h("td", { "data-label": t("team.colExpires") }, formatDate(invitation.expires_at, locale, timeZone())),
          actions,
        ),
      );
    }
    table.append(body);
    this.invitationsSlot.replaceChildren(table);
  }
}

customElements.define("rapport-team-settings", RapportTeamSettings);

declare global {
  interface HTMLElementTagNameMap {
    "rapport-team-settings": RapportTeamSettings;
  }
}
