/**
 * The admin's deploy actions (`POST api/deploys/<service>/deploy|rollback`), mapped onto
 * hero_proc's own `deploy.*` methods; the caller already passed the admin session check.
 */

const OPS: Record<string, { method: string; fields: string[] }> = {
  deploy: { method: "deploy.start", fields: ["repo", "ref", "build"] },
  rollback: { method: "deploy.rollback", fields: ["sha"] },
};

/** Runs one deploy action; the body is JSON with the method's string fields. */
export async function deployAction(
  call: (method: string, params?: Record<string, unknown>) => Promise<unknown>,
  parts: string[],
  request: Request,
): Promise<Response> {
  const op = OPS[parts[2]];
  if (parts.length !== 3 || !op) {
    return Response.json({ error: `Not found: api/${parts.join("/")}` }, { status: 404 });
  }
  let body: Record<string, unknown> = {};
  const text = await request.text();
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      return Response.json({ error: "The body must be JSON" }, { status: 400 });
    }
  }
  const params: Record<string, unknown> = { service: parts[1] };
  for (const f of op.fields) {
    const v = body[f];
    if (typeof v === "string" && v.trim()) params[f] = v.trim();
  }
  const seconds = Number(body.health_timeout_s);
  if (op.method === "deploy.start" && body.health_timeout_s && seconds > 0) {
    params.health_timeout_ms = Math.round(seconds * 1000);
  }
  return Response.json(await call(op.method, params));
}
