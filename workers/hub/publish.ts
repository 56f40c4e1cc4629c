import type { HubEventInput } from "./events";

/**
 * Sends an event to the workspace's hub. Call it after the change is committed to D1: the
 * change stands even if the hub is unreachable, so a failed publish is logged, not thrown.
 */
export async function publishToWorkspace(env: Env, workspaceId: string, event: HubEventInput) {
  try {
    const hub = env.HUB.get(env.HUB.idFromName(workspaceId));
    await hub.publish(event);
  } catch (error) {
    console.error("Live event not delivered", event.type, event.id, error);
  }
}
