import { DurableObject } from "cloudflare:workers";
import { ClientFrame, type HubEvent, type HubEventInput } from "./events";

// One instance per workspace (idFromName(workspaceId)). It numbers the workspace's events and
// fans them out over hibernating WebSockets, so idle connections cost nothing. Its state is
// derived: the sequence number lives in its own SQLite storage, everything else in D1.
export class WorkspaceHub extends DurableObject<Env> {
  private seq: number;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.seq = ctx.storage.kv.get<number>("seq") ?? 0;
  }

  async publish(input: HubEventInput): Promise<HubEvent> {
    this.seq += 1;
    this.ctx.storage.kv.put("seq", this.seq);
    const event: HubEvent = { seq: this.seq, at: new Date().toISOString(), ...input };
    const frame = JSON.stringify(event);
    for (const socket of this.ctx.getWebSockets()) {
      try {
        socket.send(frame);
      } catch {
        socket.close(1011, "send failed");
      }
    }
    return event;
  }

  connections(): number {
    return this.ctx.getWebSockets().length;
  }

  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") return new Response("Expected a WebSocket upgrade", { status: 426 });
    const userId = request.headers.get("x-rapport-actor") ?? "unknown";
    const pair = new WebSocketPair();
    this.ctx.acceptWebSocket(pair[1], [userId]);
    pair[1].send(JSON.stringify({ type: "hello", seq: this.seq }));
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  override async webSocketMessage(socket: WebSocket, message: string | ArrayBuffer): Promise<void> {
    let frame;
    try {
      frame = ClientFrame.safeParse(JSON.parse(typeof message === "string" ? message : new TextDecoder().decode(message)));
    } catch {
      frame = null;
    }
    if (!frame?.success) {
      socket.send(JSON.stringify({ type: "error", detail: "Unknown frame." }));
      return;
    }
    socket.send(JSON.stringify({ type: "pong", seq: this.seq }));
  }

  override async webSocketClose(socket: WebSocket, code: number): Promise<void> {
    socket.close(code === 1005 ? 1000 : code, "closing");
  }
}
