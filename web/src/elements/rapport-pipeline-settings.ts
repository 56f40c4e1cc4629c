import type { Pipeline } from "../../../workers/pipelines/pipeline.schema";
import { api } from "../api/client";
import { bindAttribute, t } from "../i18n";
import { can } from "../lib/permissions";
import { role } from "../session";
import { h, ht } from "../ui/dom";
import { formMessage, inputField, onSubmit, selectField, valueOf } from "../ui/forms";
import { announce } from "../ui/status";

type StageDraft = { id?: string; name: string; probability: number; kind: "open" | "won" | "lost"; rotting_days: number | null; removed: boolean; moveTo: string };

/** Pipeline settings (admins): rename, add, reorder and remove stages, set probabilities. */
export class RapportPipelineSettings extends HTMLElement {
  private pipelines: Pipeline[] = [];
  private current: Pipeline | null = null;
  private stages: StageDraft[] = [];

  connectedCallback(): void {
    this.replaceChildren(ht("p", "app.loading", { class: "loading" }));
    void this.load(new URLSearchParams(location.search).get("pipeline"));
  }

  private async load(pipelineId: string | null): Promise<void> {
    try {
      this.pipelines = (await api.pipelines()).data;
    } catch {
      this.replaceChildren(ht("p", "common.loadFailed", { class: "notice error" }));
      return;
    }
    this.current = this.pipelines.find((p) => p.id === pipelineId) ?? this.pipelines.find((p) => p.is_default) ?? this.pipelines[0] ?? null;
    this.stages = (this.current?.stages ?? []).map((stage) => ({ id: stage.id, name: stage.name, probability: stage.probability, kind: stage.kind, rotting_days: stage.rotting_days, removed: false, moveTo: "" }));
    this.render();
  }

  /** Reads what the inputs hold back into the drafts, so reordering never loses typing. */
  private readInputs(form: HTMLFormElement): void {
    this.stages.forEach((stage, index) => {
      stage.name = valueOf(form, `stage-${index}-name`) || stage.name;
      const probability = Number(valueOf(form, `stage-${index}-probability`));
      if (Number.isInteger(probability)) stage.probability = probability;
      const kind = valueOf(form, `stage-${index}-kind`);
      if (kind === "open" || kind === "won" || kind === "lost") stage.kind = kind;
      const rot = valueOf(form, `stage-${index}-rotting`).trim();
      stage.rotting_days = rot === "" ? null : Number(rot);
      stage.moveTo = valueOf(form, `stage-${index}-move`);
    });
  }

  private render(): void {
    const pipeline = this.current;
    const admin = can.editWorkspace(role());
    const head = h("div", { class: "page-head" }, h("div", {}, ht("h1", "pipelines.title"), ht("p", "pipelines.lead", { class: "lead" })));
    if (!pipeline) {
      this.replaceChildren(head, ht("p", "pipeline.none", { class: "empty" }));
      return;
    }
    if (admin) {
      const create = ht("button", "pipelines.create", { type: "button", class: "button" });
      create.addEventListener("click", () => void this.create());
      head.append(h("div", { class: "page-actions" }, create));
    }
    const picker = this.pipelines.length > 1 ? selectField("pipeline", "pipeline.choose", this.pipelines.map((p) => ({ value: p.id, label: p.name })), pipeline.id) : null;
    picker?.select.addEventListener("change", () => void this.load(picker.select.value));

    const name = inputField({ name: "name", label: "pipelines.name", value: pipeline.name, required: true, readOnly: !admin });
    const list = h("ol", { class: "stage-editor", "data-testid": "stage-editor" });
    const form = h("form", { class: "card-panel stack pipeline-form" }, picker?.row ?? null, name.row, ht("h2", "pipelines.stages"), list, formMessage());
    this.stages.forEach((stage, index) => list.append(this.stageRow(stage, index, form, admin)));
    if (admin) {
      const add = ht("button", "pipelines.addStage", { type: "button", class: "button" });
      add.addEventListener("click", () => {
        this.readInputs(form);
        const firstClosed = this.stages.findIndex((s) => s.kind !== "open");
        const draft: StageDraft = { name: t("pipelines.newStage"), probability: 50, kind: "open", rotting_days: 14, removed: false, moveTo: "" };
        this.stages.splice(firstClosed < 0 ? this.stages.length : firstClosed, 0, draft);
        this.render();
        this.querySelector<HTMLInputElement>(`input[name="stage-${this.stages.indexOf(draft)}-name"]`)?.select();
      });
      form.append(h("div", { class: "actions" }, add, ht("button", "pipelines.save", { type: "submit", class: "button primary" })));
      onSubmit(form, async () => {
        this.readInputs(form);
        const kept = this.stages.filter((s) => !s.removed);
        const moves: Record<string, string> = {};
        for (const s of this.stages) if (s.removed && s.id && s.moveTo) moves[s.id] = s.moveTo;
        const saved = await api.updatePipeline(pipeline.id, {
          name: valueOf(form, "name"),
          stages: kept.map((s) => ({ ...(s.id ? { id: s.id } : {}), name: s.name, probability: s.probability, kind: s.kind, rotting_days: s.rotting_days })),
          ...(Object.keys(moves).length ? { move_deals_to: moves } : {}),
        });
        announce("pipelines.saved");
        await this.load(saved.id);
      });
    } else {
      form.prepend(ht("p", "pipelines.readOnly", { class: "notice" }));
    }
    this.replaceChildren(head, form);
  }

