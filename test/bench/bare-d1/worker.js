// A Worker with no Hono, no middleware and no app code: the control for `npm run bench`.
// /base does no I/O; the others make exactly the D1 round trips their names say.
export default {
  async fetch(request, env) {
    const { pathname } = new URL(request.url);
    if (pathname === "/base") return Response.json({ status: "ok" });
    if (pathname === "/one") return Response.json(await env.DB.prepare("SELECT 1 AS one").first());
    if (pathname === "/two") {
      await env.DB.prepare("SELECT 1 AS one").first();
      return Response.json(await env.DB.prepare("SELECT 2 AS two").first());
    }
    if (pathname === "/batch") {
      const [a, b] = await env.DB.batch([env.DB.prepare("SELECT 1 AS one"), env.DB.prepare("SELECT 2 AS two")]);
      return Response.json([a.results, b.results]);
    }
    return new Response("not found", { status: 404 });
  },
};
