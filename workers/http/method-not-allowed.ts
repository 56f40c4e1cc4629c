// Hono answers an unmatched method with 404; the API contract wants 405 with Allow when the
// path exists under another method. This finds those methods from the registered routes.
type RouteInfo = { method: string; path: string };

function toPattern(path: string): RegExp {
  const escaped = path
    .split("/")
    .map((segment) => (segment.startsWith(":") ? "[^/]+" : segment === "*" ? ".*" : segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
    .join("/");
  return new RegExp(`^${escaped}/?$`);
}

export function methodIndex(routes: readonly RouteInfo[]) {
  const entries = routes.filter((route) => route.method !== "ALL").map((route) => ({ method: route.method, pattern: toPattern(route.path) }));
  return (path: string): string[] => {
    const methods = new Set(entries.filter((entry) => entry.pattern.test(path)).map((entry) => entry.method));
    return [...methods].sort();
  };
}
