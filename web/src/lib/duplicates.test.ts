import { describe, expect, it } from "vitest";
import {
  buildMergeBody,
  checkKey,
  checkQuery,
  choicesAfterPrimaryChange,
  choosableFields,
  clusterReasons,
  comparableValue,
  defaultChoice,
  defaultChoices,
  defaultPrimary,
  differingFields,
  reasonKey,
  reviewKeyAction,
  scorePercent,
} from "./duplicates";

type Member = Parameters<typeof differingFields>[0][number];

function contact(id: string, fields: Partial<Member> = {}): Member {
  return {
    id,
    first_name: null,
    last_name: null,
    emails: [],
    phones: [],
    company: null,
    job_title: null,
    city: null,
    country: null,
    owner_id: null,
    lifecycle_stage: "lead",
    tags: [],
    consent: { status: "unknown", at: null, source: null, legal_basis: null },
    created_at: "2026-01-01T00:00:00.000Z",
    ...fields,
  };
}

const sarunas = contact("con_a", {
  first_name: "Šarūnas",
  last_name: "Jonaitis",
  emails: ["sarunas@baltic.lt"],
  phones: [{ e164: "+37061234567", raw: "+370 612 34567", label: null }],
  company: { id: "cmp_1", name: "UAB Baltic" },
  city: null,
  tags: ["vip"],
  created_at: "2026-01-02T00:00:00.000Z",
});
const lower = contact("con_b", {
  first_name: "sarunas",
  last_name: "jonaitis",
  emails: ["s.jonaitis@gmail.com"],
  phones: [{ e164: "+37061234567", raw: "8 612 34567", label: null }],
  company: { id: "cmp_1", name: "UAB Baltic" },
  city: "Vilnius",
  job_title: "Buyer",
  tags: ["VIP"],
  consent: { status: "granted", at: "2026-01-01T00:00:00.000Z", source: "form", legal_basis: null },
  created_at: "2026-01-01T00:00:00.000Z",
});

describe("differingFields", () => {
  it("flags a name spelled differently, different email sets, a city only one has, but not the same phone in two formats", () => {
    const differing = differingFields([sarunas, lower]);
    expect(differing.has("name")).toBe(true);
    expect(differing.has("emails")).toBe(true);
    expect(differing.has("city")).toBe(true);
    expect(differing.has("job_title")).toBe(true);
    expect(differing.has("phones")).toBe(false);
    expect(differing.has("company")).toBe(false);
  });

  it("compares tags and emails as sets regardless of case and order, and never flags creation times", () => {
    const a = contact("con_a", { tags: ["b", "A"], emails: ["X@y.lt", "z@y.lt"], created_at: "2026-01-01T00:00:00.000Z" });
    const b = contact("con_b", { tags: ["a", "B"], emails: ["z@y.lt", "x@y.lt"], created_at: "2026-03-01T00:00:00.000Z" });
    expect([...differingFields([a, b])]).toEqual([]);
  });

  it("treats an unknown consent as empty, so granted against unknown differs but unknown against unknown does not", () => {
    expect(comparableValue(contact("con_a"), "consent")).toBe("");
    expect(differingFields([contact("con_a"), contact("con_b")]).has("consent")).toBe(false);
    expect(differingFields([sarunas, lower]).has("consent")).toBe(true);
  });
});

describe("default primary and surviving values", () => {
  it("keeps the oldest record by default", () => {
    expect(defaultPrimary([sarunas, lower])).toBe("con_b");
    expect(defaultPrimary([])).toBeNull();
  });

  it("takes the primary's value when it has one, else the first member that has one", () => {
    expect(defaultChoice([sarunas, lower], "con_a", "name")).toBe("con_a");
    expect(defaultChoice([sarunas, lower], "con_a", "city")).toBe("con_b");
    expect(defaultChoice([sarunas, lower], "con_a", "consent")).toBe("con_b");
    expect(defaultChoice([sarunas, lower], "con_b", "city")).toBe("con_b");
  });

  it("falls back to the primary when nobody has a value", () => {
    expect(defaultChoice([sarunas, lower], "con_a", "country")).toBe("con_a");
  });

  it("gives every choosable field a choice", () => {
    expect(Object.keys(defaultChoices([sarunas, lower], "con_a")).sort()).toEqual([...choosableFields].sort());
  });

  it("keeps choices made by hand when the primary changes and re-derives the rest", () => {
    const first = defaultChoices([sarunas, lower], "con_b");
    const picked = { ...first, name: "con_a" };
    const next = choicesAfterPrimaryChange([sarunas, lower], picked, new Set(["name"]), "con_a");
    expect(next.name).toBe("con_a");
    expect(next.job_title).toBe("con_b"); // only con_b has one
    const untouched = choicesAfterPrimaryChange([sarunas, lower], picked, new Set(), "con_b");
    expect(untouched.name).toBe("con_b");
  });
});

