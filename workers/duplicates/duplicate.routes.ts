import { createRoute } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../env";
import { requireRole } from "../http/auth";
import { serviceContext } from "../http/context";
import { idParam } from "../http/fields";
import { authenticated, createRouter, jsonBody, jsonContent, problemResponses } from "../http/openapi";
import { hubOf, unwrap, writeContext } from "../hub/client";
import { announce } from "../hub/publish";
import { checkDuplicates, dismissCluster, getCluster, listClusters } from "./cluster.service";
import { CheckQuery, CheckResult, ClusterListQuery, ClusterPage, ClusterSchema, MergeBody, MergeResult, MergeSchema, ScanSchema, UndoResult } from "./duplicate.schema";
import { getMergeRow, mergeContacts, toMerge, undoMerge, type RelinkDeals } from "./merge.service";
import { getScan, requestScan } from "./scan.service";

const tags = ["Duplicates"];
const ClusterId = idParam("dup", "01jd0000000000000000000000");
const ScanId = idParam("dsc", "01jd0000000000000000000000");
const MergeId = idParam("mrg", "01jd0000000000000000000000");

/** Deals are written by the workspace hub only: a merge asks it to move their contact links. */
function relinkThroughHub(c: Context<AppEnv>): RelinkDeals {
  return async (changes) => {
    unwrap(await hubOf(c).relinkDealContacts(writeContext(c), changes));
  };
}

export const duplicateRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/duplicates/scan",
      tags,
      summary: "Scan the workspace for duplicate contacts (in the background); a scan already under way is returned instead",
      security: authenticated,
      middleware: [requireRole("member")] as const,
      responses: { 202: jsonContent(ScanSchema, "Queued"), ...problemResponses(401, 403) },
    }),
    async (c) => c.json(await requestScan(c.env, serviceContext(c)), 202),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/duplicates/scans/{id}",
      tags,
      summary: "A scan's progress and what it found",
      security: authenticated,
      middleware: [requireRole("viewer")] as const,
      request: { params: ScanId },
      responses: { 200: jsonContent(ScanSchema, "The scan"), ...problemResponses(401, 404) },
    }),
    async (c) => c.json(await getScan(c.var.db, c.var.principal.workspaceId, c.req.valid("param").id), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/duplicates",
      tags,
      summary: "Clusters of likely duplicates, highest score first, with the latest scan",
      security: authenticated,
      middleware: [requireRole("viewer")] as const,
      request: { query: ClusterListQuery },
      responses: { 200: jsonContent(ClusterPage, "One page of clusters"), ...problemResponses(401, 422) },
    }),
    async (c) => c.json(await listClusters(c.var.db, c.var.principal.workspaceId, c.req.valid("query")), 200),
  )
  // Before /duplicates/{id}: "check" is not a cluster id.
  .openapi(
    createRoute({
      method: "get",
      path: "/duplicates/check",
      tags,
      summary: "Existing contacts a contact about to be created would duplicate (same email or phone, similar name at the company or in the city)",
      security: authenticated,
      middleware: [requireRole("viewer")] as const,
      request: { query: CheckQuery },
      responses: { 200: jsonContent(CheckResult, "Likely duplicates, best first (at most 10)"), ...problemResponses(401, 422) },
    }),
    async (c) => c.json({ data: await checkDuplicates(c.var.db, c.var.principal.workspaceId, c.req.valid("query")) }, 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/duplicates/{id}",
      tags,
      summary: "One cluster with its contacts and the reasons for each pair",
      security: authenticated,
      middleware: [requireRole("viewer")] as const,
      request: { params: ClusterId },
      responses: { 200: jsonContent(ClusterSchema, "The cluster"), ...problemResponses(401, 404) },
    }),
    async (c) => c.json(await getCluster(c.var.db, c.var.principal.workspaceId, c.req.valid("param").id), 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/duplicates/{id}/dismiss",
      tags,
      summary: "Not duplicates: every pair of the cluster is remembered and never proposed again",
      security: authenticated,
      middleware: [requireRole("member")] as const,
      request: { params: ClusterId },
      responses: { 200: jsonContent(ClusterSchema, "Dismissed"), ...problemResponses(401, 403, 404, 409) },
    }),
    async (c) => {
      const cluster = await dismissCluster(serviceContext(c), c.req.valid("param").id);
      announce(c, "duplicates.updated", cluster.id, { cluster_id: cluster.id, status: cluster.status });
      return c.json(cluster, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/contacts/merge",
      tags,
      summary: "Merge up to nine duplicates into one contact; undoable for 30 days",
      description:
        "The primary survives. `fields` names, per field, the contact whose value survives; other fields keep the primary's value or, when it has none, the first duplicate's that has one. Emails, phones and tags are united. Activities, tasks, form submissions, consent records and deals move to the primary; the duplicates are deleted with `merged_into_id`.",
      security: authenticated,
      middleware: [requireRole("member")] as const,
      request: {
        body: jsonBody(MergeBody, {
          primary_id: "con_01jd0000000000000000000000",
          duplicate_ids: ["con_01jd0000000000000000000001"],
          fields: { job_title: "con_01jd0000000000000000000001" },
        }),
      },
      responses: { 200: jsonContent(MergeResult, "Merged"), ...problemResponses(400, 401, 403, 404, 409, 415, 422) },
    }),
    async (c) => {
      const result = await mergeContacts(serviceContext(c), c.req.valid("json"), relinkThroughHub(c));
      announce(c, "contacts.merged", result.merge.id, { primary_id: result.merge.primary_id, duplicate_ids: result.merge.duplicate_ids });
      if (result.clusterIds.length > 0) announce(c, "duplicates.updated", result.clusterIds[0] ?? result.merge.id, { cluster_ids: result.clusterIds, status: "merged" });
      return c.json({ merge: result.merge, contact: result.contact }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/merges/{id}",
      tags,
      summary: "A merge: who survived, who was merged, which contact each field came from, and until when it can be undone",
      security: authenticated,
      middleware: [requireRole("viewer")] as const,
      request: { params: MergeId },
      responses: { 200: jsonContent(MergeSchema, "The merge"), ...problemResponses(401, 404) },
    }),
    async (c) => c.json(toMerge(await getMergeRow(c.var.db, c.var.principal.workspaceId, c.req.valid("param").id)), 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/merges/{id}/undo",
      tags,
      summary: "Undo a merge: the duplicates come back with their links (within 30 days)",
      security: authenticated,
      middleware: [requireRole("member")] as const,
      request: { params: MergeId },
      responses: { 200: jsonContent(UndoResult, "Undone"), ...problemResponses(401, 403, 404, 409, 410) },
    }),
    async (c) => {
      const result = await undoMerge(serviceContext(c), c.req.valid("param").id, relinkThroughHub(c));
      const [primary, ...restored] = result.contacts;
      if (primary) announce(c, "contact.updated", primary.id, { display_name: primary.display_name, version: primary.version });
      for (const contact of restored) announce(c, "contact.restored", contact.id, { display_name: contact.display_name, version: contact.version });
      if (result.clusterIds.length > 0) announce(c, "duplicates.updated", result.clusterIds[0] ?? result.merge.id, { cluster_ids: result.clusterIds, status: "open" });
      return c.json({ merge: result.merge, contacts: result.contacts }, 200);
    },
  );
