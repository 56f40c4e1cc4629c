import { type CampaignInput, campaignsApi, type Segment, type Template } from "../api/campaigns";
import { ApiError } from "../api/client";
import { bindAttribute, bindText, language, languageChanged, t, type MessageKey } from "../i18n";
import { isEmailAddress, parseThrottle, quietHours, scheduleBody, type ScheduleMode, scheduleModes, type WizardStep, wizardSteps } from "../lib/campaigns";
import { formatDateTime, formatNumber, languageName } from "../lib/format";
import { navigate } from "../router";
import { currentMe, timeZone } from "../session";
import { h, ht, uid } from "../ui/dom";
import { clearErrors, fieldRow, formMessage, showErrors } from "../ui/forms";
import { announce } from "../ui/status";
import { campaignNav } from "./rapport-campaigns";

const stepKey = (step: WizardStep): MessageKey => `wizard.step.${step}`;
const modeKey = (mode: ScheduleMode): MessageKey => `wizard.mode.${mode}`;

const fail = (field: string, key: MessageKey) => new ApiError(422, "validation_failed", t(key), { [field]: t(key) }, [], null);

/**
 * The campaign wizard: name → segment (with its live count) → template → sender and reply-to →
 * schedule (now, at a time, or at a local hour in each recipient's zone; quiet hours; throttle) →
 * review → send or schedule. One form, one step visible at a time; each step checks its own fields
 * before moving on, and a server refusal lands on the step and field it belongs to.
 */
export class RapportCampaignWizard extends HTMLElement {
  private step: WizardStep = "name";
  private campaignId: string | null = null;
  private etag: string | null = null;
  private segments: Segment[] = [];
  private templates: Template[] = [];
  private counts = new Map<string, number>();
  private readonly form = h("form", { class: "stack wizard", "aria-labelledby": "wizard-title", novalidate: true });
  private readonly progress = h("ol", { class: "wizard-steps" });
  private readonly sections = new Map<WizardStep, HTMLElement>();
  private readonly back = ht("button", "wizard.back", { type: "button", class: "button" });
  private readonly next = ht("button", "wizard.next", { type: "submit", class: "button primary", "data-testid": "wizard-next" });
  private readonly name = h("input", { id: uid("f-name"), name: "name", maxlength: "200", autocomplete: "off", required: true });
  private readonly segment = h("select", { id: uid("f-segment"), name: "segment_id", "data-testid": "wizard-segment" });
  private readonly segmentCount = h("p", { class: "segment-count", role: "status", "aria-live": "polite", "data-testid": "wizard-segment-count" });
  private readonly template = h("select", { id: uid("f-template"), name: "template_id", "data-testid": "wizard-template" });
  private readonly templateInfo = h("p", { class: "hint", "data-testid": "wizard-template-info" });
  private readonly fromName = h("input", { id: uid("f-from-name"), name: "from_name", maxlength: "120", autocomplete: "organization" });
  private readonly fromAddress = h("input", { id: uid("f-from"), name: "from_address", type: "email", autocomplete: "email" });
  private readonly replyTo = h("input", { id: uid("f-reply"), name: "reply_to", type: "email", autocomplete: "email" });
  private readonly at = h("input", { id: uid("f-at"), name: "at", type: "datetime-local" });
  private readonly localDate = h("input", { id: uid("f-local-date"), name: "local_date", type: "date" });
  private readonly localTime = h("input", { id: uid("f-local-time"), name: "local_time", type: "time", value: "10:00" });
  private readonly quietStart = h("input", { id: uid("f-quiet-start"), name: "quiet_start", type: "time" });
  private readonly quietEnd = h("input", { id: uid("f-quiet-end"), name: "quiet_end", type: "time" });
  private readonly throttle = h("input", { id: uid("f-throttle"), name: "throttle_per_minute", type: "number", min: "1", max: "30000", step: "1", inputmode: "numeric" });
  // Off by default (privacy by default): tracking is something the sender opts into per campaign.
  private readonly tracking = h("input", { id: uid("f-tracking"), name: "tracking_enabled", type: "checkbox", checked: false, "data-testid": "wizard-tracking" });
  private readonly review = h("dl", { class: "facts wizard-review", "data-testid": "wizard-review" });
  private mode: ScheduleMode = "now";

  private readonly onLanguage = () => {
    void this.showCount();
    this.showTemplate();
    if (this.step === "review") this.renderReview();
  };

