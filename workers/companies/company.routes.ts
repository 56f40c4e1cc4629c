import { createRoute } from "@hono/zod-openapi";
import { requireRole } from "../http/auth";
import { announce } from "../hub/publish";
import { serviceContext } from "../http/context";
import { etagFor, IfMatchHeader, parseIfMatch } from "../http/etag";
import { idParam } from "../http/fields";
import { authenticated, createRouter, jsonBody, jsonContent, problemResponses } from "../http/openapi";
import { PageQuery } from "../http/pagination";
import { ContactPage } from "../contacts/contact.schema";
import { listContacts } from "../contacts/contact.service";
import { CompanyCreate, CompanyListQuery, CompanyPage, CompanyPatch, CompanySchema } from "./company.schema";
import { createCompany, deleteCompany, getCompanyRow, listCompanies, restoreCompany, toCompany, updateCompany } from "./company.service";

const tags = ["Companies"];
const CompanyId = idParam("cmp", "01jd0000000000000000000000");

export const companyRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/companies",
      tags,
      summary: "List and search companies (cursor pagination)",
      security: authenticated,
      middleware: [requireRole("viewer")] as const,
      request: { query: CompanyListQuery },
      responses: { 200: jsonContent(CompanyPage, "One page of companies"), ...problemResponses(401, 422) },
    }),
    async (c) => c.json(await listCompanies(c.var.db, c.var.principal.workspaceId, c.req.valid("query"), Date.now()), 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/companies",
      tags,
      summary: "Create a company; its domain is unique in the workspace (409 with existing_id)",
      security: authenticated,
      middleware: [requireRole("member")] as const,
      request: { body: jsonBody(CompanyCreate, { name: 'UAB "Alfa"', domain: "alfa.lt", country: "LT", size_band: "11-50" }) },
      responses: { 201: jsonContent(CompanySchema, "Created"), ...problemResponses(400, 401, 403, 409, 415, 422) },
    }),
    async (c) => {
      const company = await createCompany(serviceContext(c), c.req.valid("json"));
      announce(c, "company.created", company.id, { name: company.name, version: company.version });
      c.header("etag", etagFor(company.version));
      c.header("location", `/api/v1/companies/${company.id}`);
      return c.json(company, 201);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/companies/{id}",
      tags,
      summary: "One company",
      security: authenticated,
      middleware: [requireRole("viewer")] as const,
      request: { params: CompanyId },
      responses: { 200: jsonContent(CompanySchema, "The company"), ...problemResponses(401, 404) },
    }),
    async (c) => {
      const company = toCompany(await getCompanyRow(c.var.db, c.var.principal.workspaceId, c.req.valid("param").id));
      c.header("etag", etagFor(company.version));
      return c.json(company, 200);
    },
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/companies/{id}",
      tags,
      summary: "Change a company (If-Match supported)",
      security: authenticated,
      middleware: [requireRole("member")] as const,
      request: { params: CompanyId, headers: IfMatchHeader, body: jsonBody(CompanyPatch, { industry: "Software" }) },
      responses: { 200: jsonContent(CompanySchema, "Updated"), ...problemResponses(400, 401, 403, 404, 409, 412, 415, 422) },
    }),
    async (c) => {
      const company = await updateCompany(serviceContext(c), c.req.valid("param").id, c.req.valid("json"), parseIfMatch(c.req.valid("header")["if-match"]));
      announce(c, "company.updated", company.id, { name: company.name, version: company.version });
      c.header("etag", etagFor(company.version));
      return c.json(company, 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/companies/{id}",
      tags,
      summary: "Move a company to recently deleted (restorable for 30 days); its people stay",
      security: authenticated,
      middleware: [requireRole("member")] as const,
      request: { params: CompanyId },
      responses: { 204: { description: "Deleted" }, ...problemResponses(401, 403, 404) },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      await deleteCompany(serviceContext(c), id);
      announce(c, "company.deleted", id);
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/companies/{id}/restore",
      tags,
      summary: "Bring back a company deleted in the last 30 days",
      security: authenticated,
      middleware: [requireRole("member")] as const,
      request: { params: CompanyId },
      responses: { 200: jsonContent(CompanySchema, "Restored"), ...problemResponses(401, 403, 404, 409, 410) },
    }),
    async (c) => {
      const company = await restoreCompany(serviceContext(c), c.req.valid("param").id);
      announce(c, "company.restored", company.id, { name: company.name, version: company.version });
      c.header("etag", etagFor(company.version));
      return c.json(company, 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/companies/{id}/contacts",
      tags,
      summary: "The company's people, by name",
      security: authenticated,
      middleware: [requireRole("viewer")] as const,
      request: { params: CompanyId, query: PageQuery },
      responses: { 200: jsonContent(ContactPage, "One page of contacts"), ...problemResponses(401, 404, 422) },
    }),
    async (c) => {
      const workspaceId = c.var.principal.workspaceId;
      const company = await getCompanyRow(c.var.db, workspaceId, c.req.valid("param").id);
      const { limit, cursor } = c.req.valid("query");
      return c.json(await listContacts(c.var.db, workspaceId, { limit, cursor, company_id: company.id, sort: "name" }, Date.now()), 200);
    },
  );
