import { createRoute } from "@hono/zod-openapi";
import { requireRole } from "../http/auth";
import { serviceContext } from "../http/context";
import { etagFor, IfMatchHeader, parseIfMatch } from "../http/etag";
import { idParam } from "../http/fields";
import { authenticated, createRouter, jsonBody, jsonContent, problemResponses } from "../http/openapi";
import { hubOf, unwrap, writeContext } from "../hub/client";
import { DealCreate, DealListQuery, DealMove, DealPage, DealPatch, DealSchema, ExchangeRateList, ExchangeRatesBody, StageChangeList } from "./deal.schema";
import { dealHistory, getDeal, listDeals, toDeal } from "./deal.service";
import { listExchangeRates, replaceExchangeRates } from "./exchange-rate.service";
import { getWorkspaceRow } from "../workspaces/workspace.service";

const tags = ["Pipeline"];
const DealId = idParam("deal", "01jd0000000000000000000000");

export const dealRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/deals",
      tags,
      summary: "Deals, newest first, filtered by pipeline, stage, owner, status, contact or company",
      security: authenticated,
      middleware: [requireRole("viewer")] as const,
      request: { query: DealListQuery },
      responses: { 200: jsonContent(DealPage, "One page of deals"), ...problemResponses(401, 422) },
    }),
    async (c) => c.json(await listDeals(c.var.db, c.var.principal.workspaceId, c.req.valid("query")), 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/deals",
      tags,
      summary: "Create a deal (at the end of its stage)",
      security: authenticated,
      middleware: [requireRole("member")] as const,
      request: { body: jsonBody(DealCreate, { title: "CRM rollout for Alfa", value: 1250000, currency: "EUR" }) },
      responses: { 201: jsonContent(DealSchema, "Created"), ...problemResponses(400, 401, 403, 415, 422) },
    }),
    async (c) => {
      const deal = unwrap(await hubOf(c).createDeal(writeContext(c), c.req.valid("json")));
      c.header("etag", etagFor(deal.version));
      c.header("location", `/api/v1/deals/${deal.id}`);
      return c.json(deal, 201);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/deals/{id}",
      tags,
      summary: "One deal",
      security: authenticated,
      middleware: [requireRole("viewer")] as const,
      request: { params: DealId },
      responses: { 200: jsonContent(DealSchema, "The deal"), ...problemResponses(401, 404) },
    }),
    async (c) => {
      const deal = toDeal(await getDeal(c.var.db, c.var.principal.workspaceId, c.req.valid("param").id));
      c.header("etag", etagFor(deal.version));
      return c.json(deal, 200);
    },
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/deals/{id}",
      tags,
      summary: "Change a deal's fields (moves go through /move)",
      security: authenticated,
      middleware: [requireRole("member")] as const,
      request: { params: DealId, headers: IfMatchHeader, body: jsonBody(DealPatch, { value: 1500000 }) },
      responses: { 200: jsonContent(DealSchema, "Updated"), ...problemResponses(400, 401, 403, 404, 409, 412, 415, 422) },
    }),
    async (c) => {
      const deal = unwrap(await hubOf(c).updateDeal(writeContext(c), c.req.valid("param").id, c.req.valid("json"), parseIfMatch(c.req.valid("header")["if-match"])));
      c.header("etag", etagFor(deal.version));
      return c.json(deal, 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/deals/{id}",
      tags,
      summary: "Delete a deal",
      security: authenticated,
      middleware: [requireRole("member")] as const,
      request: { params: DealId },
      responses: { 204: { description: "Deleted" }, ...problemResponses(401, 403, 404) },
    }),
    async (c) => {
      unwrap(await hubOf(c).deleteDeal(writeContext(c), c.req.valid("param").id));
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/deals/{id}/move",
      tags,
      summary: "Move a deal to a stage, before or after another deal; a stale version answers 409 with the current deal",
      security: authenticated,
      middleware: [requireRole("member")] as const,
      request: { params: DealId, body: jsonBody(DealMove, { stage_id: "stg_01jd0000000000000000000000", version: 1 }) },
      responses: { 200: jsonContent(DealSchema, "Moved"), ...problemResponses(400, 401, 403, 404, 409, 415, 422) },
    }),
    async (c) => {
      const deal = unwrap(await hubOf(c).moveDeal(writeContext(c), c.req.valid("param").id, c.req.valid("json")));
      c.header("etag", etagFor(deal.version));
      return c.json(deal, 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/deals/{id}/history",
      tags,
      summary: "Every stage the deal has been in, newest first",
      security: authenticated,
      middleware: [requireRole("viewer")] as const,
      request: { params: DealId },
      responses: { 200: jsonContent(StageChangeList, "Stage changes"), ...problemResponses(401, 404) },
    }),
    async (c) => c.json({ data: await dealHistory(c.var.db, c.var.principal.workspaceId, c.req.valid("param").id) }, 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/exchange-rates",
      tags,
      summary: "Exchange rates into the workspace's base currency",
      security: authenticated,
      middleware: [requireRole("viewer")] as const,
      responses: { 200: jsonContent(ExchangeRateList, "Rates"), ...problemResponses(401) },
    }),
    async (c) => {
      const workspace = await getWorkspaceRow(c.var.db, c.var.principal.workspaceId);
      return c.json({ base_currency: workspace.defaultCurrency, rates: await listExchangeRates(c.var.db, workspace.id) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "put",
      path: "/exchange-rates",
      tags,
      summary: "Replace the exchange rates (admins); board totals use the latest rate in force",
      security: authenticated,
      middleware: [requireRole("admin")] as const,
      request: { body: jsonBody(ExchangeRatesBody, { rates: [{ currency: "USD", rate: "0.92", valid_from: "2026-11-01" }] }) },
      responses: { 200: jsonContent(ExchangeRateList, "Rates"), ...problemResponses(400, 401, 403, 415, 422) },
    }),
    async (c) => {
      const rates = await replaceExchangeRates(serviceContext(c), c.req.valid("json").rates);
      await hubOf(c).invalidate();
      const workspace = await getWorkspaceRow(c.var.db, c.var.principal.workspaceId);
      return c.json({ base_currency: workspace.defaultCurrency, rates }, 200);
    },
  );
