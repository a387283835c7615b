/**
 * WebSocket echo load for the proxy bench: CONNECTIONS clients each send a 128-byte text
 * message, wait for its echo and send the next, for SECONDS; prints one JSON line with the
 * messages echoed per second, the round-trip p50/p99 and the failures. A 1 s warm-up runs
 * first on the same connections.
 *
 * Usage: deno run -A bench/router/ws_load.deno.ts URL CONNECTIONS SECONDS [AUTHORIZATION]
 */
const [url, connText, secondsText, authorization] = Deno.args;
const connections = Number(connText);
const seconds = Number(secondsText);
const message = "m".repeat(128);
const headers = authorization ? { authorization } : {};

let measuring = false;
let stopped = false;
let errors = 0;
const rtts: number[] = [];

function client(): Promise<void> {
  return new Promise((resolve) => {
    // Deno's WebSocket takes request headers (the router's gate needs a credential).
    const ws = new WebSocket(url, { headers } as unknown as string[]);
    let sent = 0;
    const send = () => {
      if (stopped) {
        ws.close();
        return;
      }
      sent = performance.now();
      ws.send(message);
    };
    ws.onopen = send;
    ws.onmessage = (e) => {
      if (e.data !== message) errors++;
      if (measuring) rtts.push(performance.now() - sent);
      send();
    };
    ws.onerror = () => {
      errors++;
      resolve();
    };
    ws.onclose = () => resolve();
  });
}

const all = Array.from({ length: connections }, () => client());
await new Promise((r) => setTimeout(r, 1000));
measuring = true;
const start = performance.now();
await new Promise((r) => setTimeout(r, seconds * 1000));
measuring = false;
const elapsed = (performance.now() - start) / 1000;
const count = rtts.length;
stopped = true;
await Promise.race([Promise.all(all), new Promise((r) => setTimeout(r, 3000))]);
rtts.sort((a, b) => a - b);
const q = (p: number) => rtts[Math.min(count - 1, Math.floor(count * p))] ?? NaN;
console.log(
  JSON.stringify({ messages: count, rate: count / elapsed, p50Ms: q(0.5), p99Ms: q(0.99), errors }),
);
Deno.exit(0);
