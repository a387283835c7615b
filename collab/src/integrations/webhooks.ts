/**
 * Incoming and outgoing webhooks. An incoming hook is a secret URL that posts into its channel
 * (as a bot, on behalf of whoever made it, so it can never reach further than they can). An
 * outgoing hook calls a URL when a message in a public channel matches its trigger words, and
 * posts the answer's text back. Secrets of incoming hooks are kept only as hashes; every call
 * of an outgoing hook is recorded (status, time, error) for whoever manages it.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { collabError } from "../errors.ts";
import type { CollabStore } from "../store/collab_store.ts";
import type { Channel, Webhook } from "../store/records.ts";
import { type Access, type Actor, label } from "../domain/access.ts";
import type { Messages } from "../domain/messages.ts";
import type { MessageView } from "../domain/message_views.ts";
import type { RateLimiter } from "../domain/rate_limiter.ts";
import type { CallResult, OutgoingCalls } from "./outgoing_calls.ts";
import { cleanLabel, encodeOutgoing, type IncomingPayload, replyOf } from "./webhook_payloads.ts";

/** A webhook as listed (never with its secret). */
export type WebhookView = Omit<Webhook, "token_hash" | "token">;

/** A webhook just made (or given a new secret): the only time its secret is shown. */
export interface WebhookSecret {
  webhook: WebhookView;
  /** Incoming: the secret in its URL; outgoing: the token sent with each call. */
  secret: string;
  /** Incoming: where to post, relative to hero_collab's web socket (`hooks/<id>/<secret>`). */
  path?: string;
}

/** One recorded call of an outgoing hook. */
export interface Delivery {
  message_id: string | null;
  ts: string;
  attempt: number;
  status: number | null;
  error: string | null;
  duration_ms: number;
  reply_id: string | null;
}

/** Fields of a new outgoing hook. */
export interface OutgoingInput {
  workspace_id: string;
  channel_id?: string;
  name: string;
  url: string;
  trigger_words?: string[];
  trigger_when?: "first_word" | "starts_with";
  content_type?: "json" | "form";
}

const KEEP_DELIVERIES = 100;

/** The webhooks of one hero_collab. */
export class Webhooks {
  readonly #s: CollabStore;
  readonly #access: Access;
  readonly #messages: Messages;
  readonly #limiter: RateLimiter;
  readonly #calls: OutgoingCalls;

  /** Works on `store`; outgoing calls go through `calls`. */
  constructor(
    store: CollabStore,
    deps: { access: Access; messages: Messages; rateLimiter: RateLimiter; calls: OutgoingCalls },
  ) {
    this.#s = store;
    this.#access = deps.access;
    this.#messages = deps.messages;
    this.#limiter = deps.rateLimiter;
    this.#calls = deps.calls;
  }

