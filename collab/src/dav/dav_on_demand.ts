/**
 * The WebDAV export, loaded on its first request: nephele and express cost a Node process some
 * 25 MB that a hero_collab nobody exports from never needs to pay.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { CollabService } from "../collab_service.ts";
import type { Caller } from "../identity/caller.ts";

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

/** The export's `node:http` listener, importing the export when first asked. */
export function davOnDemand(
  svc: CollabService,
  callerOf: (request: Request) => Promise<Caller | undefined>,
  onError?: (message: string, detail: Record<string, unknown>) => void,
): Listener {
  let loading: Promise<Listener> | undefined;
  return (req, res) => {
    loading ??= import("./dav_export.ts").then((m) => m.davListener(svc, callerOf, onError));
    loading.then((listener) => listener(req, res), (err: Error) => {
      onError?.("cannot load the WebDAV export", { error: err.message });
      res.writeHead(503, { "content-type": "text/plain" }).end("The export is unavailable.\n");
    });
  };
}
