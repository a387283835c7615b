/**
 * The router's line to hero_auth, found like any service by discovery: its issuer (from
 * `auth.info`, once per appearance) and `gate.identify`, asked for every request that carries
 * a hero_auth credential. Without hero_auth (not installed, stopped, unreachable) everything
 * here answers "unknown" quickly and the gate falls back to the admin and read-only tokens.
 */
import { type AuthIdentity, RpcClient } from "@hero/sdk";
import type { ServiceRegistryView } from "../discovery/service_registry.ts";

/** What `gate.identify` is asked about. */
export type IdentifyQuery = { token: string } | { session: { sub: string; sid: string } };

/** The name hero_auth runs under. */
export const AUTH_SERVICE = "hero_auth";

const TIMEOUT_MS = 5000;

/** Follows hero_auth in the registry. */
export class HeroAuthLink {
  readonly #registry: ServiceRegistryView;
  readonly #service: string;
  #client?: { target: string; rpc: RpcClient };
  #issuer?: Promise<string | undefined>;
  /** The issuer last learnt, for the gate's synchronous checks. */
  #known?: string;
  readonly #unsubscribe: () => void;

  /** Watches `registry` for the service `service` (default `hero_auth`). */
  constructor(registry: ServiceRegistryView, service = AUTH_SERVICE) {
    this.#registry = registry;
    this.#service = service;
    this.#unsubscribe = registry.subscribe((e) => {
      if (e.service.name !== service) return;
      this.#issuer = undefined;
      if (e.type === "service.removed") this.#known = undefined;
      // Learn the issuer now, so the gate knows hero_auth's public paths before they are asked
      // (the one last known stays meanwhile: a health change must not close them).
      else void this.issuer();
    });
  }

  /** The issuer as last learnt (undefined while unknown or hero_auth is gone). */
  issuerNow(): string | undefined {
    return this.#known;
  }

  /** The service name. */
  get service(): string {
    return this.#service;
  }

  /** The issuer URL while hero_auth is up, else undefined. */
  issuer(): Promise<string | undefined> {
    if (!this.#rpc()) return Promise.resolve(undefined);
    if (this.#issuer) return this.#issuer;
    const pending = this.#call<{ issuer?: string }>("auth.info", {}).then((info) => {
      const issuer = typeof info?.issuer === "string" ? info.issuer.replace(/\/$/, "") : undefined;
      if (this.#issuer !== pending) return issuer;
      if (issuer !== undefined || !this.#rpc()) this.#known = issuer;
      // A failed look-up is asked again next time rather than remembered.
      if (issuer === undefined) this.#issuer = undefined;
      return issuer;
    });
    this.#issuer = pending;
    return pending;
  }

  /** Who a credential belongs to: an identity, null (not valid), undefined (cannot tell). */
  async identify(query: IdentifyQuery): Promise<AuthIdentity | null | undefined> {
    if (!this.#rpc()) return undefined;
    return await this.#call<AuthIdentity | null>("gate.identify", query);
  }

  /** Stops following the registry and closes the client. */
  close(): void {
    this.#unsubscribe();
    this.#client?.rpc.close();
    this.#client = undefined;
  }

  /** The client of hero_auth's rpc.sock, when discovery knows one that answers gate calls. */
  #rpc(): RpcClient | undefined {
    const record = this.#registry.get(this.#service);
    const target = record?.entry.source === "socket" ? record.entry.rpcTarget : undefined;
    const gateApi = record?.openrpc?.methods?.some((m) => m.name === "gate.identify");
    if (!target || !gateApi) return undefined;
    if (this.#client?.target !== target) {
      this.#client?.rpc.close();
      this.#client = { target, rpc: new RpcClient(target, { timeoutMs: TIMEOUT_MS }) };
    }
    return this.#client.rpc;
  }

  async #call<T>(method: string, params: unknown): Promise<T | undefined> {
    const rpc = this.#rpc();
    if (!rpc) return undefined;
    try {
      return await rpc.call<T>(method, params as Record<string, unknown>);
    } catch {
      return undefined;
    }
  }
}
