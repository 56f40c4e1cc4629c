// The workspace's live event stream (GET /api/v1/live, cookie-authenticated WebSocket). Events are
// re-broadcast as window events; a reconnect or a seq gap broadcasts "resync" so views refetch.
import { type LiveEvent, missedEvents, type NotificationFrame, type NotificationsReadFrame, parseLiveFrame, type PresenceFrame, reconnectDelay } from "../lib/live-frame";
import { api } from "./client";

export const liveEvent = "rapport:live";
export type LiveSignal = LiveEvent | { type: "resync" };
export const presenceEvent = "rapport:presence";
// The signed-in person's own notifications (reminders, digests, assignments), as they are created.
export const notificationEvent = "rapport:notification";
// The same person marked notifications read in another tab or on another device (this tab's own
// marks come back too; applying them again changes nothing).
export const notificationsReadEvent = "rapport:notifications-read";

// What this tab is looking at; sent again after every reconnect (the hub forgets closed sockets).
let watching: string | null = null;

let socket: WebSocket | null = null;
let wanted = false;
let attempt = 0;
let lastSeq: number | null = null;
let retryTimer: ReturnType<typeof setTimeout> | undefined;
let pingTimer: ReturnType<typeof setInterval> | undefined;

function emit(signal: LiveSignal): void {
  window.dispatchEvent(new CustomEvent<LiveSignal>(liveEvent, { detail: signal }));
}

function open(): void {
  const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/api/v1/live`;
  const current = new WebSocket(url);
  socket = current;
  current.addEventListener("open", () => {
    attempt = 0;
    if (watching) current.send(JSON.stringify({ type: "watch", target: watching }));
    pingTimer = setInterval(() => current.send('{"type":"ping"}'), 25_000);
  });
  current.addEventListener("message", (message) => {
    if (typeof message.data !== "string") return;
    const frame = parseLiveFrame(message.data);
    if (!frame) return;
    if (missedEvents(lastSeq, frame)) emit({ type: "resync" });
    lastSeq = frame.seq;
    if (frame.type === "notification") window.dispatchEvent(new CustomEvent<NotificationFrame>(notificationEvent, { detail: frame }));
    else if (frame.type === "notifications.read") window.dispatchEvent(new CustomEvent<NotificationsReadFrame>(notificationsReadEvent, { detail: frame }));
    else if ("id" in frame) emit(frame);
    else if (frame.type === "presence") window.dispatchEvent(new CustomEvent<PresenceFrame>(presenceEvent, { detail: frame }));
  });
  current.addEventListener("close", () => {
    clearInterval(pingTimer);
    if (socket === current) socket = null;
    if (!wanted) return;
    clearTimeout(retryTimer);
    retryTimer = setTimeout(() => {
      // A handshake refused for an expired access cookie looks like any close: a cheap
      // authenticated call lets the client refresh the session before reconnecting.
      api
        .me()
        .then(() => {
          if (wanted && !socket) open();
        })
        .catch(() => undefined);
    }, reconnectDelay(attempt++, Math.random()));
  });
}

export function startLive(): void {
  wanted = true;
  if (!socket && typeof WebSocket !== "undefined") open();
}

export function stopLive(): void {
  wanted = false;
  clearTimeout(retryTimer);
  clearInterval(pingTimer);
  lastSeq = null;
  socket?.close(1000);
  socket = null;
}

export function isLiveSignal(event: Event): event is CustomEvent<LiveSignal> {
  return event instanceof CustomEvent && event.type === liveEvent;
}

/** Tells teammates what this tab shows ("pipeline:pip_…", "deal:deal_…") or, with null, nothing. */
export function watch(target: string | null): void {
  if (watching === target) return;
  watching = target;
  if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: "watch", target }));
}

export function isNotificationsReadSignal(event: Event): event is CustomEvent<NotificationsReadFrame> {
  return event instanceof CustomEvent && event.type === notificationsReadEvent;
}

export function isPresenceSignal(event: Event): event is CustomEvent<PresenceFrame> {
  return event instanceof CustomEvent && event.type === presenceEvent;
}
