import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { problems } from "./problem";

const jsonMediaType = /^application\/([\w.-]+\+)?json$/i;
const methodsWithBody = new Set(["POST", "PUT", "PATCH", "DELETE"]);

function hasBody(request: Request): boolean {
  const length = request.headers.get("content-length");
  if (length !== null) return Number(length) > 0;
  return request.body !== null;
}

// The JSON API accepts JSON bodies only; anything else is a 415, never a silent empty object.
export function requireJsonBody(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (methodsWithBody.has(c.req.method) && hasBody(c.req.raw)) {
      const contentType = c.req.header("content-type") ?? "";
      const mediaType = contentType.split(";")[0]?.trim() ?? "";
      if (!jsonMediaType.test(mediaType)) throw problems.unsupportedMediaType(mediaType);
    }
    await next();
  };
}