  /** Makes an incoming hook for a channel (its moderators and admins). */
  createIncoming(actor: Actor, input: { channel_id: string; name: string }): WebhookSecret {
    const channel = this.#access.readable(actor, input.channel_id);
    if (channel.dm_key) {
      throw collabError("INVALID_PARAMS", "Webhooks post into channels, not conversations");
    }
    if (!this.#access.canModerate(actor, channel)) {
      throw collabError("FORBIDDEN", `Only moderators may add webhooks to ${label(channel)}`);
    }
    const secret = newSecret();
    const hook = this.#s.tx(() => {
      const hook = this.#s.webhooks.insert({
        direction: "incoming",
        workspace_id: channel.workspace_id,
        channel_id: channel.id,
        name: cleanName(input.name),
        token_hash: hash(secret),
        token: null,
        url: null,
        trigger_words: [],
        trigger_when: "first_word",
        content_type: "json",
        created_by: actor.userId,
      });
      this.#s.audit.append(actor.subject, "webhook.created", hook.id, {
        direction: "incoming",
        channel_id: channel.id,
        name: hook.name,
      });
      return hook;
    });
    return { webhook: view(hook), secret, path: `hooks/${hook.id}/${secret}` };
  }

  /** Makes an outgoing hook (admins: it sends messages to another server). */
  createOutgoing(actor: Actor, input: OutgoingInput): WebhookSecret {
    this.#access.mustBeAdmin(actor, "add outgoing webhooks");
    const fields = this.#outgoingFields(actor, input);
    const token = newSecret();
    const hook = this.#s.tx(() => {
      const hook = this.#s.webhooks.insert({
        direction: "outgoing",
        workspace_id: input.workspace_id,
        token_hash: null,
        token,
        created_by: actor.userId,
        ...fields,
      });
      this.#s.audit.append(actor.subject, "webhook.created", hook.id, {
        direction: "outgoing",
        channel_id: hook.channel_id,
        url: hook.url,
        trigger_words: hook.trigger_words,
      });
      return hook;
    });
    return { webhook: view(hook), secret: token };
  }

  /** Changes a hook's name (incoming), or its URL, channel and triggers (outgoing). */
  update(actor: Actor, id: string, patch: Partial<Omit<OutgoingInput, "workspace_id">>) {
    const hook = this.#managed(actor, id);
    let next: Partial<Webhook>;
    if (hook.direction === "incoming") {
      const extra = Object.keys(patch).filter((k) => k !== "name");
      if (extra.length) {
        throw collabError("INVALID_PARAMS", `An incoming webhook has no ${extra.join(", ")}`);
      }
      next = patch.name === undefined ? {} : { name: cleanName(patch.name) };
    } else {
      next = this.#outgoingFields(actor, {
        workspace_id: hook.workspace_id,
        name: patch.name ?? hook.name,
        url: patch.url ?? hook.url!,
        channel_id: "channel_id" in patch ? patch.channel_id : hook.channel_id ?? undefined,
        trigger_words: patch.trigger_words ?? hook.trigger_words,
        trigger_when: patch.trigger_when ?? hook.trigger_when,
        content_type: patch.content_type ?? hook.content_type,
      });
    }
    return this.#s.tx(() => {
      const updated = this.#s.webhooks.update(id, next);
      this.#s.audit.append(actor.subject, "webhook.updated", id, { ...patch });
      return view(updated);
    });
  }

  /** Hooks of a workspace: every one for admins, one's own for others. */
  list(actor: Actor, workspaceId: string): WebhookView[] {
    const all = this.#s.webhooks.where("workspace_id = ? ORDER BY seq", workspaceId);
    return all.filter((h) => actor.admin || h.created_by === actor.userId).map(view);
  }

  /** Deletes a hook (its maker or an admin). */
  delete(actor: Actor, id: string): boolean {
    this.#managed(actor, id);
    this.#s.tx(() => {
      this.#s.webhooks.delete(id);
      this.#s.db.prepare("DELETE FROM webhook_deliveries WHERE webhook_id = ?").run(id);
      this.#s.audit.append(actor.subject, "webhook.deleted", id, {});
    });
    return true;
  }

  /** Gives a hook a new secret; the old one stops working at once. */
  regenerate(actor: Actor, id: string): WebhookSecret {
    const hook = this.#managed(actor, id);
    const secret = newSecret();
    const updated = this.#s.tx(() => {
      const updated = this.#s.webhooks.update(
        id,
        hook.direction === "incoming" ? { token_hash: hash(secret) } : { token: secret },
      );
      this.#s.audit.append(actor.subject, "webhook.regenerated", id, {});
      return updated;
    });
    return {
      webhook: view(updated),
      secret,
      ...(hook.direction === "incoming" ? { path: `hooks/${id}/${secret}` } : {}),
    };
  }

  /** The recorded calls of an outgoing hook, newest first. */
  deliveries(actor: Actor, id: string, limit = 50): Delivery[] {
    this.#managed(actor, id);
    return (this.#s.db.prepare(
      "SELECT * FROM webhook_deliveries WHERE webhook_id = ? ORDER BY seq DESC LIMIT ?",
    ).all(id, limit) as Record<string, unknown>[]).map((r) => ({
      message_id: (r.message_id as string | null) ?? null,
      ts: new Date(Number(r.ts)).toISOString(),
      attempt: Number(r.attempt),
      status: r.status === null ? null : Number(r.status),
      error: (r.error as string | null) ?? null,
      duration_ms: Number(r.duration_ms),
      reply_id: (r.reply_id as string | null) ?? null,
    }));
  }

  /**
   * Posts what an incoming hook received. An unknown hook and a wrong secret look the same
   * (NOT_FOUND); each hook has its own write rate.
   */
  receive(id: string, secret: string, payload: IncomingPayload): MessageView {
    const hook = this.#s.webhooks.find(id);
    if (!hook || hook.direction !== "incoming" || !sameHash(hook.token_hash, secret)) {
      throw collabError("NOT_FOUND", "No such webhook");
    }
    const key = `hook:${hook.id}`;
    this.#limiter.check(key);
    const actor = this.#access.actorForUser(hook.created_by);
    const message = this.#messages.post(actor, {
      channel_id: hook.channel_id!,
      text: payload.text,
      ...(payload.thread_id ? { thread_id: payload.thread_id } : {}),
    }, { kind: "bot", bot_name: payload.username ?? hook.name });
    this.#limiter.take(key);
    return message;
  }

  /** Starts the calls of the outgoing hooks a committed post triggers. */
  onPosted(message: MessageView, channel: Channel): void {
    if (message.kind !== "user" || channel.kind !== "public") return;
    const hooks = this.#s.webhooks.where(
      "direction = 'outgoing' AND workspace_id = ? AND (channel_id IS NULL OR channel_id = ?)",
      channel.workspace_id,
      channel.id,
    );
    if (!hooks.length) return;
    const ws = this.#s.workspaces.find(channel.workspace_id);
    for (const hook of hooks) {
      const trigger = matchTrigger(hook, message.text);
      if (trigger === undefined) continue;
      const { body, contentType } = encodeOutgoing({
        token: hook.token ?? "",
        team_id: channel.workspace_id,
        team_domain: ws?.slug ?? "",
        channel_id: channel.id,
        channel_name: channel.name,
        timestamp: Date.parse(message.created_at),
        user_id: message.user_id,
        user_name: message.user.username,
        post_id: message.id,
        thread_id: message.thread_id ?? "",
        text: message.text,
        trigger_word: trigger,
        file_ids: message.files.map((f) => f.id).join(","),
      }, hook.content_type);
      const queued = this.#calls.enqueue({
        url: hook.url!,
        body,
        contentType,
        onAttempt: (r) => this.#delivered(hook.id, message, r),
      });
      if (!queued) {
        this.#record(hook.id, message.id, {
          attempt: 0,
          error: "Not sent: too many webhook calls are waiting",
          durationMs: 0,
          retrying: false,
        });
      }
    }
  }

  #delivered(hookId: string, trigger: MessageView, r: CallResult): void {
    let replyId: string | undefined;
    let error = r.error;
    const reply = r.error ? undefined : replyOf(r.json);
    const hook = reply && this.#s.webhooks.find(hookId);
    if (reply && hook) {
      try {
        const actor = this.#access.actorForUser(hook.created_by);
        replyId = this.#messages.post(actor, {
          channel_id: trigger.channel_id,
          text: reply.text,
          ...(reply.in_thread ? { thread_id: trigger.thread_id ?? trigger.id } : {}),
        }, { kind: "bot", bot_name: reply.username ?? hook.name }).id;
      } catch (err) {
        error = `The reply was not posted: ${(err as Error).message}`;
      }
    }
    this.#record(hookId, trigger.id, r, error, replyId);
  }

  #record(
    hookId: string,
    messageId: string,
    r: Omit<CallResult, "json">,
    error = r.error,
    replyId?: string,
  ): void {
    if (!this.#s.webhooks.find(hookId)) return;
    this.#s.db.prepare(
      `INSERT INTO webhook_deliveries(webhook_id, message_id, ts, attempt, status, error, duration_ms, reply_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      hookId,
      messageId,
      Date.now(),
      r.attempt,
      r.status ?? null,
      error ?? null,
      r.durationMs,
      replyId ?? null,
    );
    this.#s.db.prepare(
      `DELETE FROM webhook_deliveries WHERE webhook_id = ? AND seq <= (
         SELECT seq FROM webhook_deliveries WHERE webhook_id = ? ORDER BY seq DESC LIMIT 1 OFFSET ?)`,
    ).run(hookId, hookId, KEEP_DELIVERIES);
  }

  /** A hook the actor may manage (its maker, or an admin). */
  #managed(actor: Actor, id: string): Webhook {
    const hook = this.#s.webhooks.find(id);
    if (!hook || (!actor.admin && hook.created_by !== actor.userId)) {
      throw collabError("NOT_FOUND", `No webhook with id "${id}"`, { id });
    }
    return hook;
  }

  #outgoingFields(actor: Actor, input: OutgoingInput) {
    this.#s.workspaces.get(input.workspace_id);
    let url: URL;
    try {
      url = new URL(input.url);
    } catch {
      throw collabError("INVALID_PARAMS", `Invalid URL "${input.url}"`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw collabError("INVALID_PARAMS", `The URL must be http or https, not ${url.protocol}`);
    }
    const words = [...new Set((input.trigger_words ?? []).map((w) => w.trim()).filter(Boolean))];
    if (words.some((w) => /\s/.test(w))) {
      throw collabError("INVALID_PARAMS", "A trigger word is one word");
    }
    let channelId: string | null = null;
    if (input.channel_id) {
      const channel = this.#access.readable(actor, input.channel_id);
      if (channel.kind !== "public" || channel.workspace_id !== input.workspace_id) {
        throw collabError(
          "INVALID_PARAMS",
          "Outgoing webhooks listen only to public channels of their workspace",
        );
      }
      channelId = channel.id;
    } else if (!words.length) {
      throw collabError("INVALID_PARAMS", "An outgoing webhook needs a channel or trigger words");
    }
    return {
      channel_id: channelId,
      name: cleanName(input.name),
      url: url.href,
      trigger_words: words,
      trigger_when: input.trigger_when ?? "first_word",
      content_type: input.content_type ?? "json",
    } as const;
  }
}

/** The trigger word a text matches ("" for hooks without words), or undefined. */
function matchTrigger(hook: Webhook, text: string): string | undefined {
  if (!hook.trigger_words.length) return "";
  const lower = text.trimStart().toLowerCase();
  const first = lower.split(/\s+/, 1)[0];
  return hook.trigger_words.find((w) =>
    hook.trigger_when === "starts_with"
      ? lower.startsWith(w.toLowerCase())
      : first === w.toLowerCase()
  );
}

function view(hook: Webhook): WebhookView {
  const { token_hash: _h, token: _t, ...rest } = hook as Webhook & { seq?: number };
  delete (rest as { seq?: number }).seq;
  return rest;
}

function newSecret(): string {
  return randomBytes(24).toString("base64url");
}

function hash(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

function sameHash(stored: string | null, secret: string): boolean {
  if (!stored) return false;
  const a = Buffer.from(stored, "hex");
  const b = Buffer.from(hash(secret), "hex");
  return a.length === b.length && timingSafeEqual(a, b);
}

function cleanName(name: string): string {
  const n = cleanLabel(name);
  if (!n || n.length > 64) {
    throw collabError("INVALID_PARAMS", "A webhook name has 1-64 characters");
  }
  return n;
}
