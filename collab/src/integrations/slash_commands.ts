/**
 * Slash commands mapped to Hero RPC calls. Admins map `/name` to a method of any Hero service
 * (checked against its OpenRPC document when made); a run fills the params template from what
 * was typed, calls the method, and answers only the caller (ephemeral) or the channel. Calls to
 * other services run with the owner's rights over their Unix socket — the admin who mapped the
 * command vouches for it, may limit it to hero_auth groups, and every such run is audited. The
 * built-in commands call hero_collab itself, as the user.
 */
import type { CallContext, RpcApi } from "@hero/sdk";
import { RpcError } from "@hero/sdk";
import { collabError } from "../errors.ts";
import { callerOf } from "../identity/caller.ts";
import type { CollabStore } from "../store/collab_store.ts";
import type { Channel, Command } from "../store/records.ts";
import type { Access, Actor } from "../domain/access.ts";
import type { Messages } from "../domain/messages.ts";
import type { MessageViews } from "../domain/message_views.ts";
import { BUILTIN_COMMANDS, type CommandDef, isReservedCommand } from "./builtin_commands.ts";
import { type CommandContext, fillTemplate, placeholders } from "./command_template.ts";
import type { DeclaredMethod, HeroServices } from "./hero_services.ts";

/** Fields of a new command. */
export interface CommandInput {
  workspace_id: string;
  name: string;
  description?: string;
  usage?: string;
  service: string;
  method: string;
  params?: Record<string, unknown>;
  response?: "ephemeral" | "in_channel";
  /** hero_auth group ids or names. */
  groups?: string[];
}

/** A command as listed. */
export interface CommandView extends Omit<CommandDef, "format" | "needsArgs" | "quiet"> {
  id: string | null;
  builtin: boolean;
}

/** What a run answers. */
export interface CommandOutcome {
  command: string;
  ok: boolean;
  /** `ephemeral`: only the caller sees it; `in_channel`: posted (see message_id). */
  response_type: "ephemeral" | "in_channel";
  /** Markdown ("" when a quiet command succeeded). */
  text: string;
  html: string;
  message_id?: string;
}

const NAME = /^[a-z0-9][a-z0-9_-]{0,31}$/;
const LINE = /^\/([a-z0-9][a-z0-9_-]*)(?:\s+([\s\S]*))?$/;
const MAX_ANSWER = 3000;

/** The slash commands of one hero_collab. */
export class SlashCommands {
  readonly #s: CollabStore;
  readonly #access: Access;
  readonly #messages: Messages;
  readonly #views: MessageViews;
  readonly #services: HeroServices;
  /** hero_collab's own API (set once it is built): built-ins call it as the user. */
  selfApi?: RpcApi;

  /** Works on `store`; other services are reached through `services`. */
  constructor(
    store: CollabStore,
    deps: { access: Access; messages: Messages; views: MessageViews; services: HeroServices },
  ) {
    this.#s = store;
    this.#access = deps.access;
    this.#messages = deps.messages;
    this.#views = deps.views;
    this.#services = deps.services;
  }

