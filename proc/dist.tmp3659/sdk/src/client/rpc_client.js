/**
 * The JSON-RPC client: `call`, `notify` and `batch` over a Unix socket or a TCP URL, with
 * per-call timeouts and cancellation through `AbortSignal`. Error replies become
 * {@link RpcError}s carrying the server's code and data; transport failures are local
 * {@link HeroError}s (`TIMEOUT`, `CANCELLED`, `CONNECTION_FAILED`, `BAD_RESPONSE`).
 */
import { HeroError } from "../errors/hero_error.js";
                                                       
import { fromWireError } from "../errors/wire_mapping.js";
import { Deadline } from "../rpc/deadline.js";
                                                      
import { currentRuntime } from "../runtime/current.js";
                                                                  
import { resolveSocketRoot, serviceSocketPaths } from "../socket/paths.js";

/** Options of a client. */
                                   
                                                                      
                     
                                               
                                   
                                                 
                    
 

/** Options of a single call. */
                              
                          
                       
                                                  
                     
 

/** One entry of a batch. */
                             
                 
                                               
                                                             
                   
 

/** The outcome of one batch entry (notifications yield `undefined`). */
                          
                                 
                                  
              

/** A JSON-RPC client bound to one endpoint. */
export class RpcClient {
           #transport               ;
           #timeoutMs        ;
           #headers                        ;
           #label        ;
  #nextId = 1;

  /** `target` is a socket path (`/…/rpc.sock`, `unix:/…`) or a URL (`http://host:port`). */
  constructor(target        , opts                   = {}) {
    const runtime = opts.runtime ?? currentRuntime();
    const isUrl = /^https?:\/\//.test(target);
    const socketPath = target.replace(/^unix:/, "");
    this.#transport = runtime.transport(isUrl ? { baseUrl: target } : { socketPath });
    this.#timeoutMs = opts.timeoutMs ?? 30_000;
    this.#headers = { "content-type": "application/json", ...opts.headers };
    this.#label = isUrl ? target : socketPath;
  }

  /** A client for the `rpc.sock` of a service under the socket root. */
  static forService(
    service        ,
    opts                                             = {},
  )            {
    const runtime = opts.runtime ?? currentRuntime();
    const root = opts.socketRoot ??
      resolveSocketRoot({ env: (k) => runtime.env(k), homeDir: runtime.homeDir() });
    return new RpcClient(serviceSocketPaths(root, service).rpc, opts);
  }

  /** Calls `method` and resolves its result, or rejects with an RpcError or HeroError. */
  async call             (
    method        ,
    params                                      ,
    opts              = {},
  )             {
    const id = this.#nextId++;
    const reply = await this.#post({ jsonrpc: "2.0", id, method, params }, opts);
    const res = reply               ;
    if (!res || typeof res !== "object" || res.id !== id) {
      throw new HeroError("BAD_RESPONSE", `Bad response from ${this.#label}: id does not match`);
    }
    if ("error" in res) throw fromWireError(res.error);
    return res.result     ;
  }

  /** Sends a notification; resolves once the server has accepted it. */
  async notify(
    method        ,
    params                                      ,
    opts              = {},
  )                {
    await this.#post({ jsonrpc: "2.0", method, params }, opts);
  }

  /** Sends several calls in one request; outcomes come back in the order of `entries`. */
  async batch(entries              , opts              = {})                          {
    const ids = entries.map((e) => (e.notify ? undefined : this.#nextId++));
    const body = entries.map((e, i) =>
      ids[i] === undefined
        ? { jsonrpc: "2.0", method: e.method, params: e.params }
        : { jsonrpc: "2.0", id: ids[i], method: e.method, params: e.params }
    );
    const reply = await this.#post(body, opts);
    const byId = new Map                      ();
    if (Array.isArray(reply)) { for (const r of reply                 ) byId.set(r.id, r); }
    else if (reply && typeof reply === "object" && "error" in reply) {
      throw fromWireError((reply                       ).error);
    }
    return ids.map((id) => {
      if (id === undefined) return undefined;
      const r = byId.get(id);
      if (!r) {
        throw new HeroError(
          "BAD_RESPONSE",
          `Bad response from ${this.#label}: no reply for id ${id}`,
        );
      }
      return "error" in r
        ? { ok: false, error: fromWireError(r.error) }
        : { ok: true, result: r.result };
    });
  }

  /** Closes pooled connections. */
  close()       {
    this.#transport.close();
  }

  async #post(payload         , opts             )                   {
    const timeoutMs = opts.timeoutMs ?? this.#timeoutMs;
    const deadline = new Deadline(timeoutMs, opts.signal);
    let res;
    try {
      res = await this.#transport.send({
        method: "POST",
        path: "/rpc",
        body: JSON.stringify(payload),
        headers: this.#headers,
        signal: deadline.signal,
      });
    } catch (err) {
      if (deadline.reason === "cancelled") {
        throw new HeroError("CANCELLED", `Call to ${this.#label} was cancelled`, { cause: err });
      }
      if (deadline.reason === "timeout") {
        throw new HeroError("TIMEOUT", `Call to ${this.#label} timed out after ${timeoutMs} ms`, {
          cause: err,
        });
      }
      const why = err instanceof Error ? err.message : String(err);
      throw new HeroError("CONNECTION_FAILED", `Cannot reach ${this.#label}: ${why}`, {
        cause: err,
      });
    } finally {
      deadline.clear();
    }
    if (res.status === 204) return undefined;
    try {
      return JSON.parse(res.body);
    } catch (err) {
      throw new HeroError(
        "BAD_RESPONSE",
        `Bad response from ${this.#label}: HTTP ${res.status}, not JSON`,
        { cause: err },
      );
    }
  }
}
