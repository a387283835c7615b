/**
 * The read-only WebDAV export on `web_dav.sock` (`/hero_collab/web_dav/` through hero_router),
 * served by `nephele` with an adapter over {@link exportRoot}: folders and files are computed
 * from the database for the caller; every method that would change something answers 403.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import express from "express";
import nepheleServer, {
  type Adapter,
  type AuthResponse,
  defaults as nepheleDefaults,
  ForbiddenError,
  type Lock,
  type Properties,
  PropertyNotFoundError,
  type Resource,
  ResourceNotFoundError,
  UnauthorizedError,
  type User,
} from "nephele";
import { GET_HEAD, Method, OPTIONS, PROPFIND } from "nephele";
import type { CollabService } from "../collab_service.ts";
import type { Actor } from "../domain/access.ts";
import type { Caller } from "../identity/caller.ts";
import { type ExportNode, exportRoot } from "./export_tree.ts";

const READ_METHODS = new Set(["OPTIONS", "GET", "HEAD", "PROPFIND"]);
/** How the XML parser (sax) words a syntax error. */
const XML_SYNTAX = /\nLine: \d+\nColumn: \d+\nChar:/;

interface DavUser extends User {
  actor: Actor;
}

/** Answers anything that writes with 403 Forbidden. */
class ReadOnly extends Method {
  // deno-lint-ignore require-await
  override async run(): Promise<void> {
    throw new ForbiddenError("The hero_collab export is read-only.");
  }
}

class ExportProperties implements Properties {
  resource: ExportResource;
  constructor(resource: ExportResource) {
    this.resource = resource;
  }
  async get(name: string) {
    const all = await this.getAll();
    // Clients ask for properties of their own (Apache's `executable`, …): those are absent.
    if (!(name in all)) throw new PropertyNotFoundError(`No property "${name}".`);
    return all[name];
  }
  getByUser(name: string) {
    return this.get(name);
  }
  set(): Promise<void> {
    return Promise.reject(new ForbiddenError("The hero_collab export is read-only."));
  }
  setByUser(): Promise<void> {
    return this.set();
  }
  remove(): Promise<void> {
    return this.set();
  }
  removeByUser(): Promise<void> {
    return this.set();
  }
  runInstructions(): Promise<undefined | [string, Error][]> {
    return Promise.reject(new ForbiddenError("The hero_collab export is read-only."));
  }
  runInstructionsByUser(): Promise<undefined | [string, Error][]> {
    return this.runInstructions();
  }
  // deno-lint-ignore require-await
  async getAll(): Promise<Record<string, string | object>> {
    const n = this.resource.node;
    const modified = n.modified.toUTCString();
    const base: Record<string, string | object> = {
      creationdate: n.modified.toISOString(),
      getlastmodified: modified,
      displayname: n.name || "hero_collab",
      supportedlock: {},
    };
    if (n.kind === "dir") return { ...base, resourcetype: { collection: {} } };
    return {
      ...base,
      resourcetype: {},
      getcontentlength: String(n.size()),
      getcontenttype: n.mime,
      getetag: this.resource.etag(),
    };
  }
  getAllByUser() {
    return this.getAll();
  }
  async list() {
    return Object.keys(await this.getAll());
  }
  listByUser() {
    return this.list();
  }
  listLive() {
    return this.list();
  }
  listLiveByUser() {
    return this.list();
  }
  listDead(): Promise<string[]> {
    return Promise.resolve([]);
  }
  listDeadByUser(): Promise<string[]> {
    return Promise.resolve([]);
  }
}

