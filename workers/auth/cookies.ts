import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { accessTokenTtlSeconds } from "./access-token";
import { refreshTokenTtlMs } from "./refresh-token.service";

// The browser never sees tokens from script: access and refresh tokens live in httpOnly,
// SameSite=Strict cookies. The CSRF token is readable (double-submit): unsafe requests
// authenticated by cookie must echo it in X-CSRF-Token.
export const cookieNames = { access: "rapport_access", refresh: "rapport_refresh", csrf: "rapport_csrf" } as const;
export const csrfHeader = "x-csrf-token";

const accessPath = "/api";
const refreshPath = "/api/v1/auth";

function isSecureOrigin(c: Context): boolean {
  const url = new URL(c.req.url);
  return url.protocol === "https:" || url.hostname === "localhost" || url.hostname === "127.0.0.1";
}

export function setSessionCookies(c: Context, tokens: { accessToken: string; refreshToken: string; csrfToken: string }) {
  const secure = isSecureOrigin(c);
  setCookie(c, cookieNames.access, tokens.accessToken, { httpOnly: true, secure, sameSite: "Strict", path: accessPath, maxAge: accessTokenTtlSeconds });
  setCookie(c, cookieNames.refresh, tokens.refreshToken, {
    httpOnly: true,
    secure,
    sameSite: "Strict",
    path: refreshPath,
    maxAge: Math.floor(refreshTokenTtlMs / 1000),
  });
  setCookie(c, cookieNames.csrf, tokens.csrfToken, { httpOnly: false, secure, sameSite: "Strict", path: "/", maxAge: Math.floor(refreshTokenTtlMs / 1000) });
}

export function clearSessionCookies(c: Context) {
  const secure = isSecureOrigin(c);
  deleteCookie(c, cookieNames.access, { path: accessPath, secure });
  deleteCookie(c, cookieNames.refresh, { path: refreshPath, secure });
  deleteCookie(c, cookieNames.csrf, { path: "/", secure });
}

export function readCookie(c: Context, name: (typeof cookieNames)[keyof typeof cookieNames]): string | undefined {
  return getCookie(c, name);
}
