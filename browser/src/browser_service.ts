/**
 * The browser service as one object: the session registry, the API and the Hero server on
 * `<socket root>/<name>/rpc.sock`. Chromium is not started here; the first call starts it.
 */
import { type HeroLogger, HeroServer } from "@hero/sdk";
import { browserApi } from "./browser_api.ts";
import { type BrowserOptions, defaultOptions } from "./chromium/options.ts";
import { Sessions } from "./chromium/sessions.ts";

/** How to build a service. */
export interface BrowserServiceOptions {
  /** Service name (default `browser`). */
  name?: string;
  socketRoot: string;
  /** Overrides of the default limits. */
  limits?: Partial<BrowserOptions>;
  /** hero_proc logger (actions under `<name>.<context>.action`). */
  logger?: HeroLogger;
}

/** A running browser service. */
export class BrowserService {
  readonly sessions: Sessions;
  readonly server: HeroServer;

  /** Builds the service (call {@link start} to serve). */
  constructor(opts: BrowserServiceOptions) {
    const options = { ...defaultOptions(opts.socketRoot), ...opts.limits };
    const logger = opts.logger;
    this.sessions = new Sessions(options, (level, message, fields) => {
      logger?.child("chromium")[level](message, fields);
    });
    this.server = new HeroServer({
      name: opts.name ?? "browser",
      api: browserApi(this.sessions, logger),
      socketRoot: opts.socketRoot,
      // The SDK's own limit stays above the per-call one, so the call's own error wins.
      limits: { requestTimeoutMs: options.callTimeoutMs + 5000 },
      health: () => {
        const s = this.sessions.host.state();
        return Promise.resolve({
          status: "ok",
          reason: `chromium ${s.state}${s.pid ? ` (pid ${s.pid})` : ""}, ` +
            `${this.sessions.ids().length} contexts, ${s.crashes} crashes`,
        });
      },
    });
  }

  /** Binds the sockets. */
  start(): Promise<void> {
    return this.server.start();
  }

  /** Stops serving, closes every context and Chromium. */
  async close(): Promise<void> {
    await this.server.close();
    await this.sessions.closeAll();
  }
}
