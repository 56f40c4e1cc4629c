import type { Database } from "./db/client";
import type { Principal } from "./auth/principal";

// Bindings come from `wrangler types` (worker-configuration.d.ts), which reads wrangler.toml
// and the secret names in .dev.vars (JWT_SECRET).
export type Bindings = Env;

export type AppVariables = {
  requestId: string;
  db: Database;
  principal: Principal;
};

export type AppEnv = { Bindings: Bindings; Variables: AppVariables };
