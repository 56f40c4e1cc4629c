import { z } from "@hono/zod-openapi";
import { stageKinds } from "../db/schema";
import { TimestampField } from "../http/fields";

export const StageInput = z
  .object({
    id: z.string().startsWith("stg_").max(64).optional().openapi({ description: "An existing stage's id; omit for a new stage." }),
    name: z.string().trim().min(1, "Name the stage.").max(60),
    probability: z.number().int().min(0).max(100),
    kind: z.enum(stageKinds).default("open"),
    rotting_days: z.number().int().min(1).max(3650).nullable().optional(),
  })
  .strict()
  .openapi("StageInput");

const stageList = z
  .array(StageInput)
  .min(1)
  .max(30)
  .refine((list) => list.some((stage) => stage.kind === "open"), "A pipeline needs at least one open stage.");

export const PipelineCreate = z.object({ name: z.string().trim().min(1, "Name the pipeline.").max(80), stages: stageList }).strict().openapi("PipelineCreate");

export const PipelinePatch = z
  .object({
    name: z.string().trim().min(1).max(80).optional(),
    position: z.number().int().min(0).max(1000).optional(),
    stages: stageList.optional().openapi({ description: "The full, ordered stage list. A stage left out is deleted; if it holds deals, name where they go in move_deals_to." }),
    move_deals_to: z
      .record(z.string().startsWith("stg_"), z.string().startsWith("stg_"))
      .optional()
      .openapi({ description: "For each removed stage that holds deals: the stage (of this pipeline) to move them to." }),
  })
  .strict()
  .openapi("PipelinePatch");

export const StageSchema = z
  .object({ id: z.string(), name: z.string(), position: z.number().int(), probability: z.number().int(), kind: z.enum(stageKinds), rotting_days: z.number().int().nullable() })
  .openapi("Stage");

export const PipelineSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    position: z.number().int(),
    is_default: z.boolean(),
    stages: z.array(StageSchema),
    version: z.number().int(),
    created_at: TimestampField,
    updated_at: TimestampField,
  })
  .openapi("Pipeline");

export const PipelineList = z.object({ data: z.array(PipelineSchema) }).openapi("PipelineList");

export const DeletePipelineQuery = z.object({
  move_deals_to: z
    .string()
    .startsWith("stg_")
    .max(64)
    .optional()
    .openapi({ param: { name: "move_deals_to", in: "query" }, description: "A stage of another pipeline to move this pipeline's deals to." }),
});

export type Pipeline = z.infer<typeof PipelineSchema>;
export type Stage = z.infer<typeof StageSchema>;
export type PipelineCreateInput = z.infer<typeof PipelineCreate>;
export type PipelinePatchInput = z.infer<typeof PipelinePatch>;
