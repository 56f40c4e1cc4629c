import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createDatabase } from "../../workers/db/client";
import { workspaces } from "../../workers/db/schema";
import { isVersionConflict, versionGuard } from "../../workers/db/version-guard";
import { signUp } from "../helpers/api";

describe("versionGuard", () => {
  it("rolls back the whole batch when the row moved on to another version", async () => {
    const owner = await signUp();
    const db = createDatabase(env.DB);
    const stale = db.batch([
      versionGuard(db, workspaces, owner.workspaceId, 7),
      db.update(workspaces).set({ name: "Stale write" }).where(eq(workspaces.id, owner.workspaceId)),
    ]);
    await expect(stale).rejects.toSatisfy(isVersionConflict);
    const [row] = await db.select().from(workspaces).where(eq(workspaces.id, owner.workspaceId));
    expect(row?.name).toBe("Acme Baltic");
    expect(row?.version).toBe(1);
  });

  it("lets the batch through when the version is the expected one", async () => {
    const owner = await signUp();
    const db = createDatabase(env.DB);
    await db.batch([
      versionGuard(db, workspaces, owner.workspaceId, 1),
      db.update(workspaces).set({ name: "Fresh write", version: 2 }).where(eq(workspaces.id, owner.workspaceId)),
    ]);
    const [row] = await db.select().from(workspaces).where(eq(workspaces.id, owner.workspaceId));
    expect(row).toMatchObject({ name: "Fresh write", version: 2 });
  });
});
