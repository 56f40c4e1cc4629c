import type { Context } from "hono";
import type { AppEnv } from "../env";
import { hubFor } from "./client";
import type { HubEventInput, HubEventType } from "./events";

/**
 * Sends an event to the workspace's hub. Call it after the change is committed to D1: the
 * change stands even if the hub is unreachable, so a failed publish is logged, not thrown.
 */
export async function publishToWorkspace(env: Env, workspaceId: string, event: HubEventInput) {
  try {
    await hubFor(env, workspaceId).publish(event);
  } catch (error) {
    console.error("Live event not delivered", event.type, event.id, error);
  }
}

/**
 * Tells everyone looking at the caller's workspace that a record changed; clients refetch it by
 * id. The change is already committed, so the response does not wait for the hub (waitUntil).
 */
export function announce(c: Context<AppEnv>, type: HubEventType, id: string, data: Record<string, unknown> = {}) {
  c.executionCtx.waitUntil(publishToWorkspace(c.env, c.var.principal.workspaceId, { type, id, actor: c.var.principal.id, data }));
}
