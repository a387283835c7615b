/**
 * The link to one peer router: follows the peer's `/api/federation` feed and keeps that
 * peer's services in this router's registry as `<peer>/<service>` (source `peer`, `host` set,
 * RPC target the peer's proxy). A feed silent for longer than `silenceMs` (the peer sends a
 * keep-alive every second), a refused or failed connection, or a closed stream marks every
 * service of the peer `unreachable` (their tools leave the MCP list) and reconnects with a
 * short backoff; the next snapshot brings them back as the peer reports them.
 */
import type { OpenRpcDocument } from "@hero/sdk";
import { readSse } from "@hero/sdk/internal";
import type { Logger } from "../log/logger.ts";
import type { ServiceEntry } from "../discovery/service_entry.ts";
import type { ServiceRegistry } from "../discovery/service_registry.ts";
import type { SharedService } from "./federation_feed.ts";
import type { PeerConfig } from "./peer_config.ts";

/** Settings of a link. */
export interface PeerLinkOptions {
  registry: ServiceRegistry;
  logger: Logger;
  /** Silence after which the peer counts as gone (default 3,500 ms). */
  silenceMs?: number;
  /** Longest wait between reconnection attempts (default 2,000 ms). */
  maxBackoffMs?: number;
}

/** The state of a link, for metrics and the dashboard. */
export interface PeerStatus {
  name: string;
  url: string;
  up: boolean;
  services: number;
  /** Why the link is down, while it is. */
  error?: string;
  /** ISO time of the last change between up and down. */
  since: string;
}

/** Follows one peer until closed. */
export class PeerLink {
  readonly peer: PeerConfig;
  readonly #opts: Required<PeerLinkOptions>;
  #up = false;
  #error?: string;
  #since = new Date().toISOString();
  #closed = false;
  #abort?: AbortController;
  #timer?: ReturnType<typeof setTimeout>;
  readonly #client: Deno.HttpClient;

