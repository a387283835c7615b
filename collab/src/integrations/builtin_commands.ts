/**
 * The slash commands every workspace has. Like the ones admins define, each is a mapping to an
 * RPC method — here hero_collab's own, called as the user who typed it, so it can do nothing
 * that user could not do through the API.
 */
import type { SearchHit } from "../search/search.ts";

/** A command as the runner needs it (built in, or a stored definition). */
export interface CommandDef {
  name: string;
  description: string;
  usage: string;
  /** Service name; `""` for hero_collab itself. */
  service: string;
  method: string;
  params: Record<string, unknown>;
  response: "ephemeral" | "in_channel";
  /** hero_auth group ids allowed to run it (empty: everyone). */
  groups: string[];
  /** Needs arguments (refused with its usage without). */
  needsArgs?: boolean;
  /** Its effect shows by itself: nothing is answered on success. */
  quiet?: boolean;
  /** Turns the method's result into the answer's Markdown. */
  format?: (result: unknown) => string;
}

const ALL: (Omit<CommandDef, "response" | "groups"> & Partial<CommandDef>)[] = [
  {
    name: "me",
    description: "Say what you are doing, in italics",
    usage: "/me <action>",
    service: "",
    method: "messages.post",
    params: { channel_id: "{channel}", thread_id: "{thread}", text: "_{text}_" },
    needsArgs: true,
    quiet: true,
  },
  {
    name: "shrug",
    description: "Append ¯\\_(ツ)_/¯ to your message",
    usage: "/shrug [message]",
    service: "",
    method: "messages.post",
    params: { channel_id: "{channel}", thread_id: "{thread}", text: "{text} ¯\\\\\\_(ツ)\\_/¯" },
    quiet: true,
  },
  {
    name: "topic",
    description: "Set the channel's topic",
    usage: "/topic <new topic>",
    service: "",
    method: "channels.update",
    params: { id: "{channel}", topic: "{text}" },
    needsArgs: true,
    quiet: true,
  },
  {
    name: "leave",
    description: "Leave this channel",
    usage: "/leave",
    service: "",
    method: "channels.leave",
    params: { id: "{channel}" },
    quiet: true,
  },
  {
    name: "search",
    description: "Search messages (only you see the results)",
    usage: "/search <words, in:#channel, from:@user, …>",
    service: "",
    method: "search.messages",
    params: { query: "{text}", workspace_id: "{workspace}", limit: 10 },
    needsArgs: true,
    format: (result: unknown) => {
      const hits = (result as { hits: SearchHit[] }).hits;
      if (!hits.length) return "No messages match.";
      return hits.map((h) =>
        `- **#${h.channel.name}** ${h.message.user.username}: ${
          h.message.text.replace(/\s+/g, " ").slice(0, 160)
        }`
      ).join("\n");
    },
  },
];

/** The built-in commands, by name. */
export const BUILTIN_COMMANDS: ReadonlyMap<string, CommandDef> = new Map(
  ALL.map((c) => [c.name, { response: "ephemeral", groups: [], ...c }]),
);

/** Names no defined command may take (`help` lists the commands). */
export function isReservedCommand(name: string): boolean {
  return name === "help" || BUILTIN_COMMANDS.has(name);
}
