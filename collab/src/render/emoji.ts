/**
 * Emoji by GitHub-style shortcode (`:thumbsup:`), from `emojibase-data`: the table the renderer,
 * reactions and the composer's autocomplete share.
 */
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/** Shortcode -> emoji. */
export const EMOJI: ReadonlyMap<string, string> = (() => {
  const table = require("emojibase-data/en/shortcodes/github.json") as Record<
    string,
    string | string[]
  >;
  const map = new Map<string, string>();
  for (const [hex, names] of Object.entries(table)) {
    const char = String.fromCodePoint(...hex.split("-").map((h) => parseInt(h, 16)));
    for (const name of Array.isArray(names) ? names : [names]) map.set(name, char);
  }
  return map;
})();

const BY_CHAR = new Map<string, string>();
for (const [name, char] of EMOJI) if (!BY_CHAR.has(char)) BY_CHAR.set(char, name);

/** The shortcode for a reaction given as a shortcode (with or without colons) or an emoji. */
export function reactionName(input: string): string | undefined {
  const name = input.replace(/^:|:$/g, "").toLowerCase();
  const char = EMOJI.get(name);
  // Aliases (thumbsup, +1) count as one reaction: the emoji's first shortcode.
  if (char) return BY_CHAR.get(char);
  return BY_CHAR.get(input) ?? BY_CHAR.get(input.replace(/\uFE0F/g, ""));
}
