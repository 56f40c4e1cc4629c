import type { Context } from "hono";
import type { AppEnv } from "../env";
import { actorOf } from "../auth/principal";
import { ProblemError } from "../http/problem";
import type { HubResult, WriteContext } from "./workspace-hub";

/** A workspace's hub (native RPC stub): one Durable Object per workspace, named by its id. */
export function hubFor(env: Env, workspaceId: string) {
  return env.HUB.get(env.HUB.idFromName(workspaceId));
}

/** The calling workspace's hub. */
export function hubOf(c: Context<AppEnv>) {
  return hubFor(c.env, c.var.principal.workspaceId);
}

export function writeContext(c: Context<AppEnv>): WriteContext {
  return { actor: actorOf(c.var.principal), requestId: c.var.requestId };
}

/** Problems cross the RPC boundary as data (class identity does not survive it) and are rethrown here. */
export function unwrap<T>(result: HubResult<T>): T {
  if (result.ok) return result.value;
  throw new ProblemError(result.problem);
}
