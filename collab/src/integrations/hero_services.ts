/**
 * Reaching other Hero services by name, the way slash commands do: `<root>/<service>/rpc.sock`
 * with the SDK's RpcClient (one pooled client per service, a time limit per call), and their
 * OpenRPC documents (kept a minute) so a command's params can be checked and typed.
 */
import path from "node:path";
import { RpcClient, RpcError } from "@hero/sdk";
import { collabError } from "../errors.ts";

const SERVICE = /^[a-z0-9_]{1,64}$/;
const DOC_TTL_MS = 60_000;

/** A method as its OpenRPC document declares it (what commands need of it). */
export interface DeclaredMethod {
  name: string;
  params: { name: string; required?: boolean; schema?: Record<string, unknown> }[];
  paramStructure?: "by-name" | "by-position" | "either";
  "x-hero-annotations"?: { readOnlyHint?: boolean };
}

/** Calls to the services under one socket root. */
export class HeroServices {
  readonly #root?: string;
  readonly #timeoutMs: number;
  readonly #clients = new Map<string, RpcClient>();
  readonly #docs = new Map<string, { at: number; methods: DeclaredMethod[] }>();

  /** Services under `root` (none without one); each call has `timeoutMs` (default 15 s). */
  constructor(root: string | undefined, opts: { timeoutMs?: number } = {}) {
    this.#root = root;
    this.#timeoutMs = opts.timeoutMs ?? 15_000;
  }

  /** The methods a service declares; UNAVAILABLE when it cannot be reached. */
  async methods(service: string): Promise<DeclaredMethod[]> {
    const cached = this.#docs.get(service);
    if (cached && Date.now() - cached.at < DOC_TTL_MS) return cached.methods;
    const doc = await this.call<{ methods?: DeclaredMethod[] }>(service, "rpc.discover", {});
    const methods = Array.isArray(doc?.methods) ? doc.methods : [];
    this.#docs.set(service, { at: Date.now(), methods });
    return methods;
  }

  /** Calls a method as the owner of the socket; the service's own errors keep their code. */
  async call<T>(service: string, method: string, params: unknown): Promise<T> {
    try {
      return await this.#client(service).call<T>(method, params as Record<string, unknown>);
    } catch (err) {
      if (err instanceof RpcError) throw err;
      throw collabError(
        "UNAVAILABLE",
        `Cannot reach the service "${service}": ${(err as Error).message}`,
        { service },
      );
    }
  }

  /** Closes the pooled connections. */
  close(): void {
    for (const c of this.#clients.values()) c.close();
    this.#clients.clear();
  }

  #client(service: string): RpcClient {
    if (!SERVICE.test(service)) {
      throw collabError("INVALID_PARAMS", `Invalid service name "${service}"`);
    }
    if (!this.#root) {
      throw collabError("UNAVAILABLE", `No socket root: cannot reach "${service}"`);
    }
    let client = this.#clients.get(service);
    if (!client) {
      client = new RpcClient(path.join(this.#root, service, "rpc.sock"), {
        timeoutMs: this.#timeoutMs,
      });
      this.#clients.set(service, client);
    }
    return client;
  }
}
