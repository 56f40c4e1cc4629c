import type { HubEventInput } from "./events";

/** Sends an event to the workspace's hub. Call it after the change is committed to D1. */
export async function publishToWorkspace(env: Env, workspaceId: string, event: HubEventInput) {
  const hub = env.HUB.get(env.HUB.idFromName(workspaceId));
  await hub.publish(event);
}
