import { createRoute } from "@hono/zod-openapi";
import type { Context } from "hono";
import { actorOf } from "../auth/principal";
import type { AppEnv } from "../env";
import { requireRole } from "../http/auth";
import { serviceContext } from "../http/context";
import { etagFor, IfMatchHeader, parseIfMatch } from "../http/etag";
import { idParam } from "../http/fields";
import { authenticated, createRouter, jsonBody, jsonContent, problemResponses } from "../http/openapi";
import { announce } from "../hub/publish";
import { TaskCreate, TaskListQuery, TaskPage, TaskPatch, TaskSchema } from "./task.schema";
import { createTask, deleteTask, getTask, listTasks, notifyTaskAssigned, toTask, updateTask, type TaskWrite } from "./task.service";

const tags = ["Tasks"];
const TaskId = idParam("tsk", "01jd0000000000000000000000");

/** Live events and the assignee's notification, all after the write committed. */
function announceWrite(c: Context<AppEnv>, type: "task.created" | "task.updated", write: TaskWrite, now: number) {
  if (!write.changed) return;
  announce(c, type, write.task.id, { title: write.task.title, status: write.task.status, version: write.task.version });
  if (write.next) announce(c, "task.created", write.next.id, { title: write.next.title, status: write.next.status, version: write.next.version, previous_id: write.task.id });
  if (write.assignedTo) {
    c.executionCtx.waitUntil(
      notifyTaskAssigned(c.env, c.var.db, { workspaceId: c.var.principal.workspaceId, task: write.task, assigneeId: write.assignedTo, actor: actorOf(c.var.principal), now }),
    );
  }
}

export const taskRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/tasks",
      tags,
      summary: "List tasks: by due time (undated last), or a record's tasks newest first",
      description:
        "Without contact_id, company_id or deal_id the tasks come by due time, earliest first, undated ones last. With one of them, that record's tasks come newest first. `status` defaults to open; `assignee_id=me` lists the caller's own.",
      security: authenticated,
      middleware: [requireRole("viewer")] as const,
      request: { query: TaskListQuery },
      responses: { 200: jsonContent(TaskPage, "One page of tasks"), ...problemResponses(401, 422) },
    }),
    async (c) => c.json(await listTasks(c.var.db, actorOf(c.var.principal), c.req.valid("query")), 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/tasks",
      tags,
      summary: "Create a task; it is assigned to its creator unless assignee_id says otherwise",
      security: authenticated,
      middleware: [requireRole("member")] as const,
      request: { body: jsonBody(TaskCreate, { title: "Send the offer", due_at: "2026-11-22T07:00:00.000Z", reminder_offsets: [0, 60], contact_id: "con_01jd0000000000000000000000" }) },
      responses: { 201: jsonContent(TaskSchema, "Created"), ...problemResponses(400, 401, 403, 415, 422) },
    }),
    async (c) => {
      const ctx = serviceContext(c);
      const write = await createTask(ctx, c.req.valid("json"));
      announceWrite(c, "task.created", write, ctx.now);
      c.header("etag", etagFor(write.task.version));
      c.header("location", `/api/v1/tasks/${write.task.id}`);
      return c.json(write.task, 201);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/tasks/{id}",
      tags,
      summary: "One task",
      security: authenticated,
      middleware: [requireRole("viewer")] as const,
      request: { params: TaskId },
      responses: { 200: jsonContent(TaskSchema, "The task"), ...problemResponses(401, 404) },
    }),
    async (c) => {
      const found = await getTask(c.var.db, c.var.principal.workspaceId, c.req.valid("param").id);
      c.header("etag", etagFor(found.row.version));
      return c.json(toTask(found.row, found), 200);
    },
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/tasks/{id}",
      tags,
      summary: "Change a task (If-Match supported); completing a repeating task creates the next one",
      security: authenticated,
      middleware: [requireRole("member")] as const,
      request: { params: TaskId, headers: IfMatchHeader, body: jsonBody(TaskPatch, { status: "done" }) },
      responses: { 200: jsonContent(TaskSchema, "Updated"), ...problemResponses(400, 401, 403, 404, 409, 412, 415, 422) },
    }),
    async (c) => {
      const ctx = serviceContext(c);
      const write = await updateTask(ctx, c.req.valid("param").id, c.req.valid("json"), parseIfMatch(c.req.valid("header")["if-match"]));
      announceWrite(c, "task.updated", write, ctx.now);
      c.header("etag", etagFor(write.task.version));
      return c.json(write.task, 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/tasks/{id}",
      tags,
      summary: "Delete a task (its pending reminders go with it)",
      security: authenticated,
      middleware: [requireRole("member")] as const,
      request: { params: TaskId },
      responses: { 204: { description: "Deleted" }, ...problemResponses(401, 403, 404, 409) },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      await deleteTask(serviceContext(c), id);
      announce(c, "task.deleted", id);
      return c.body(null, 204);
    },
  );
