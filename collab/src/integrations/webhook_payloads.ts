/**
 * The wire shapes of webhooks, compatible with what Slack and Mattermost integrations send and
 * expect: the incoming payload (`text`, `username`, `attachments`, form-encoded `payload=`),
 * the outgoing call's fields, and the answer that posts a reply.
 */
import { collabError } from "../errors.ts";

/** What an incoming webhook accepts. */
export interface IncomingPayload {
  text: string;
  /** Shown as the poster's name instead of the hook's. */
  username?: string;
  /** Reply in this thread (Mattermost calls it `root_id`). */
  thread_id?: string;
}

/** A Slack-style attachment (rendered into the message's Markdown). */
interface Attachment {
  pretext?: unknown;
  author_name?: unknown;
  title?: unknown;
  title_link?: unknown;
  text?: unknown;
  fallback?: unknown;
  fields?: { title?: unknown; value?: unknown }[];
  footer?: unknown;
}

/** A display name without control characters, trimmed. */
export function cleanLabel(text: string): string {
  // deno-lint-ignore no-control-regex
  return text.replace(/[\u0000-\u001f\u007f]/g, "").trim();
}

const str = (v: unknown, max = 4000): string | undefined =>
  typeof v === "string" && v.trim() ? v.slice(0, max) : undefined;

/** Reads an incoming request body (JSON, or a form with `payload=<json>`); INVALID_PARAMS if unusable. */
export function parseIncoming(body: string, contentType: string | null): IncomingPayload {
  let raw: unknown;
  try {
    if ((contentType ?? "").startsWith("application/x-www-form-urlencoded")) {
      const payload = new URLSearchParams(body).get("payload");
      if (payload === null) throw new Error('the form has no "payload" field');
      raw = JSON.parse(payload);
    } else raw = JSON.parse(body);
  } catch (err) {
    throw collabError("INVALID_PARAMS", `The body must be JSON: ${(err as Error).message}`);
  }
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) {
    throw collabError("INVALID_PARAMS", "The body must be a JSON object");
  }
  const p = raw as Record<string, unknown>;
  const parts = [str(p.text, 1_000_000)];
  if (Array.isArray(p.attachments)) {
    for (const a of (p.attachments as Attachment[]).slice(0, 20)) parts.push(attachment(a));
  }
  const text = parts.filter(Boolean).join("\n\n");
  if (!text) throw collabError("INVALID_PARAMS", 'The payload needs "text" (or attachments)');
  const username = cleanLabel(str(p.username, 64) ?? "");
  const thread = str(p.thread_id, 64) ?? str(p.root_id, 64);
  return { text, ...(username ? { username } : {}), ...(thread ? { thread_id: thread } : {}) };
}

function attachment(a: Attachment): string {
  if (!a || typeof a !== "object") return "";
  const lines: string[] = [];
  const pretext = str(a.pretext);
  if (pretext) lines.push(pretext);
  const author = str(a.author_name, 200);
  if (author) lines.push(`*${author}*`);
  const title = str(a.title, 500);
  const link = str(a.title_link, 2000);
  if (title) {
    lines.push(link && /^https?:\/\//i.test(link) ? `**[${title}](${link})**` : `**${title}**`);
  }
  const text = str(a.text) ?? (lines.length ? undefined : str(a.fallback));
  if (text) lines.push(text);
  for (const f of Array.isArray(a.fields) ? a.fields.slice(0, 20) : []) {
    const t = str(f?.title, 200);
    const v = str(f?.value, 2000);
    if (t || v) lines.push(`**${t ?? ""}**${t && v ? ": " : ""}${v ?? ""}`);
  }
  const footer = str(a.footer, 300);
  if (footer) lines.push(`_${footer}_`);
  return lines.map((l) => `> ${l.replaceAll("\n", "\n> ")}`).join("\n");
}

/** The fields an outgoing call carries (Mattermost's names, so its receivers work unchanged). */
export interface OutgoingFields {
  token: string;
  team_id: string;
  team_domain: string;
  channel_id: string;
  channel_name: string;
  timestamp: number;
  user_id: string;
  user_name: string;
  post_id: string;
  thread_id: string;
  text: string;
  trigger_word: string;
  file_ids: string;
}

/** The body and content type of an outgoing call. */
export function encodeOutgoing(
  fields: OutgoingFields,
  contentType: "json" | "form",
): { body: string; contentType: string } {
  if (contentType === "form") {
    const form = new URLSearchParams();
    for (const [k, v] of Object.entries(fields)) form.set(k, String(v));
    return { body: form.toString(), contentType: "application/x-www-form-urlencoded" };
  }
  return { body: JSON.stringify(fields), contentType: "application/json" };
}

/** A reply an outgoing call's answer asks for, if any. */
export interface OutgoingReply {
  text: string;
  username?: string;
  /** `comment`: in the thread of the triggering post; `post` (default): in the channel. */
  in_thread: boolean;
}

/** The reply in an answer (`{"text": …, "username"?, "response_type"?: "post"|"comment"}`). */
export function replyOf(answer: unknown): OutgoingReply | undefined {
  if (!answer || typeof answer !== "object" || Array.isArray(answer)) return undefined;
  const a = answer as Record<string, unknown>;
  const text = str(a.text, 1_000_000);
  if (!text) return undefined;
  const username = cleanLabel(str(a.username, 64) ?? "");
  return {
    text,
    ...(username ? { username } : {}),
    in_thread: a.response_type === "comment",
  };
}
