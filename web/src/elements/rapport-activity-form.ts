import type { Activity, ActivityPatchInput } from "../../../workers/activities/activity.schema";
import { activitiesApi } from "../api/activities";
import { ApiError } from "../api/client";
import { t } from "../i18n";
import { activityTypes, directions, hasDirection, instantOfZonedInput, isActivityType, isDirection, type RecordLinks, zonedInputValue } from "../lib/timeline";
import { timeZone } from "../session";
import { h, ht, uid } from "../ui/dom";
import { fieldRow, formMessage, inputField, onSubmit, selectField, valueOf } from "../ui/forms";
import { announce } from "../ui/status";

export type ActivityFormOptions = {
  /** The records a new activity is linked to; ignored when editing (an edit keeps its links). */
  links: RecordLinks;
  /** The activity to edit; absent to log a new one. */
  activity?: Activity;
  /** Called with the saved activity, or null when cancelled or when the activity changed meanwhile. */
  done: (saved: Activity | null) => void;
};

function fieldError(name: string, key: "activity.whenInvalid" | "activity.durationInvalid"): ApiError {
  return new ApiError(422, "validation_failed", t(key), { [name]: t(key) }, [], null);
}

/**
 * Logs or edits one activity. Field names are the API's, so a problem+json pointer such as
 * /duration_seconds lands beside its control; the duration is typed in minutes because nobody
 * logs a call in seconds. The time comes last: it defaults to now and is rarely changed, and a
 * datetime input swallows Tab stops (one per segment) that would otherwise sit mid-form.
 */
export class RapportActivityForm extends HTMLElement {
  private options: ActivityFormOptions | null = null;

  static create(options: ActivityFormOptions): RapportActivityForm {
    const element = new RapportActivityForm();
    element.options = options;
    return element;
  }

  connectedCallback(): void {
    if (this.options && !this.firstChild) this.render(this.options);
  }

  /** Puts the cursor in the first field, for the person who just asked for the form. */
  focusFirst(): void {
    this.querySelector<HTMLElement>("select, input, textarea")?.focus();
  }

  private render(options: ActivityFormOptions): void {
    const editing = options.activity;
    const zone = timeZone();
    const type = selectField("type", "activity.fieldType", activityTypes.map((value) => ({ value, key: `activity.type.${value}` as const })), editing?.type ?? "call");
    const direction = selectField("direction", "activity.fieldDirection", directions.map((value) => ({ value, key: `activity.direction.${value}` as const })), editing?.direction ?? "outbound");
    const subject = inputField({ name: "subject", label: "activity.subject", value: editing?.subject ?? "" });

    const bodyId = uid("f-body");
    const body = h("textarea", { id: bodyId, name: "body", rows: "4" });
    body.value = editing?.body ?? "";

    const whenId = uid("f-occurred");
    const when = h("input", { id: whenId, name: "occurred_at", type: "datetime-local", required: true });
    when.value = zonedInputValue(editing ? Date.parse(editing.occurred_at) : Date.now(), zone);
    // The input holds whole minutes; left untouched it must not round the time away (a new
    // activity then takes the server's "now", an edited one keeps its exact time), or two
    // activities logged within a minute would tie and lose their order.
    const initialWhen = when.value;

    const durationId = uid("f-duration");
    const duration = h("input", { id: durationId, name: "duration_seconds", type: "text", inputmode: "numeric", autocomplete: "off" });
    duration.value = editing?.duration_seconds ? String(Math.round(editing.duration_seconds / 60)) : "";
    const outcome = inputField({ name: "outcome", label: "activity.outcome", value: editing?.outcome ?? "" });

    const directionRow = direction.row;
    const syncDirection = () => {
      directionRow.hidden = !(isActivityType(type.select.value) && hasDirection(type.select.value));
    };
    type.select.addEventListener("change", syncDirection);
    syncDirection();

    const cancel = ht("button", "records.cancel", { type: "button", class: "button" });
    const save = ht("button", editing ? "activity.save" : "activity.log", { type: "submit", class: "button primary" });
    const titleId = uid("activity-form-title");
    const form = h(
      "form",
      { class: "activity-form", "aria-labelledby": titleId, "data-testid": editing ? "activity-edit-form" : "activity-form" },
      ht("h3", editing ? "activity.editTitle" : "activity.formTitle", { id: titleId }),
      h("div", { class: "activity-grid" }, type.row, directionRow, h("div", { class: "span-all" }, subject.row), h("div", { class: "span-all" }, fieldRow(bodyId, "activity.body", body)), fieldRow(durationId, "activity.duration", duration), outcome.row, fieldRow(whenId, "activity.occurredAt", when)),
      formMessage(),
      h("div", { class: "actions" }, cancel, save),
    );
    // The zone hint sits under the date; fieldRow has no params for hints, so it is added here.
    when.insertAdjacentElement("afterend", h("p", { class: "hint" }, t("activity.occurredHint", { zone })));

    cancel.addEventListener("click", () => options.done(null));
    form.addEventListener("keydown", (event) => {
      if (event.key !== "Escape") return;
      event.preventDefault();
      options.done(null);
    });

    onSubmit(form, async () => {
      const chosenType = valueOf(form, "type");
      if (!isActivityType(chosenType)) return;
      const whenText = valueOf(form, "occurred_at");
      const occurredAt = whenText === initialWhen ? undefined : instantOfZonedInput(whenText, zone);
      if (occurredAt === null) throw fieldError("occurred_at", "activity.whenInvalid");
      const minutesText = valueOf(form, "duration_seconds").trim();
      if (minutesText !== "" && !/^\d{1,5}$/.test(minutesText)) throw fieldError("duration_seconds", "activity.durationInvalid");
      const chosenDirection = valueOf(form, "direction");
      const text = (name: string) => valueOf(form, name).trim() || null;
      const fields: ActivityPatchInput = {
        type: chosenType,
        direction: hasDirection(chosenType) && isDirection(chosenDirection) ? chosenDirection : null,
        subject: text("subject"),
        // The body keeps its line breaks and inner spacing; only a blank body becomes null.
        body: valueOf(form, "body").trim() === "" ? null : valueOf(form, "body"),
        ...(occurredAt ? { occurred_at: occurredAt } : {}),
        duration_seconds: minutesText === "" ? null : Number(minutesText) * 60,
        outcome: text("outcome"),
      };
      if (editing) {
        try {
          const { data } = await activitiesApi.updateActivity(editing.id, fields, editing.version);
          announce("activity.updated");
          options.done(data);
        } catch (error) {
          if (error instanceof ApiError && error.code === "version_mismatch") {
            announce("records.stale", undefined, "error");
            options.done(null);
            return;
          }
          throw error;
        }
        return;
      }
      const created = await activitiesApi.createActivity({ ...fields, type: chosenType, ...options.links });
      announce("activity.logged");
      options.done(created);
    });
    this.replaceChildren(form);
  }
}

customElements.define("rapport-activity-form", RapportActivityForm);

declare global {
  interface HTMLElementTagNameMap {
    "rapport-activity-form": RapportActivityForm;
  }
}
