import jwt from "@tsndr/cloudflare-worker-jwt";
import { z } from "zod";

export const accessTokenTtlSeconds = 15 * 60;

export type TokenConfig = { secret: string; issuer: string; audience: string };

const claimsSchema = z.object({
  sub: z.string().startsWith("usr_"),
  wid: z.string().startsWith("ws_"),
  iss: z.string(),
  aud: z.union([z.string(), z.array(z.string())]),
  exp: z.number(),
  iat: z.number(),
});

export type AccessClaims = { userId: string; workspaceId: string };

export async function signAccessToken(config: TokenConfig, claims: AccessClaims, nowMs: number): Promise<string> {
  const iat = Math.floor(nowMs / 1000);
  return jwt.sign(
    { sub: claims.userId, wid: claims.workspaceId, iss: config.issuer, aud: config.audience, iat, exp: iat + accessTokenTtlSeconds },
    config.secret,
    { algorithm: "HS256" },
  );
}

// The algorithm is pinned to HS256 (a token claiming `none` or RS256 fails), and issuer,
// audience and expiry are all checked; any failure means "no valid token".
export async function verifyAccessToken(config: TokenConfig, token: string, nowMs: number): Promise<AccessClaims | null> {
  let decoded;
  try {
    decoded = await jwt.verify(token, config.secret, { algorithm: "HS256", throwError: false });
  } catch {
    return null;
  }
  if (!decoded || decoded.header?.alg !== "HS256") return null;
  const parsed = claimsSchema.safeParse(decoded.payload);
  if (!parsed.success) return null;
  const claims = parsed.data;
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (claims.iss !== config.issuer || !audiences.includes(config.audience)) return null;
  if (claims.exp * 1000 <= nowMs) return null;
  return { userId: claims.sub, workspaceId: claims.wid };
}
