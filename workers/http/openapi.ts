import { OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { validationProblem } from "./validation";

// Every sub-app is created here so that one validation hook turns zod failures into 422
// problem+json with field pointers, for bodies, queries and path parameters alike.
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw validationProblem(result.error, result.target);
    },
  });
}

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string(),
    request_id: z.string(),
    errors: z
      .array(z.object({ pointer: z.string().optional(), parameter: z.string().optional(), code: z.string().optional(), detail: z.string() }))
      .optional(),
  })
  .passthrough()
  .openapi("Problem");

const problemDescriptions = {
  400: "Malformed request (for example broken JSON)",
  401: "Missing or invalid credentials",
  403: "The credential's role does not allow this",
  404: "No such resource in this workspace",
  409: "Conflicts with the current state",
  410: "No longer available",
  412: "If-Match does not match the current version",
  413: "Body larger than 1 MB",
  415: "Body is not JSON",
  422: "Validation failed",
  429: "Too many requests; see Retry-After",
  503: "A dependency (the database) is not reachable",
} as const;

type ProblemStatus = keyof typeof problemDescriptions;

export function problemResponses<const S extends ProblemStatus>(...statuses: S[]) {
  const out = {} as Record<S, { description: string; content: { "application/problem+json": { schema: typeof ProblemSchema } } }>;
  for (const status of statuses) {
    out[status] = { description: problemDescriptions[status], content: { "application/problem+json": { schema: ProblemSchema } } };
  }
  return out;
}

export function jsonContent<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { "application/json": { schema } } };
}

export function jsonBody<T extends z.ZodType>(schema: T, example: z.input<T>) {
  return { required: true, content: { "application/json": { schema, example } } };
}

// Security requirement lists used by routes; public routes say so explicitly with `[]`.
export const authenticated: Record<string, string[]>[] = [{ bearer: [] }, { cookie: [] }];
export const publicRoute: [] = [];
