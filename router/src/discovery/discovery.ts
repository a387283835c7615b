/**
 * Discovery: keeps the {@link ServiceRegistry} in step with the socket root. A full scan walks
 * the root and probes everything (at start, periodically as a safety net, and on demand); file
 * watching reacts to a socket appearing or disappearing within milliseconds, adding the service
 * at once (health `unknown`) and probing it ahead of the periodic work.
 */
import type { Logger } from "../log/logger.ts";
import { loadManualSources } from "./manual_sources.ts";
import { type ProbeResult, probeSocketService, probeUrlService } from "./probe.ts";
import { ProbeQueue } from "./probe_queue.ts";
import type { ServiceEntry, ServiceHealth } from "./service_entry.ts";
import { unprobedEntry } from "./service_entry.ts";
import type { ServiceRegistry } from "./service_registry.ts";
import { type FoundService, readServiceDir, walkSocketRoot } from "./socket_walk.ts";
import { type SocketWatcher, watchSocketRoot } from "./socket_watcher.ts";

/** Settings of discovery. */
export interface DiscoveryOptions {
  /** The socket root to watch. */
  root: string;
  /** The cache to keep up to date. */
  registry: ServiceRegistry;
  logger: Logger;
  /** Deadline of one service's probe, in ms (default 3,000). */
  probeTimeoutMs?: number;
  /** Period of the safety-net full scan, in ms; 0 disables it (default 30,000). */
  scanIntervalMs?: number;
  /** Probes running at once (default 64). */
  concurrency?: number;
  /** Path of manual_sources.json, if any. */
  manualSourcesPath?: string;
  /** Watch the root for changes (default true). */
  watch?: boolean;
  /** Told the outcome and duration of every probe (metrics). */
  onProbe?: (health: ServiceHealth, seconds: number) => void;
}

/** What a full scan found. */
export interface ScanReport {
  services: number;
  sockets: number;
  skipped: { name: string; reason: string }[];
  manualProblems: string[];
  durationMs: number;
}

const RETRY_DELAY_MS = 150;
const MAX_RETRIES = 10;

