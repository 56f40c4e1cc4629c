import { z } from "@hono/zod-openapi";
import { roles } from "../db/schema";
import { CountryField, EmailField, LanguageField, PasswordField, PersonNameField, TimeZoneField } from "../http/fields";

export const SignupBody = z
  .object({
    workspace_name: z.string().trim().min(1, "Name your workspace.").max(120),
    name: PersonNameField,
    email: EmailField,
    password: PasswordField,
    language: LanguageField.optional(),
    time_zone: TimeZoneField.optional(),
    default_phone_country: CountryField.optional(),
  })
  .strict()
  .openapi("SignupBody");

export const LoginBody = z
  .object({
    email: EmailField,
    password: z.string().min(1, "Enter your password.").max(256),
    workspace_id: z.string().startsWith("ws_").max(64).optional(),
  })
  .strict()
  .openapi("LoginBody");

export const UserSchema = z
  .object({ id: z.string(), email: z.string(), name: z.string(), language: LanguageField, time_zone: z.string() })
  .openapi("User");

export const SessionSchema = z
  .object({
    access_token: z.string(),
    token_type: z.literal("Bearer"),
    expires_in: z.number().int(),
    user: UserSchema,
    workspace_id: z.string(),
    role: z.enum(roles),
  })
  .openapi("Session");

export const MeSchema = z
  .object({
    user: UserSchema.nullable(),
    api_key: z.object({ id: z.string(), scope: z.enum(["read", "write", "admin"]) }).nullable(),
    workspace: z.object({ id: z.string(), name: z.string() }),
    role: z.enum(roles),
    workspaces: z.array(z.object({ id: z.string(), name: z.string(), role: z.enum(roles) })),
  })
  .openapi("Me");

export const MePatch = z
  .object({ name: PersonNameField.optional(), language: LanguageField.optional(), time_zone: TimeZoneField.optional() })
  .strict()
  .refine((body) => Object.keys(body).length > 0, "Send at least one field to change.")
  .openapi("MePatch");

export type SignupInput = z.infer<typeof SignupBody>;
export type LoginInput = z.infer<typeof LoginBody>;
export type Session = z.infer<typeof SessionSchema>;
export type Me = z.infer<typeof MeSchema>;
export type User = z.infer<typeof UserSchema>;