  private stageRow(stage: StageDraft, index: number, form: HTMLFormElement, admin: boolean): HTMLElement {
    const row = h("li", { class: `stage-row${stage.removed ? " removed" : ""}`, "data-testid": "stage-row" });
    const name = inputField({ name: `stage-${index}-name`, label: "pipelines.stageName", value: stage.name, readOnly: !admin || stage.removed });
    const probability = inputField({ name: `stage-${index}-probability`, label: "pipelines.probability", value: String(stage.probability), inputmode: "decimal", readOnly: !admin || stage.removed });
    const kind = selectField(`stage-${index}-kind`, "pipelines.kind", (["open", "won", "lost"] as const).map((value) => ({ value, key: `pipelines.kind.${value}` as const })), stage.kind, !admin || stage.removed);
    const rotting = inputField({ name: `stage-${index}-rotting`, label: "pipelines.rottingDays", value: stage.rotting_days === null ? "" : String(stage.rotting_days), inputmode: "decimal", readOnly: !admin || stage.removed });
    row.append(h("span", { class: "stage-number", "aria-hidden": "true" }, String(index + 1)), name.row, probability.row, kind.row, rotting.row);
    if (!admin) return row;
    const tools = h("div", { class: "stage-tools" });
    const button = (label: "pipelines.moveUp" | "pipelines.moveDown" | "pipelines.remove" | "pipelines.undoRemove", text: string, action: () => void, disabled = false) => {
      const b = h("button", { type: "button", class: "button subtle small", disabled }, text);
      bindAttribute(b, "aria-label", label, { name: stage.name });
      if (label === "pipelines.undoRemove") b.textContent = t(label);
      b.addEventListener("click", () => {
        this.readInputs(form);
        action();
        this.render();
      });
      return b;
    };
    if (stage.removed) {
      const targets = this.stages.filter((s) => !s.removed && s.id && s !== stage).map((s) => ({ value: s.id ?? "", label: s.name }));
      const move = selectField(`stage-${index}-move`, "pipelines.moveDealsTo", targets, stage.moveTo || (targets[0]?.value ?? ""));
      row.append(move.row, ht("p", "pipelines.removed", { class: "hint" }), button("pipelines.undoRemove", "", () => (stage.removed = false)));
      return row;
    }
    const swap = (to: number) => {
      const other = this.stages[to];
      if (!other) return;
      this.stages[to] = stage;
      this.stages[index] = other;
    };
    tools.append(
      button("pipelines.moveUp", "↑", () => swap(index - 1), index === 0),
      button("pipelines.moveDown", "↓", () => swap(index + 1), index === this.stages.length - 1),
      button("pipelines.remove", "×", () => {
        if (stage.id) stage.removed = true;
        else this.stages.splice(index, 1);
      }),
    );
    row.append(tools);
    return row;
  }

  private async create(): Promise<void> {
    const created = await api.createPipeline({
      name: t("pipelines.create"),
      stages: [
        { name: t("pipelines.newStage"), probability: 20, kind: "open", rotting_days: 14 },
        { name: t("deal.status.won"), probability: 100, kind: "won" },
        { name: t("deal.status.lost"), probability: 0, kind: "lost" },
      ],
    });
    announce("pipelines.created", { name: created.name });
    await this.load(created.id);
  }
}

customElements.define("rapport-pipeline-settings", RapportPipelineSettings);

declare global {
  interface HTMLElementTagNameMap {
    "rapport-pipeline-settings": RapportPipelineSettings;
  }
}