  /** Maps a command to a method of a Hero service (admins). */
  async create(actor: Actor, input: CommandInput): Promise<CommandView> {
    this.#access.mustBeAdmin(actor, "add slash commands");
    this.#s.workspaces.get(input.workspace_id);
    if (!NAME.test(input.name)) {
      throw collabError(
        "INVALID_PARAMS",
        `Invalid command name "${input.name}": use 1-32 lower-case letters, digits, "-" and "_"`,
      );
    }
    if (isReservedCommand(input.name)) {
      throw collabError("CONFLICT", `/${input.name} is built in`);
    }
    if (this.#find(input.workspace_id, input.name)) {
      throw collabError("CONFLICT", `/${input.name} already exists in this workspace`);
    }
    const fields = await this.#checked(input);
    const cmd = this.#s.tx(() => {
      const cmd = this.#s.commands.insert({ ...fields, created_by: actor.userId });
      this.#s.audit.append(actor.subject, "command.created", cmd.id, {
        name: cmd.name,
        service: cmd.service,
        method: cmd.method,
      });
      return cmd;
    });
    return stored(cmd);
  }

  /** Changes a command (admins); the mapping is checked again. */
  async update(
    actor: Actor,
    id: string,
    patch: Partial<Omit<CommandInput, "workspace_id" | "name">>,
  ): Promise<CommandView> {
    this.#access.mustBeAdmin(actor, "change slash commands");
    const cmd = this.#s.commands.get(id);
    const fields = await this.#checked({ ...cmd, ...patch });
    return this.#s.tx(() => {
      const updated = this.#s.commands.update(id, fields);
      this.#s.audit.append(actor.subject, "command.updated", id, { ...patch });
      return stored(updated);
    });
  }

  /** Deletes a command (admins). */
  delete(actor: Actor, id: string): boolean {
    this.#access.mustBeAdmin(actor, "delete slash commands");
    this.#s.commands.get(id);
    this.#s.tx(() => {
      this.#s.commands.delete(id);
      this.#s.audit.append(actor.subject, "command.deleted", id, {});
    });
    return true;
  }

  /** The commands the actor may run in a workspace (every one for admins), built-ins first. */
  list(actor: Actor, workspaceId: string): CommandView[] {
    const defined = this.#s.commands.where("workspace_id = ? ORDER BY name", workspaceId)
      .filter((c) => this.#mayRun(actor, c)).map(stored);
    const builtins = [...BUILTIN_COMMANDS.values()].map((c): CommandView => ({
      id: null,
      builtin: true,
      name: c.name,
      description: c.description,
      usage: c.usage,
      service: "hero_collab",
      method: c.method,
      params: c.params,
      response: c.response,
      groups: [],
    }));
    return [...builtins, ...defined];
  }

  /** Runs a typed command line in a channel (or a thread of it). */
  async run(
    actor: Actor,
    input: { channel_id: string; text: string; thread_id?: string },
    ctx: CallContext,
  ): Promise<CommandOutcome> {
    const line = LINE.exec(input.text.trim());
    if (!line) {
      throw collabError("INVALID_PARAMS", 'A command is "/" and its name, then its arguments');
    }
    const [, name, args = ""] = line;
    const channel = this.#access.readable(actor, input.channel_id);
    if (input.thread_id) this.#messages.get(actor, input.thread_id);
    if (name === "help") {
      return this.#answer(actor, channel, input, "help", this.#help(actor, channel));
    }
    const cmd = BUILTIN_COMMANDS.get(name) ?? this.#find(channel.workspace_id, name);
    if (!cmd || !this.#mayRun(actor, cmd)) {
      throw collabError("NOT_FOUND", `No command /${name} here: /help lists them`);
    }
    if ("needsArgs" in cmd && cmd.needsArgs && !args.trim()) {
      return this.#answer(actor, channel, input, name, `Usage: \`${cmd.usage}\``, false);
    }
    if (cmd.response === "in_channel") this.#access.mustPost(actor, channel);
    const context: CommandContext = {
      text: args.trim(),
      user: actor.userId,
      username: actor.username,
      channel: channel.id,
      channel_name: channel.name,
      thread: input.thread_id ?? "",
      workspace: channel.workspace_id,
    };
    let result: unknown;
    try {
      const declared = await this.#declared(cmd);
      const schemas = Object.fromEntries(declared.params.map((p) => [p.name, p.schema]));
      const params = fillTemplate(cmd.params, context, schemas);
      const missing = declared.params.filter((p) => p.required && !(p.name in params));
      if (missing.length) {
        return this.#answer(actor, channel, input, name, `Usage: \`${cmd.usage}\``, false);
      }
      if (cmd.service) {
        this.#s.audit.append(actor.subject, "command.run", name, {
          service: cmd.service,
          method: cmd.method,
          channel_id: channel.id,
        });
        const wire = declared.paramStructure === "by-position"
          ? declared.params.map((p) => params[p.name])
          : params;
        result = await this.#services.call(cmd.service, cmd.method, wire);
      } else {
        // As the user: their caller rides along for the nested call's own checks.
        result = await this.selfApi!.call(cmd.method, params, {
          method: cmd.method,
          signal: ctx.signal,
          caller: callerOf(ctx),
        });
      }
    } catch (err) {
      const e = err as Error & { code?: unknown };
      if (!(err instanceof RpcError) && !("code" in e && typeof e.code === "string")) throw err;
      return this.#answer(actor, channel, input, name, `\`/${name}\` failed: ${e.message}`, false);
    }
    if ("quiet" in cmd && cmd.quiet) {
      return { command: name, ok: true, response_type: "ephemeral", text: "", html: "" };
    }
    const text = "format" in cmd && cmd.format ? cmd.format(result) : formatResult(result);
    if (cmd.response === "in_channel") {
      const posted = this.#messages.post(actor, {
        channel_id: channel.id,
        text: `**${actor.username}** ran \`/${name}${args ? ` ${oneLine(args)}` : ""}\`\n\n${text}`,
        ...(input.thread_id ? { thread_id: input.thread_id } : {}),
      }, { kind: "bot", bot_name: `/${name}` });
      return {
        command: name,
        ok: true,
        response_type: "in_channel",
        text: posted.text,
        html: posted.html,
        message_id: posted.id,
      };
    }
    return this.#answer(actor, channel, input, name, text);
  }

  /** An answer only the actor sees: returned, and sent to their open tabs as an event. */
  #answer(
    actor: Actor,
    channel: Channel,
    input: { thread_id?: string },
    command: string,
    text: string,
    ok = true,
  ): CommandOutcome {
    const html = this.#views.render(text);
    this.#s.tx(() =>
      this.#s.events.append("command.response", { user_id: actor.userId }, {
        channel_id: channel.id,
        thread_id: input.thread_id ?? null,
        command,
        ok,
        text,
        html,
      })
    );
    return { command, ok, response_type: "ephemeral", text, html };
  }

  #help(actor: Actor, channel: Channel): string {
    return [
      "**Commands**",
      ...this.list(actor, channel.workspace_id).map((c) => `- \`${c.usage}\` — ${c.description}`),
      "- `/help` — this list",
    ].join("\n");
  }

  /** The method a command calls, as its service declares it. */
  async #declared(cmd: CommandDef | Command): Promise<DeclaredMethod> {
    const methods = cmd.service
      ? await this.#services.methods(cmd.service)
      : this.selfApi!.document.methods as unknown as DeclaredMethod[];
    const found = methods.find((m) => m.name === cmd.method);
    if (!found) {
      throw collabError(
        "NOT_FOUND",
        `The service "${cmd.service || "hero_collab"}" has no method "${cmd.method}"`,
      );
    }
    return { ...found, params: found.params ?? [] };
  }

  /** A definition checked against its service: the method exists, the template fits it. */
  async #checked(input: CommandInput | Command) {
    const params = input.params ?? {};
    const used = placeholders(params);
    const service = input.service === "hero_collab" ? "" : input.service;
    const declared = await this.#declared({ service, method: input.method } as Command);
    const known = new Set(declared.params.map((p) => p.name));
    const unknown = Object.keys(params).filter((k) => !known.has(k));
    if (unknown.length) {
      throw collabError(
        "INVALID_PARAMS",
        `"${input.method}" has no param ${unknown.map((k) => `"${k}"`).join(", ")}`,
      );
    }
    const uncovered = declared.params.filter((p) => p.required && !(p.name in params));
    if (uncovered.length) {
      throw collabError(
        "INVALID_PARAMS",
        `The template must give "${input.method}" its required ${
          uncovered.map((p) => `"${p.name}"`).join(", ")
        }`,
      );
    }
    const groups = (input.groups ?? []).map((g) => {
      const found = this.#s.directory.group(g);
      if (!found) throw collabError("NOT_FOUND", `No hero_auth group "${g}"`, { group: g });
      return found.id;
    });
    const positional = [...used].filter((u) => /^[1-9]$/.test(u)).sort();
    return {
      workspace_id: input.workspace_id,
      name: input.name,
      description: (input.description ?? "").slice(0, 200),
      usage: input.usage?.trim() ||
        `/${input.name}${
          positional.length
            ? positional.map((p) => ` <${p}>`).join("")
            : used.has("text")
            ? " <text>"
            : ""
        }`,
      service,
      method: input.method,
      params,
      response: input.response ?? "ephemeral",
      groups: [...new Set(groups)],
    };
  }

  #find(workspaceId: string, name: string): Command | undefined {
    return this.#s.commands.where("workspace_id = ? AND name = ?", workspaceId, name)[0];
  }

  #mayRun(actor: Actor, cmd: { groups: string[] }): boolean {
    return actor.admin || !cmd.groups.length || cmd.groups.some((g) => actor.groupIds.includes(g));
  }
}

function stored(c: Command): CommandView {
  return {
    id: c.id,
    builtin: false,
    name: c.name,
    description: c.description,
    usage: c.usage,
    service: c.service || "hero_collab",
    method: c.method,
    params: c.params,
    response: c.response,
    groups: c.groups,
  };
}

/** A method's result as Markdown: text as it is, anything else as (shortened) JSON. */
export function formatResult(result: unknown): string {
  if (result === undefined || result === null || result === true) return "Done.";
  if (typeof result === "string") return result.slice(0, MAX_ANSWER * 4) || "Done.";
  if (typeof result !== "object") return String(result);
  let json = JSON.stringify(result, null, 2);
  if (json.length > MAX_ANSWER) json = `${json.slice(0, MAX_ANSWER)}\n… (shortened)`;
  return "```json\n" + json.replaceAll("```", "`\u200b``") + "\n```";
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").replaceAll("`", "'").slice(0, 200);
}
