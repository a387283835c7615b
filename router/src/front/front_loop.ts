/**
 * An extra event loop of the router's TCP front, run as a Deno worker: it accepts on the main
 * loop's port (`SO_REUSEPORT`), reads and checks heads as the main front does, relays what the
 * main loop routes to a service (`loop_routes.ts`) and sends everything else to the main
 * loop's app socket. Why: one event loop saturates one core; on a busy machine the queue in
 * front of it is what makes the slowest requests slow.
 */
/// <reference lib="deno.worker" />
import type { FromLoop, ToLoop } from "./loop_protocol.ts";
import { LoopRoutes } from "./loop_routes.ts";
import { TcpFront } from "./tcp_front.ts";

/** How often what was relayed is reported to the main loop. */
const REPORT_MS = 250;

let routes: LoopRoutes | undefined;
let front: TcpFront | undefined;
let proxied: (string | number)[] = [];
let reported = { fast: 0, app: 0 };
let timer: ReturnType<typeof setInterval> | undefined;

function post(message: FromLoop): void {
  self.postMessage(message);
}

function report(): void {
  if (!front) return;
  const { fast, app } = front.counts;
  if (proxied.length === 0 && fast === reported.fast && app === reported.app) return;
  post({ type: "tally", proxied, fast: fast - reported.fast, app: app - reported.app });
  proxied = [];
  reported = { fast, app };
}

self.onmessage = async (event: MessageEvent<ToLoop>) => {
  const message = event.data;
  if (message.type === "answer") routes?.answered(message);
  else if (message.type === "init") {
    routes = new LoopRoutes((ask) => post(ask), message.generation, (service, status, started) => {
      proxied.push(service, status, (performance.now() - started) / 1000);
    });
    front = TcpFront.attach({
      fastPath: routes.fastPath,
      appSocket: message.appSocket,
      limits: {
        maxHeaderBytes: message.maxHeaderBytes,
        requestTimeoutMs: message.requestTimeoutMs,
      },
    });
    try {
      await front.listen(message.hostname, message.port, { reusePort: true });
      timer = setInterval(report, REPORT_MS);
      post({ type: "ready" });
    } catch (err) {
      post({ type: "ready", error: err instanceof Error ? err.message : String(err) });
    }
  } else if (message.type === "close") {
    clearInterval(timer);
    await front?.close();
    report();
    routes?.close();
    post({ type: "closed" });
  }
};