/** Keeps the registry in step with the socket root and manual sources. */
export class Discovery {
  readonly #opts: Required<Omit<DiscoveryOptions, "manualSourcesPath" | "onProbe">> & {
    manualSourcesPath?: string;
    onProbe?: (health: ServiceHealth, seconds: number) => void;
  };
  readonly #queue: ProbeQueue;
  readonly #retries = new Map<string, number>();
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  #watcher?: SocketWatcher;
  #interval?: ReturnType<typeof setInterval>;
  #scanning?: Promise<ScanReport>;
  #closed = false;
  /** Time of the last completed full scan (ISO), for `router.health`. */
  lastScanAt?: string;
  /** Report of the last completed full scan. */
  lastScan?: ScanReport;

  /** Nothing runs until {@link start} or {@link scanAll}. */
  constructor(opts: DiscoveryOptions) {
    this.#opts = {
      ...opts,
      probeTimeoutMs: opts.probeTimeoutMs ?? 3000,
      scanIntervalMs: opts.scanIntervalMs ?? 30_000,
      concurrency: opts.concurrency ?? 64,
      watch: opts.watch ?? true,
    };
    this.#queue = new ProbeQueue(this.#opts.concurrency);
  }

  /** The socket root being watched. */
  get root(): string {
    return this.#opts.root;
  }

  /** Probes queued or running. */
  get pendingProbes(): number {
    return this.#queue.pending;
  }

  /** Starts watching, runs the first full scan (probes included), then scans periodically. */
  async start(): Promise<ScanReport> {
    this.#ensureWatching();
    const report = await this.scanAll();
    if (this.#opts.scanIntervalMs > 0 && !this.#closed) {
      this.#interval = setInterval(() => {
        this.scanAll().catch((err) => this.#opts.logger.warn(`scan failed: ${err.message}`));
      }, this.#opts.scanIntervalMs);
    }
    return report;
  }

  /** Walks the root, reconciles the registry, probes every service and waits for the probes. */
  scanAll(): Promise<ScanReport> {
    this.#scanning ??= this.#scanAll().finally(() => (this.#scanning = undefined));
    return this.#scanning;
  }

  /** Re-reads one service directory now (urgent) and probes it. */
  async refreshService(name: string): Promise<void> {
    await this.#refresh(name);
  }

  /** Stops watching and scanning; probes already running finish on their own deadline. */
  close(): void {
    this.#closed = true;
    clearInterval(this.#interval);
    for (const t of this.#timers) clearTimeout(t);
    this.#watcher?.close();
  }

  /** Starts (or restarts, if the root was removed and came back) the file watch. */
  #ensureWatching(): void {
    if (!this.#opts.watch || this.#closed || this.#watcher?.alive) return;
    this.#watcher = watchSocketRoot(this.#opts.root, (names) => {
      for (const name of names) {
        this.#refresh(name).catch((err) =>
          this.#opts.logger.warn(`refresh of "${name}" failed: ${err.message}`)
        );
      }
    }, this.#opts.logger);
  }

  async #scanAll(): Promise<ScanReport> {
    const started = performance.now();
    this.#ensureWatching();
    const reg = this.#opts.registry;
    const { services, skipped } = await walkSocketRoot(this.#opts.root);
    const found = new Map(services.map((s) => [s.name, s]));
    for (const { entry } of reg.list()) {
      if (entry.source === "socket" && !found.has(entry.name)) reg.remove(entry.name);
    }
    for (const svc of services) {
      this.#upsertFound(svc);
      this.#queue.push(svc.name, () => this.#probe(svc.name));
    }
    const manual = this.#opts.manualSourcesPath
      ? await loadManualSources(this.#opts.manualSourcesPath)
      : { sources: [], problems: [] };
    for (const p of manual.problems) this.#opts.logger.warn(`manual_sources.json: ${p}`);
    const listed = new Set<string>();
    for (const src of manual.sources) {
      if (found.has(src.name)) {
        this.#opts.logger.warn(
          `manual source "${src.name}" ignored: a socket service has that name`,
        );
        continue;
      }
      listed.add(src.name);
      const before = reg.get(src.name);
      const base: ServiceEntry = {
        ...(before?.entry ?? { health: "unknown", methodCount: 0, version: "", sockets: [] }),
        name: src.name,
        source: "manual",
        url: src.url,
        rpcTarget: src.url,
        title: src.title ?? src.name,
        description: src.description ?? "",
      };
      if (!before) reg.upsert(base);
      this.#queue.push(src.name, async () => {
        const started = performance.now();
        const r = await probeUrlService(base, { timeoutMs: this.#opts.probeTimeoutMs });
        this.#opts.onProbe?.(r.entry.health, (performance.now() - started) / 1000);
        if (reg.get(src.name)?.entry.source !== "manual") return;
        if (src.title) r.entry.title = src.title;
        if (src.description) r.entry.description = src.description;
        reg.upsert(r.entry, r.openrpc);
      });
    }
    for (const { entry } of reg.list()) {
      if (entry.source === "manual" && !listed.has(entry.name)) reg.remove(entry.name);
    }
    await this.#queue.idle();
    const report: ScanReport = {
      services: reg.size,
      sockets: services.reduce((n, s) => n + s.sockets.length, 0),
      skipped,
      manualProblems: manual.problems,
      durationMs: Math.round(performance.now() - started),
    };
    this.lastScanAt = new Date().toISOString();
    this.lastScan = report;
    return report;
  }

  /** Adds a newly found service, or updates its socket list; keeps what earlier probes found. */
  #upsertFound(svc: FoundService): void {
    const reg = this.#opts.registry;
    const before = reg.get(svc.name);
    if (!before || before.entry.source !== "socket") {
      reg.upsert(unprobedEntry(svc.name, svc.dir, svc.sockets));
      return;
    }
    const paths = (s: { path: string }[]) => s.map((x) => x.path).join("\n");
    if (paths(before.entry.sockets) === paths(svc.sockets)) return;
    const old = new Map(before.entry.sockets.map((s) => [s.path, s]));
    const sockets = svc.sockets.map((s) => old.get(s.path) ?? s);
    const fresh = unprobedEntry(svc.name, svc.dir, sockets);
    reg.upsert({ ...before.entry, sockets, rpcTarget: fresh.rpcTarget }, before.openrpc);
  }

  async #probe(name: string): Promise<void> {
    const reg = this.#opts.registry;
    const svc = await readServiceDir(this.#opts.root, name);
    if (!svc || svc.sockets.length === 0) {
      if (reg.get(name)?.entry.source === "socket") reg.remove(name);
      return;
    }
    this.#upsertFound(svc);
    const current = reg.get(name)!;
    const started = performance.now();
    const result: ProbeResult = await probeSocketService(
      { ...current.entry, sockets: svc.sockets },
      { timeoutMs: this.#opts.probeTimeoutMs },
    );
    this.#opts.onProbe?.(result.entry.health, (performance.now() - started) / 1000);
    if (this.#closed) return;
    const now = reg.get(name);
    const stillThere = await readServiceDir(this.#opts.root, name);
    if (!now || now.entry.source !== "socket" || !stillThere) return;
    reg.upsert(result.entry, result.openrpc);
    // A socket file exists a moment before its server accepts connections: try again shortly.
    const tries = this.#retries.get(name) ?? 0;
    if (result.nothingReachable && tries < MAX_RETRIES) {
      this.#retries.set(name, tries + 1);
      this.#later(RETRY_DELAY_MS, () => this.#queue.push(name, () => this.#probe(name), true));
    } else if (!result.nothingReachable) this.#retries.delete(name);
  }

  async #refresh(name: string): Promise<void> {
    const reg = this.#opts.registry;
    const svc = await readServiceDir(this.#opts.root, name);
    if (!svc || svc.sockets.length === 0) {
      if (reg.get(name)?.entry.source === "socket") reg.remove(name);
      return;
    }
    this.#upsertFound(svc);
    this.#retries.delete(name);
    this.#queue.push(name, () => this.#probe(name), true);
  }

  #later(ms: number, fn: () => void): void {
    if (this.#closed) return;
    const t = setTimeout(() => {
      this.#timers.delete(t);
      if (!this.#closed) fn();
    }, ms);
    this.#timers.add(t);
  }
}