  connectedCallback(): void {
    window.addEventListener(languageChanged, this.onLanguage);
    const me = currentMe();
    this.fromName.value = me?.workspace.name ?? "";
    this.fromAddress.value = me?.user?.email ?? "";
    const tomorrow = new Date(Date.now() + 86_400_000);
    this.localDate.value = tomorrow.toISOString().slice(0, 10);
    const newSegment = ht("a", "segments.new", { href: "/campaigns/segments/new" });
    const newTemplate = ht("a", "templates.new", { href: "/campaigns/templates/new" });
    this.section("name", fieldRow(this.name.id, "campaigns.name", this.name, "wizard.nameHint"));
    this.section("segment", fieldRow(this.segment.id, "wizard.segment", this.segment), this.segmentCount, h("p", { class: "hint" }, newSegment));
    this.section("template", fieldRow(this.template.id, "wizard.template", this.template), this.templateInfo, h("p", { class: "hint" }, newTemplate));
    this.section(
      "sender",
      fieldRow(this.fromName.id, "wizard.fromName", this.fromName),
      fieldRow(this.fromAddress.id, "wizard.fromAddress", this.fromAddress, "wizard.fromAddressHint"),
      fieldRow(this.replyTo.id, "wizard.replyTo", this.replyTo, "wizard.replyToHint"),
    );
    this.section("schedule", this.scheduleFields());
    this.section("review", ht("p", "wizard.reviewLead", { class: "hint" }), this.review);
    this.back.addEventListener("click", () => this.go(-1));
    this.form.append(this.progress, ...this.sections.values(), formMessage(), h("div", { class: "actions wizard-actions" }, this.back, this.next));
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      void this.advance();
    });
    this.segment.addEventListener("change", () => void this.showCount());
    this.template.addEventListener("change", () => this.showTemplate());
    this.replaceChildren(
      h("div", { class: "page-head" }, h("div", {}, ht("p", "campaigns.title", { class: "crumbs" }), ht("h1", "wizard.title", { id: "wizard-title" }))),
      h("div", { class: "settings-layout" }, campaignNav("campaigns"), h("div", { class: "settings-content" }, this.form)),
    );
    this.render(false);
    void this.load();
  }

  disconnectedCallback(): void {
    window.removeEventListener(languageChanged, this.onLanguage);
  }

  private section(step: WizardStep, ...children: Node[]): void {
    const legend = bindText(h("legend", {}), stepKey(step));
    this.sections.set(step, h("fieldset", { class: "wizard-step", "data-step": step, hidden: true }, legend, ...children));
  }

  private scheduleFields(): HTMLElement {
    const group = h("div", { class: "wizard-modes", role: "radiogroup" });
    bindAttribute(group, "aria-label", "wizard.when");
    const name = uid("mode");
    const extras: Record<ScheduleMode, HTMLElement> = {
      now: ht("p", "wizard.nowHint", { class: "hint" }),
      at: fieldRow(this.at.id, "wizard.at", this.at, "wizard.atHint"),
      local_time: h("div", { class: "form-grid" }, fieldRow(this.localDate.id, "wizard.localDate", this.localDate), fieldRow(this.localTime.id, "wizard.localTime", this.localTime, "wizard.localTimeHint")),
    };
    for (const mode of scheduleModes) {
      const radio = h("input", { type: "radio", name, value: mode, checked: mode === this.mode, "data-testid": `mode-${mode}` });
      radio.addEventListener("change", () => {
        this.mode = mode;
        for (const [key, extra] of Object.entries(extras)) extra.hidden = key !== mode;
      });
      group.append(h("label", { class: "check" }, radio, bindText(h("span"), modeKey(mode))));
    }
    for (const [key, extra] of Object.entries(extras)) extra.hidden = key !== this.mode;
    return h(
      "div",
      { class: "stack" },
      group,
      ...Object.values(extras),
      h("div", { class: "form-grid" }, fieldRow(this.quietStart.id, "wizard.quietStart", this.quietStart), fieldRow(this.quietEnd.id, "wizard.quietEnd", this.quietEnd, "wizard.quietHint")),
      fieldRow(this.throttle.id, "wizard.throttle", this.throttle, "wizard.throttleHint"),
      this.trackingField(),
    );
  }

  private trackingField(): HTMLElement {
    const hintId = `${this.tracking.id}-hint`;
    const errorId = `${this.tracking.id}-error`;
    this.tracking.setAttribute("aria-describedby", `${hintId} ${errorId}`);
    this.tracking.dataset.errorId = errorId;
    return h(
      "div",
      { class: "field" },
      h("div", { class: "check" }, this.tracking, bindText(h("label", { for: this.tracking.id }), "wizard.tracking")),
      bindText(h("p", { class: "hint", id: hintId }), "wizard.trackingHint"),
      h("p", { class: "field-error", id: errorId, hidden: true }),
    );
  }

  private async load(): Promise<void> {
    try {
      const [segments, templates] = await Promise.all([campaignsApi.segments(), campaignsApi.templates()]);
      this.segments = segments.data;
      this.templates = templates.data;
    } catch (error) {
      showErrors(this.form, error);
      return;
    }
    const choose = (select: HTMLSelectElement, key: MessageKey, items: { id: string; name: string }[]) => {
      select.replaceChildren(bindText(h("option", { value: "" }), key), ...items.map((item) => h("option", { value: item.id }, item.name)));
    };
    choose(this.segment, "wizard.chooseSegment", this.segments);
    choose(this.template, "wizard.chooseTemplate", this.templates);
    const params = new URLSearchParams(location.search);
    const segment = params.get("segment_id");
    if (segment && this.segments.some((item) => item.id === segment)) this.segment.value = segment;
    void this.showCount();
    this.showTemplate();
  }

  private async showCount(): Promise<void> {
    const id = this.segment.value;
    if (!id) {
      this.segmentCount.textContent = "";
      return;
    }
    this.segmentCount.textContent = t("app.loading");
    try {
      const preview = await campaignsApi.previewSegment(id, 1);
      this.counts.set(id, preview.count);
      if (this.segment.value === id) this.segmentCount.textContent = t(preview.count === 1 ? "wizard.segmentCountOne" : "wizard.segmentCount", { count: formatNumber(preview.count, language()) });
    } catch {
      this.segmentCount.textContent = t("segments.previewFailed");
    }
  }

  private showTemplate(): void {
    const template = this.templates.find((item) => item.id === this.template.value);
    this.templateInfo.textContent = template
      ? t("wizard.templateLanguages", { languages: template.variants.map((variant) => languageName(variant.language, language())).join(", "), fallback: languageName(template.default_language, language()) })
      : "";
  }

  private render(focus: boolean): void {
    const index = wizardSteps.indexOf(this.step);
    this.progress.replaceChildren(
      ...wizardSteps.map((step, at) => h("li", { "aria-current": at === index ? "step" : undefined, class: at < index ? "done" : undefined }, bindText(h("span"), stepKey(step)))),
    );
    for (const [step, section] of this.sections) section.hidden = step !== this.step;
    this.back.hidden = index === 0;
    bindText(this.next, this.step === "review" ? (this.mode === "now" ? "wizard.sendNow" : "wizard.schedule") : "wizard.next");
    if (this.step === "review") this.renderReview();
    if (focus) this.sections.get(this.step)?.querySelector<HTMLElement>("input:not([type=radio]), select, input:checked")?.focus();
  }

  private go(delta: number): void {
    const index = wizardSteps.indexOf(this.step) + delta;
    const step = wizardSteps[Math.max(0, Math.min(index, wizardSteps.length - 1))];
    if (!step) return;
    clearErrors(this.form);
    this.step = step;
    this.render(true);
  }

  /** Checks the visible step; on the review step, saves and sends. */
  private async advance(): Promise<void> {
    clearErrors(this.form);
    const problem = this.check(this.step);
    if (problem) {
      showErrors(this.form, problem);
      return;
    }
    if (this.step !== "review") {
      this.go(1);
      return;
    }
    this.next.disabled = true;
    this.form.setAttribute("aria-busy", "true");
    try {
      await this.submit();
    } catch (error) {
      this.showServerError(error);
    } finally {
      this.next.disabled = false;
      this.form.removeAttribute("aria-busy");
    }
  }

  private check(step: WizardStep): ApiError | null {
    switch (step) {
      case "name":
        return this.name.value.trim() === "" ? fail("name", "wizard.nameMissing") : null;
      case "segment":
        if (!this.segment.value) return fail("segment_id", "wizard.segmentMissing");
        return this.counts.get(this.segment.value) === 0 ? fail("segment_id", "wizard.segmentEmpty") : null;
      case "template":
        return this.template.value ? null : fail("template_id", "wizard.templateMissing");
      case "sender":
        if (this.fromName.value.trim() === "") return fail("from_name", "wizard.fromNameMissing");
        if (!isEmailAddress(this.fromAddress.value)) return fail("from_address", "wizard.emailInvalid");
        return this.replyTo.value.trim() !== "" && !isEmailAddress(this.replyTo.value) ? fail("reply_to", "wizard.emailInvalid") : null;
      case "schedule": {
        const when = scheduleBody({ mode: this.mode, at: this.at.value, localDate: this.localDate.value, localTime: this.localTime.value }, new Date());
        if (!when.ok) return fail(when.field, when.reason === "past" ? "wizard.atPast" : "wizard.whenMissing");
        const quiet = quietHours(this.quietStart.value, this.quietEnd.value);
        if (!quiet.ok) return fail(quiet.field, "wizard.quietInvalid");
        return parseThrottle(this.throttle.value).ok ? null : fail("throttle_per_minute", "wizard.throttleInvalid");
      }
      case "review":
        for (const earlier of wizardSteps.slice(0, -1)) {
          const found = this.check(earlier);
          if (found) return found;
        }
        return null;
    }
  }

  private input(): CampaignInput {
    const quiet = quietHours(this.quietStart.value, this.quietEnd.value);
    const throttle = parseThrottle(this.throttle.value);
    return {
      name: this.name.value.trim(),
      segment_id: this.segment.value,
      template_id: this.template.value,
      from_name: this.fromName.value.trim(),
      from_address: this.fromAddress.value.trim(),
      reply_to: this.replyTo.value.trim() || null,
      quiet_start: quiet.ok ? quiet.start : null,
      quiet_end: quiet.ok ? quiet.end : null,
      throttle_per_minute: throttle.ok ? throttle.value : null,
      tracking_enabled: this.tracking.checked,
    };
  }

  private renderReview(): void {
    const row = (key: MessageKey, value: string, testId?: string) => [bindText(h("dt"), key), h("dd", testId ? { "data-testid": testId } : {}, value)];
    const input = this.input();
    const segment = this.segments.find((item) => item.id === input.segment_id);
    const count = this.counts.get(input.segment_id);
    const template = this.templates.find((item) => item.id === input.template_id);
    const when = scheduleBody({ mode: this.mode, at: this.at.value, localDate: this.localDate.value, localTime: this.localTime.value }, new Date());
    let whenText = t("wizard.mode.now");
    if (when.ok && when.body.mode === "at") whenText = formatDateTime(when.body.at, language(), timeZone());
    if (when.ok && when.body.mode === "local_time") whenText = t("wizard.localSummary", { date: when.body.local_date, time: when.body.local_time });
    this.review.replaceChildren(
      ...row("campaigns.name", input.name),
      ...row("wizard.segment", `${segment?.name ?? ""}${count === undefined ? "" : ` · ${t(count === 1 ? "wizard.segmentCountOne" : "wizard.segmentCount", { count: formatNumber(count, language()) })}`}`, "review-segment"),
      ...row("wizard.template", template?.name ?? ""),
      ...row("wizard.from", `${input.from_name} <${input.from_address}>`),
      ...row("wizard.replyTo", input.reply_to ?? "—"),
      ...row("wizard.when", whenText),
      ...row("wizard.quiet", input.quiet_start && input.quiet_end ? `${input.quiet_start}–${input.quiet_end}` : "—"),
      ...row("wizard.throttle", input.throttle_per_minute === null ? t("wizard.noThrottle") : t("wizard.perMinute", { count: formatNumber(input.throttle_per_minute, language()) })),
      ...row("wizard.tracking", t(input.tracking_enabled ? "wizard.trackingOn" : "wizard.trackingOff"), "review-tracking"),
      ...row("wizard.consentNote", t("wizard.consentText")),
    );
  }

  private async submit(): Promise<void> {
    const input = this.input();
    if (this.campaignId) {
      const { data, etag } = await campaignsApi.updateCampaign(this.campaignId, input, this.etag);
      this.etag = etag;
      this.campaignId = data.id;
    } else {
      const { data, etag } = await campaignsApi.createCampaign(input);
      this.campaignId = data.id;
      this.etag = etag;
    }
    const when = scheduleBody({ mode: this.mode, at: this.at.value, localDate: this.localDate.value, localTime: this.localTime.value }, new Date());
    if (!when.ok) throw fail(when.field, "wizard.whenMissing");
    const scheduled = await campaignsApi.schedule(this.campaignId, when.body);
    announce(scheduled.status === "sending" ? "wizard.sending" : "wizard.scheduled", { name: scheduled.name });
    navigate(`/campaigns/${scheduled.id}`);
  }

  /** A refusal goes to the step that owns the field (or stays on review with the message). */
  private showServerError(error: unknown): void {
    if (error instanceof ApiError) {
      if (error.code === "empty_segment" || error.code === "no_consented_recipients") {
        this.step = "segment";
        this.render(false);
        showErrors(this.form, new ApiError(error.status, error.code, error.message, { segment_id: error.message }, [], error.requestId));
        return;
      }
      const owner: Record<string, WizardStep> = { name: "name", segment_id: "segment", template_id: "template", from_name: "sender", from_address: "sender", reply_to: "sender", at: "schedule", local_date: "schedule", local_time: "schedule", quiet_start: "schedule", quiet_end: "schedule", throttle_per_minute: "schedule", tracking_enabled: "schedule" };
      const field = Object.keys(error.fieldErrors).find((name) => owner[name.split(".")[0] ?? ""]);
      const step = field ? owner[field.split(".")[0] ?? ""] : undefined;
      if (step) {
        this.step = step;
        this.render(false);
      }
    }
    showErrors(this.form, error);
  }
}

customElements.define("rapport-campaign-wizard", RapportCampaignWizard);

declare global {
  interface HTMLElementTagNameMap {
    "rapport-campaign-wizard": RapportCampaignWizard;
  }
}