  /** Creates the link; nothing happens until {@link start}. */
  constructor(peer: PeerConfig, opts: PeerLinkOptions) {
    this.peer = peer;
    this.#opts = {
      ...opts,
      silenceMs: opts.silenceMs ?? 3500,
      maxBackoffMs: opts.maxBackoffMs ?? 2000,
    };
    this.#client = Deno.createHttpClient({});
  }

  /** Whether the feed is connected now. */
  get up(): boolean {
    return this.#up;
  }

  /** The link's state. */
  status(): PeerStatus {
    return {
      name: this.peer.name,
      url: this.peer.url,
      up: this.#up,
      services: this.#entries().length,
      ...(this.#error ? { error: this.#error } : {}),
      since: this.#since,
    };
  }

  /** Starts following the peer (in the background). */
  start(): void {
    void this.#run();
  }

  /** Stops following; the peer's services leave the registry. */
  close(): void {
    this.#closed = true;
    this.#abort?.abort();
    clearTimeout(this.#timer);
    for (const e of this.#entries()) this.#opts.registry.remove(e.name);
    this.#client.close();
  }

  /** Marks the link down now (a request to the peer just failed to connect). */
  suspect(why: string): void {
    if (this.#up) this.#abort?.abort(new Error(why));
  }

  async #run(): Promise<void> {
    let backoff = 250;
    while (!this.#closed) {
      const started = Date.now();
      try {
        await this.#follow();
        this.#down("the peer closed its feed");
      } catch (err) {
        if (this.#closed) return;
        this.#down(describe(err));
      }
      if (Date.now() - started > 5000) backoff = 250;
      await new Promise<void>((r) => (this.#timer = setTimeout(r, backoff)));
      backoff = Math.min(backoff * 2, this.#opts.maxBackoffMs);
    }
  }

  async #follow(): Promise<void> {
    const abort = this.#abort = new AbortController();
    let watchdog: ReturnType<typeof setTimeout> | undefined;
    const alive = () => {
      clearTimeout(watchdog);
      watchdog = setTimeout(
        () => abort.abort(new Error(`no word from the peer for ${this.#opts.silenceMs} ms`)),
        this.#opts.silenceMs,
      );
    };
    alive();
    try {
      const res = await fetch(`${this.peer.url}/api/federation`, {
        headers: { authorization: `Bearer ${this.peer.token}`, accept: "text/event-stream" },
        signal: abort.signal,
        client: this.#client,
      });
      if (res.status !== 200) {
        await res.body?.cancel();
        throw new Error(
          res.status === 401 || res.status === 403
            ? `the peer refused the token (HTTP ${res.status})`
            : `the peer answered HTTP ${res.status}`,
        );
      }
      const tapped = res.body!.pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          transform(chunk, controller) {
            alive();
            controller.enqueue(chunk);
          },
        }),
      );
      for await (const ev of readSse(tapped)) this.#apply(ev.event, JSON.parse(ev.data));
    } catch (err) {
      // Report why the link was cut (silence, a failed request) rather than the abort itself.
      throw abort.signal.aborted && abort.signal.reason instanceof Error
        ? abort.signal.reason
        : err;
    } finally {
      clearTimeout(watchdog);
    }
    if (abort.signal.aborted) throw abort.signal.reason;
  }

  #apply(event: string, data: Record<string, unknown>): void {
    const reg = this.#opts.registry;
    if (event === "snapshot") {
      const shared = data.services as SharedService[];
      const names = new Set<string>();
      for (const s of shared) names.add(this.#upsert(s.entry, s.openrpc, true));
      for (const e of this.#entries()) if (!names.has(e.name)) reg.remove(e.name);
      this.#changeState(true);
      return;
    }
    if (event === "service.removed") {
      reg.remove(this.#qualified(String(data.name)));
      return;
    }
    if (event === "service.added" || event === "service.changed") {
      const entry = data.entry as ServiceEntry;
      const changed = data.openrpcChanged !== false;
      this.#upsert(entry, data.openrpc as OpenRpcDocument | undefined, changed);
    }
  }

  /** Stores one of the peer's services under its qualified name; returns that name. */
  #upsert(remote: ServiceEntry, openrpc: OpenRpcDocument | undefined, docChanged: boolean): string {
    const reg = this.#opts.registry;
    const name = this.#qualified(remote.name);
    const before = reg.get(name);
    const hasRpc = remote.sockets.some((s) => s.kind === "rpc") || remote.source === "manual";
    const entry: ServiceEntry = {
      ...remote,
      name,
      source: "peer",
      host: this.peer.name,
      url: `${this.peer.url}/${remote.name}`,
      ...(hasRpc ? { rpcTarget: `${this.peer.url}/${remote.name}/rpc` } : {}),
    };
    delete entry.dir;
    if (!hasRpc) delete entry.rpcTarget;
    reg.upsert(entry, docChanged ? openrpc : before?.openrpc);
    return name;
  }

  #changeState(up: boolean, error?: string): void {
    if (up !== this.#up) this.#since = new Date().toISOString();
    if (up && !this.#up) {
      this.#opts.logger.info(`peer ${this.peer.name} connected (${this.peer.url})`);
    }
    // Every new reason is logged once (not every retry of the same one).
    if (!up && error !== this.#error) {
      this.#opts.logger.warn(`peer ${this.peer.name} unreachable: ${error}`);
    }
    this.#up = up;
    this.#error = up ? undefined : error;
  }

  /** The link is down: every service of the peer is marked unreachable and loses its tools. */
  #down(error: string): void {
    this.#changeState(false, error);
    for (const e of this.#entries()) {
      if (e.health === "unreachable") continue;
      this.#opts.registry.upsert({
        ...e,
        health: "unreachable",
        error: `peer ${this.peer.name} is unreachable: ${error}`,
      });
    }
  }

  #entries(): ServiceEntry[] {
    const prefix = `${this.peer.name}/`;
    return this.#opts.registry.list().map((r) => r.entry).filter((e) =>
      e.source === "peer" && e.name.startsWith(prefix)
    );
  }

  #qualified(name: string): string {
    return `${this.peer.name}/${name}`;
  }
}

function describe(err: unknown): string {
  const e = err as Error & { cause?: { message?: string } };
  const cause = e.cause?.message ? ` (${e.cause.message})` : "";
  return (e.message ?? String(err)) + cause;
}
