import { z } from "@hono/zod-openapi";
import { apiKeyScopes } from "../db/schema";
import { TimestampField } from "../http/fields";
import { pageOf } from "../http/pagination";

export const ApiKeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    scope: z.enum(apiKeyScopes),
    prefix: z.string().openapi({ description: "The first characters of the key, to tell keys apart." }),
    created_by: z.string(),
    created_at: TimestampField,
    last_used_at: TimestampField.nullable(),
  })
  .openapi("ApiKey");

export const ApiKeyPage = pageOf(ApiKeySchema, "ApiKeyPage");

export const CreatedApiKeySchema = ApiKeySchema.extend({
  key: z.string().openapi({ description: "The secret key. Shown once; only its hash is stored." }),
}).openapi("CreatedApiKey");

export const ApiKeyBody = z
  .object({ name: z.string().trim().min(1, "Name the key after what uses it.").max(80), scope: z.enum(apiKeyScopes) })
  .strict()
  .openapi("ApiKeyBody");

export type ApiKey = z.infer<typeof ApiKeySchema>;
export type CreatedApiKey = z.infer<typeof CreatedApiKeySchema>;