class ExportResource implements Resource {
  adapter: Adapter;
  baseUrl: URL;
  node: ExportNode;
  path: string[];
  constructor(adapter: Adapter, baseUrl: URL, node: ExportNode, path: string[]) {
    this.adapter = adapter;
    this.baseUrl = baseUrl;
    this.node = node;
    this.path = path;
  }
  etag(): string {
    const n = this.node;
    return n.kind === "file"
      ? `"${n.size()}-${n.modified.getTime()}"`
      : `"${n.modified.getTime()}"`;
  }
  getLocks(): Promise<Lock[]> {
    return Promise.resolve([]);
  }
  getLocksByUser(): Promise<Lock[]> {
    return Promise.resolve([]);
  }
  createLockForUser(): Promise<Lock> {
    return Promise.reject(new ForbiddenError("The hero_collab export is read-only."));
  }
  getProperties(): Promise<Properties> {
    return Promise.resolve(new ExportProperties(this));
  }
  getStream(range?: { start: number; end: number }): Promise<Readable> {
    if (this.node.kind !== "file") return Promise.resolve(Readable.from([]));
    const bytes = this.node.bytes();
    const part = range ? bytes.subarray(range.start, range.end + 1) : bytes;
    return Promise.resolve(Readable.from([Buffer.from(part)]));
  }
  setStream(): Promise<void> {
    return Promise.reject(new ForbiddenError("The hero_collab export is read-only."));
  }
  create(): Promise<void> {
    return this.setStream();
  }
  delete(): Promise<void> {
    return this.setStream();
  }
  copy(): Promise<void> {
    return this.setStream();
  }
  move(): Promise<void> {
    return this.setStream();
  }
  getLength(): Promise<number> {
    return Promise.resolve(this.node.kind === "file" ? this.node.size() : 0);
  }
  getEtag(): Promise<string> {
    return Promise.resolve(this.etag());
  }
  getMediaType(): Promise<string | null> {
    return Promise.resolve(this.node.kind === "file" ? this.node.mime : null);
  }
  getCanonicalName(): Promise<string> {
    return Promise.resolve(this.node.name);
  }
  getCanonicalPath(): Promise<string> {
    return Promise.resolve(
      "/" + this.path.join("/") + (this.node.kind === "dir" && this.path.length ? "/" : ""),
    );
  }
  async getCanonicalUrl(): Promise<URL> {
    const encoded = (await this.getCanonicalPath()).split("/").map(encodeURIComponent).join("/");
    return new URL(encoded.replace(/^\//, ""), this.baseUrl);
  }
  isCollection(): Promise<boolean> {
    return Promise.resolve(this.node.kind === "dir");
  }
  getInternalMembers(): Promise<Resource[]> {
    if (this.node.kind !== "dir") return Promise.resolve([]);
    return Promise.resolve(
      this.node.children().map((c) =>
        new ExportResource(this.adapter, this.baseUrl, c, [...this.path, c.name])
      ),
    );
  }
}

class ExportAdapter implements Adapter {
  readonly #svc: CollabService;
  readonly #actor?: Actor;
  constructor(svc: CollabService, actor?: Actor) {
    this.#svc = svc;
    this.#actor = actor;
  }
  getComplianceClasses(): Promise<string[]> {
    return Promise.resolve([]);
  }
  getAllowedMethods(): Promise<string[]> {
    return Promise.resolve([]);
  }
  getOptionsResponseCacheControl(): Promise<string> {
    return Promise.resolve("max-age=60");
  }
  isAuthorized(): Promise<boolean> {
    return Promise.resolve(!!this.#actor);
  }
  getResource(url: URL, baseUrl: URL): Promise<Resource> {
    return Promise.resolve(this.#find(url, baseUrl));
  }
  newResource(): Promise<Resource> {
    return Promise.reject(new ForbiddenError("The hero_collab export is read-only."));
  }
  newCollection(): Promise<Resource> {
    return this.newResource();
  }
  getMethod(method: string): typeof Method {
    const m = method.toUpperCase();
    if (m === "GET" || m === "HEAD") return GET_HEAD;
    if (m === "OPTIONS") return OPTIONS;
    if (m === "PROPFIND") return PROPFIND;
    return ReadOnly;
  }
  #find(url: URL, baseUrl: URL): Resource {
    if (!this.#actor) throw new UnauthorizedError("Sign in first.");
    const rel = decodeURIComponent(url.pathname.slice(baseUrl.pathname.length)).split("/").filter(
      Boolean,
    );
    let node = exportRoot(this.#svc, this.#actor);
    for (const seg of rel) {
      const next = node.kind === "dir" ? node.children().find((c) => c.name === seg) : undefined;
      if (!next) throw new ResourceNotFoundError(`${url.pathname} not found.`);
      node = next;
    }
    return new ExportResource(this, baseUrl, node, rel);
  }
}

/** The `node:http` listener of the export; `callerOf` decides who asks (undefined: 401). */
export function davListener(
  svc: CollabService,
  callerOf: (request: Request) => Promise<Caller | undefined>,
  onError?: (message: string, detail: Record<string, unknown>) => void,
): (req: IncomingMessage, res: ServerResponse) => void {
  const app = nepheleServer({
    adapter: (_req: unknown, res: AuthResponse) =>
      Promise.resolve(new ExportAdapter(svc, (res.locals.user as DavUser | undefined)?.actor)),
    authenticator: {
      authenticate: async (req: IncomingMessage, _res: AuthResponse) => {
        const headers = new Headers();
        for (const [k, v] of Object.entries(req.headers)) {
          if (typeof v === "string") headers.set(k, v);
        }
        const caller = await callerOf(
          new Request(`http://localhost${req.url ?? "/"}`, { headers }),
        );
        if (!caller) {
          throw new UnauthorizedError("Sign in first (hero_auth), or use the admin token.");
        }
        try {
          return { username: caller.name, actor: svc.actorOf(caller) } as DavUser;
        } catch (err) {
          throw new UnauthorizedError((err as Error).message);
        }
      },
      cleanAuthentication: () => Promise.resolve(),
    },
    plugins: [{
      // nephele lists every WebDAV method in Allow; this export answers only the reading ones.
      preOptions: (_req: unknown, _res: unknown, data: { allowedMethods: string[] }) => {
        data.allowedMethods.splice(0, data.allowedMethods.length, ...READ_METHODS);
        return Promise.resolve();
      },
    }],
  } as never, {
    // nephele's default answers errors with a stack trace outside production; clients get the
    // status and message only, and the unexpected ones are reported.
    errorHandler: async (
      code: number,
      message: string,
      req: IncomingMessage,
      res: AuthResponse,
      error?: Error,
    ) => {
      if (code < 400) {
        return await nepheleDefaults.errorHandler(code, message, req as never, res, error);
      }
      let status = code;
      let text = message;
      if (code >= 500 && XML_SYNTAX.test(error?.message ?? "")) {
        // nephele lets its XML parser's error through as a 500: a bad body is the client's.
        status = 400;
        text = `The XML body cannot be parsed: ${error!.message.split("\n")[0]}`;
      } else if (code >= 500) {
        onError?.(`WebDAV ${req.method} ${req.url} failed`, { error: error?.message ?? message });
        text = "Internal server error.";
      }
      if (res.headersSent || res.destroyed) return void res.end();
      res.status(status).set({ "content-type": "text/plain; charset=utf-8" }).send(
        `Error ${status}: ${text}\n`,
      );
    },
  } as never);
  // Behind hero_router the export lives under X-Forwarded-Prefix: mount it there, so every
  // href nephele writes names the path clients actually use.
  const mounted = new Map<string, (req: IncomingMessage, res: ServerResponse) => void>();
  const mountedAt = (prefix: string) => {
    let outer = mounted.get(prefix);
    if (!outer) {
      const e = express();
      e.use(prefix || "/", app);
      outer = e as unknown as (req: IncomingMessage, res: ServerResponse) => void;
      mounted.set(prefix, outer);
    }
    return outer;
  };
  return (req, res) => {
    const method = (req.method ?? "GET").toUpperCase();
    if (!READ_METHODS.has(method)) {
      res.writeHead(403, { "content-type": "text/plain", allow: "GET, HEAD, OPTIONS, PROPFIND" });
      res.end("The hero_collab export is read-only.\n");
      return;
    }
    const raw = req.headers["x-forwarded-prefix"];
    const prefix = typeof raw === "string" && /^(\/[A-Za-z0-9_.-]+){1,4}$/.test(raw) ? raw : "";
    if (prefix) req.url = prefix + (req.url ?? "/");
    mountedAt(prefix)(req, res);
  };
}
