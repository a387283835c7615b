/**
 * Test fixtures: a temporary socket root, real SDK services (rpc + admin sockets with echo,
 * streaming, SSE and WebSocket routes) and deliberately broken sockets (hang, garbage, huge or
 * invalid documents, slowloris), all on real Unix sockets.
 */
import { defineApi, defineMethod, HeroServer } from "@hero/sdk";

/** A temporary socket root, removed by `cleanup`. */
export async function tempRoot(): Promise<{ root: string; cleanup: () => Promise<void> }> {
  const root = await Deno.makeTempDir({ prefix: "hero_router_test_" });
  return { root, cleanup: () => Deno.remove(root, { recursive: true }).catch(() => {}) };
}

/** Waits until `check` returns a truthy value, polling every 10 ms, or fails after `ms`. */
export async function until<T>(
  check: () => T | Promise<T>,
  ms = 3000,
  what = "condition",
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`Timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Close codes the fixture WebSocket server received from its peers, in order. */
export const wsCloseCodes: number[] = [];

/** What the `/flood` WebSocket route saw: bytes still queued at the service after 700 ms. */
export const floodState = { buffered: -1 };

/** The admin handler of the fixture service: echo, streaming, SSE and a WebSocket echo. */
export function fixtureAdmin(request: Request): Promise<Response> {
  const url = new URL(request.url);
  if (url.pathname === "/flood") {
    const { socket, response } = Deno.upgradeWebSocket(request);
    socket.onopen = () => {
      for (let i = 0; i < 32; i++) socket.send(new Uint8Array(1024 * 1024));
      setTimeout(() => (floodState.buffered = socket.bufferedAmount), 700);
    };
    return Promise.resolve(response);
  }
  if (url.pathname === "/ws") {
    const { socket, response } = Deno.upgradeWebSocket(request, {
      protocol: request.headers.get("sec-websocket-protocol")?.split(",")[0]?.trim(),
    });
    socket.binaryType = "arraybuffer";
    socket.onclose = (e) => wsCloseCodes.push(e.code);
    socket.onmessage = (e) => {
      if (e.data === "close-me") socket.close(4321, "asked to close");
      else if (e.data === "big") socket.send("x".repeat(2 * 1024 * 1024));
      else socket.send(e.data);
    };
    response.headers.set("x-fixture", "ws");
    return Promise.resolve(response);
  }
  if (url.pathname === "/sse") {
    let i = 0;
    let timer: ReturnType<typeof setInterval> | undefined;
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        timer = setInterval(() => {
          c.enqueue(new TextEncoder().encode(`data: tick ${i++}\n\n`));
          if (i === 3) {
            clearInterval(timer);
            c.close();
          }
        }, 300);
      },
      cancel() {
        clearInterval(timer);
      },
    });
    return Promise.resolve(
      new Response(body, { headers: { "content-type": "text/event-stream" } }),
    );
  }
  if (url.pathname.startsWith("/echo")) {
    return (async () => {
      const headers: Record<string, string> = {};
      request.headers.forEach((v, k) => (headers[k] = v));
      const body = request.body ? await request.text() : "";
      return Response.json(
        { method: request.method, path: url.pathname, search: url.search, headers, body },
        {
          headers: {
            "x-fixture": "echo",
            connection: "x-secret",
            "x-secret": "leak",
            "keep-alive": "timeout=5",
          },
        },
      );
    })();
  }
  if (url.pathname === "/count") {
    // Streams the number of bytes received back once the request body ends.
    return (async () => {
      let n = 0;
      for await (const c of request.body!) n += c.byteLength;
      return Response.json({ received: n });
    })();
  }
  return Promise.resolve(
    new Response("<h1>fixture admin</h1>", { headers: { "content-type": "text/html" } }),
  );
}

/** Starts an SDK service named `name` under `root` with rpc and admin sockets. */
export async function startFixtureService(
  root: string,
  name: string,
  opts: { unhealthy?: boolean; web?: boolean } = {},
): Promise<HeroServer> {
  const api = defineApi({
    info: { title: `Fixture ${name}`, version: "1.2.3", description: "a test fixture" },
    methods: [
      defineMethod({
        name: "echo",
        params: [{ name: "text", schema: { type: "string" }, required: true }],
        result: { name: "text", schema: { type: "string" } },
        annotations: { readOnlyHint: true },
        handler: ({ text }: { text: string }) => text,
      }),
      defineMethod({
        name: "add",
        params: [{ name: "a", schema: { type: "number" } }, {
          name: "b",
          schema: { type: "number" },
        }],
        result: { name: "sum", schema: { type: "number" } },
        handler: ({ a, b }: { a: number; b: number }) => a + b,
      }),
    ],
  });
  const server = new HeroServer({
    name,
    api,
    socketRoot: root,
    admin: fixtureAdmin,
    ...(opts.web ? { web: { docs: fixtureAdmin } } : {}),
    health: () => (opts.unhealthy ? { status: "degraded", reason: "disk full" } : { status: "ok" }),
  });
  await server.start();
  return server;
}

/** A misbehaving socket and how to stop it. */
export interface BrokenSocket {
  path: string;
  close: () => Promise<void>;
}

/** The ways a fixture socket can misbehave. */
export type BrokenMode = "hang" | "garbage" | "slowloris" | "huge" | "invalid" | "deep";

/** Binds `<root>/<service>/rpc.sock` with a server that misbehaves as asked. */
export async function startBrokenSocket(
  root: string,
  service: string,
  mode: BrokenMode,
): Promise<BrokenSocket> {
  const dir = `${root}/${service}`;
  await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  const path = `${dir}/rpc.sock`;
  if (mode === "huge" || mode === "invalid" || mode === "deep") {
    const server = Deno.serve({ path, onListen() {} }, (req) => {
      const p = new URL(req.url).pathname;
      if (p === "/health") return Response.json({ status: "ok" });
      if (mode === "huge") {
        const chunk = new TextEncoder().encode("[" + "1,".repeat(32 * 1024) + "1]");
        let sent = 0;
        const body = new ReadableStream<Uint8Array>({
          pull(c) {
            if (sent++ > 2000) c.close();
            else c.enqueue(chunk);
          },
        });
        return new Response(body, { headers: { "content-type": "application/json" } });
      }
      if (mode === "deep") return new Response("[".repeat(100_000) + "]".repeat(100_000));
      return Response.json({ openrpc: "1.3.2", info: {}, methods: "not-an-array" });
    });
    return { path, close: () => server.shutdown() };
  }
  const listener = Deno.listen({ transport: "unix", path });
  const conns = new Set<Deno.Conn>();
  const serve = async (conn: Deno.Conn) => {
    conns.add(conn);
    try {
      if (mode === "garbage") {
        await conn.write(new TextEncoder().encode("\x00\xffNOT HTTP AT ALL\r\n\r\n\x13\x37"));
        conn.close();
      } else if (mode === "slowloris") {
        const head =
          "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n";
        for (const ch of head + "x".repeat(100000)) {
          await conn.write(new TextEncoder().encode(ch));
          await new Promise((r) => setTimeout(r, 100));
        }
      } else {
        // hang: read and never answer.
        const buf = new Uint8Array(1024);
        while ((await conn.read(buf)) !== null) { /* swallow */ }
      }
    } catch {
      /* closed */
    } finally {
      conns.delete(conn);
    }
  };
  (async () => {
    try {
      for await (const conn of listener) serve(conn);
    } catch { /* listener closed */ }
  })();
  return {
    path,
    close: async () => {
      try {
        listener.close();
      } catch { /* already closed */ }
      for (const c of conns) {
        try {
          c.close();
        } catch { /* already closed */ }
      }
      await Deno.remove(path).catch(() => {});
    },
  };
}

/** Leaves a stale socket file at `path`: bound by a process that was then killed with SIGKILL. */
export async function makeStaleSocket(path: string): Promise<void> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      `Deno.listen({ transport: "unix", path: ${
        JSON.stringify(path)
      } }); console.log("up"); setTimeout(() => {}, 60000);`,
    ],
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const reader = child.stdout.getReader();
  await reader.read();
  reader.releaseLock();
  child.kill("SIGKILL");
  await child.status;
  await child.stdout.cancel().catch(() => {});
}
