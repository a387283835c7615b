/**
 * The FTS5 expression of a `text` filter. Each word must start a token of the line, so the
 * plain form is `"word"*`; but FTS5 answers a prefix query by merging the whole doclist of
 * every term with that prefix before it returns a single row (a word in 1M of 10M lines costs
 * ~75 ms, `"t"*` a second), while a query on whole terms walks the doclists lazily in rowid
 * order and stops at the page's limit. So a word whose prefix covers few terms of the index is
 * replaced by those terms, read from an fts5vocab table: `("timeout" OR "timeouts")` matches
 * exactly the lines `"timeout"*` matches.
 */
import type { DatabaseSync, StatementSync } from "node:sqlite";
import { tokensOf } from "./fts_tokenizer.ts";

/** Above this many terms a word keeps its prefix form (a long OR costs more than it saves). */
export const MAX_PREFIX_TERMS = 64;

/**
 * The words of a `text` filter: runs of letters and digits. The tokenizer splits at `_` too,
 * so `user_id` is the words `user` and `id` (as one FTS5 string it would be a phrase, which
 * detail=none refuses); a run of `_` alone stays a word that matches no line, as it did.
 */
export function textWords(text: string | undefined): string[] {
  return (text?.match(/[\p{L}\p{N}_]+/gu) ?? []).flatMap((w) => {
    const parts = w.split("_").filter(Boolean);
    return parts.length ? parts : [w];
  });
}

/** The plain expression: every word, each as a prefix. */
export function prefixExpression(words: string[]): string {
  return words.map((w) => `"${w}"*`).join(" AND ");
}

/** A text word as the index sees it. */
export interface WordTerms {
  /** The word folded by the tokenizer; undefined when it is not exactly one token. */
  token?: string;
  /** The index's terms that start with `token`; undefined: too many, keep the prefix form. */
  terms?: string[];
}

const ASCII_WORD = /^[A-Za-z0-9]+$/;
const ASCII_TERM = /^[a-z0-9]+$/;

/**
 * Each word's terms in the index when it covers at most `maxTerms` of them, or null when a
 * word covers no term (nothing can match). Only under logs_fts's default tokenizer
 * (unicode61): an ASCII word folds to its lower case, any other is folded by the tokenizer
 * itself (fts_tokenizer.ts); a term other than ASCII letters and digits is used only when it reads
 * back as itself. Otherwise a word keeps the prefix form, so the lines matched never change.
 * Run it in the same read transaction as the query that uses it, so that both see the same
 * terms.
 */
export function expandWords(
  db: DatabaseSync,
  words: string[],
  maxTerms = MAX_PREFIX_TERMS,
): WordTerms[] | null {
  if (!(maxTerms > 0 && usesDefaultTokenizer(db))) return words.map(() => ({}));
  const other = words.filter((w) => !ASCII_WORD.test(w));
  const folded = other.length ? tokensOf(db, other) : [];
  const out: WordTerms[] = [];
  for (const word of words) {
    const tokens = ASCII_WORD.test(word) ? [word.toLowerCase()] : folded[other.indexOf(word)];
    const token = tokens.length === 1 ? tokens[0] : undefined;
    const terms = token === undefined ? undefined : termsWithPrefix(db, token, maxTerms);
    if (terms?.length === 0) return null;
    out.push({ token, terms });
  }
  const unusual = [...new Set(out.flatMap((e) => e.terms ?? []))].filter((t) =>
    !ASCII_TERM.test(t)
  );
  if (unusual.length) {
    const back = tokensOf(db, unusual);
    const bad = new Set(unusual.filter((t, i) => back[i].length !== 1 || back[i][0] !== t));
    for (const e of out) if (e.terms?.some((t) => bad.has(t))) e.terms = undefined;
  }
  return out;
}

/** The expression for words with their expansions: terms OR-ed, unexpanded words as prefixes. */
export function expressionOf(words: string[], expansion: WordTerms[]): string {
  const quote = (s: string) => `"${s.replaceAll('"', '""')}"`;
  return words.map((word, i) => {
    const terms = expansion[i].terms;
    if (!terms) return `${quote(word)}*`;
    return terms.length === 1 ? quote(terms[0]) : `(${terms.map(quote).join(" OR ")})`;
  }).join(" AND ");
}

/** The expression {@link expandWords} leads to, or null when nothing can match. */
export function expandedExpression(
  db: DatabaseSync,
  words: string[],
  maxTerms = MAX_PREFIX_TERMS,
): string | null {
  const expansion = expandWords(db, words, maxTerms);
  return expansion && expressionOf(words, expansion);
}

const defaultTokenizer = new WeakMap<DatabaseSync, boolean>();

/** Whether logs_fts tokenizes with FTS5's default (unicode61, diacritics removed). */
export function usesDefaultTokenizer(db: DatabaseSync): boolean {
  let yes = defaultTokenizer.get(db);
  if (yes === undefined) {
    const row = db.prepare("SELECT sql FROM sqlite_master WHERE name = 'logs_fts'").get();
    yes = /USING\s+fts5\s*\(/i.test(String(row?.sql)) && !/tokenize/i.test(String(row?.sql));
    defaultTokenizer.set(db, yes);
  }
  return yes;
}

const probes = new WeakMap<DatabaseSync, StatementSync>();

/**
 * The index's terms that start with `prefix`, in byte order, or undefined when there are more
 * than `max`. One seek per term: the `instance` vocab yields a term's first entry without
 * counting the rest (the `row` vocab reads the whole doclist to count, ~20 ms for a common
 * word), and `t` followed by a NUL is the smallest key after `t` (tokens never hold a NUL).
 */
function termsWithPrefix(db: DatabaseSync, prefix: string, max: number): string[] | undefined {
  let probe = probes.get(db);
  if (!probe) {
    db.exec(
      "CREATE VIRTUAL TABLE IF NOT EXISTS temp.hero_logs_fts_terms USING fts5vocab(main, logs_fts, instance)",
    );
    probe = db.prepare("SELECT term FROM temp.hero_logs_fts_terms WHERE term >= ? LIMIT 1");
    probes.set(db, probe);
  }
  const terms: string[] = [];
  let from = prefix;
  for (;;) {
    const row = probe.get(from);
    const term = row ? String(row.term) : undefined;
    if (term === undefined || !term.startsWith(prefix)) return terms;
    if (terms.length === max) return undefined;
    terms.push(term);
    from = `${term}\0`;
  }
}