describe("buildMergeBody", () => {
  it("names the primary, the other members as duplicates, the chosen contact per API field and the cluster", () => {
    const choices = { ...defaultChoices([sarunas, lower], "con_b"), name: "con_a" };
    const body = buildMergeBody({ contacts: [sarunas, lower], primaryId: "con_b", choices, clusterId: "dup_1" });
    expect(body.primary_id).toBe("con_b");
    expect(body.duplicate_ids).toEqual(["con_a"]);
    expect(body.cluster_id).toBe("dup_1");
    expect(body.fields.name).toBe("con_a");
    expect(body.fields.company_id).toBe("con_b");
    expect(body.fields.owner_id).toBe("con_b");
    expect(body.fields.email).toBe("con_b");
    expect(body.fields.phone).toBe("con_b");
    expect(Object.keys(body.fields)).toHaveLength(choosableFields.length);
  });

  it("leaves cluster_id out when merging without a cluster and never names a contact outside the merge", () => {
    const choices = { ...defaultChoices([sarunas, lower], "con_a"), city: "con_zzz" };
    const body = buildMergeBody({ contacts: [sarunas, lower], primaryId: "con_a", choices });
    expect("cluster_id" in body).toBe(false);
    expect(body.fields.city).toBe("con_a");
  });
});

describe("reasons and scores", () => {
  it("maps known reason codes to message keys and unknown ones to null", () => {
    expect(reasonKey("same_phone")).toBe("duplicates.reason.samePhone");
    expect(reasonKey("swapped_name")).toBe("duplicates.reason.swappedName");
    expect(reasonKey("brand_new_reason")).toBeNull();
  });

  it("lists each reason of a cluster once, in the order first given", () => {
    expect(clusterReasons([{ reasons: ["same_phone", "similar_name"] }, { reasons: ["same_email", "same_phone"] }])).toEqual(["same_phone", "similar_name", "same_email"]);
  });

  it("shows a score as a whole percentage within 0–100", () => {
    expect(scorePercent(0.934)).toBe(93);
    expect(scorePercent(1.2)).toBe(100);
    expect(scorePercent(-1)).toBe(0);
  });
});

describe("reviewKeyAction", () => {
  it("moves between clusters with j/k and the arrows, opens with Enter, dismisses with d", () => {
    expect(reviewKeyAction("j", false)).toEqual({ kind: "next" });
    expect(reviewKeyAction("ArrowUp", false)).toEqual({ kind: "previous" });
    expect(reviewKeyAction("Enter", false)).toEqual({ kind: "open" });
    expect(reviewKeyAction("d", false)).toEqual({ kind: "dismiss" });
  });

  it("in an open cluster moves between rows, picks a column with 1–9, merges with m and goes back with Escape", () => {
    expect(reviewKeyAction("j", true)).toEqual({ kind: "fieldDown" });
    expect(reviewKeyAction("k", true)).toEqual({ kind: "fieldUp" });
    expect(reviewKeyAction("2", true)).toEqual({ kind: "pick", index: 1 });
    expect(reviewKeyAction("m", true)).toEqual({ kind: "merge" });
    expect(reviewKeyAction("Escape", true)).toEqual({ kind: "close" });
  });

  it("ignores merge and number keys in the list, Enter in an open cluster, and other keys", () => {
    expect(reviewKeyAction("m", false)).toBeNull();
    expect(reviewKeyAction("1", false)).toBeNull();
    expect(reviewKeyAction("Enter", true)).toBeNull();
    expect(reviewKeyAction("0", true)).toBeNull();
    expect(reviewKeyAction("x", true)).toBeNull();
  });
});

describe("checkQuery for the create form", () => {
  const empty = { first_name: "", last_name: "", email: "", phone: "", company_id: "" };

  it("asks nothing until there is an email, a phone of six digits or a full name", () => {
    expect(checkQuery(empty)).toBeNull();
    expect(checkQuery({ ...empty, email: "ona@" })).toBeNull();
    expect(checkQuery({ ...empty, phone: "+370 6" })).toBeNull();
    expect(checkQuery({ ...empty, first_name: "Ona" })).toBeNull();
  });

  it("sends the trimmed values that are worth asking about, with the company when one is chosen", () => {
    expect(checkQuery({ ...empty, phone: " 8 612 34567 ", first_name: "Ona", company_id: "cmp_1" })).toEqual({ phone: "8 612 34567", company_id: "cmp_1" });
    expect(checkQuery({ ...empty, first_name: " Ona ", last_name: "Petraitė", email: "ona@x.lt" })).toEqual({ email: "ona@x.lt", first_name: "Ona", last_name: "Petraitė" });
  });

  it("gives the same key for the same question whatever the order", () => {
    expect(checkKey({ phone: "1", email: "a@b.lt" })).toBe(checkKey({ email: "a@b.lt", phone: "1" }));
    expect(checkKey(null)).toBe("");
  });
});
