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

/**
 * Each word's terms in the index when it covers at most `maxTerms` of them (undefined: keep
 * the prefix form), or null when a word covers no term (nothing can match). Only ASCII letters
 * and digits are expanded, and only under logs_fts's default tokenizer (unicode61): for them
 * its folding (case and diacritics) is plain lower case, and its terms read back as
 * themselves; any other word or term keeps the prefix form, so the lines matched never
 * change. Run it in the same read transaction as the query that uses it, so that both see the
 * same terms.
 */
export function expandWords(
  db: DatabaseSync,
  words: string[],
  maxTerms = MAX_PREFIX_TERMS,
): (string[] | undefined)[] | null {
  const out: (string[] | undefined)[] = [];
  const expandable = maxTerms > 0 && usesDefaultTokenizer(db);
  for (const word of words) {
    const terms = expandable && /^[A-Za-z0-9]+$/.test(word)
      ? termsWithPrefix(db, word.toLowerCase(), maxTerms)
      : undefined;
    if (terms?.length === 0) return null;
    out.push(terms);
  }
  return out;
}

/** The expression for words with their expansions: terms OR-ed, unexpanded words as prefixes. */
export function expressionOf(words: string[], expansion: (string[] | undefined)[]): string {
  return words.map((word, i) => {
    const terms = expansion[i];
    if (!terms) return `"${word}"*`;
    return terms.length === 1 ? `"${terms[0]}"` : `(${terms.map((t) => `"${t}"`).join(" OR ")})`;
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
 * The index's terms that start with `prefix`, in order, or undefined when there are more than
 * `max` or one of them is not plain ASCII. One seek per term: the `instance` vocab yields a
 * term's first entry without counting the rest (the `row` vocab reads the whole doclist to
 * count, ~20 ms for a common word), and `t` followed by a NUL is the smallest key after `t`
 * (tokens never hold a NUL).
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
    if (terms.length === max || !/^[a-z0-9]+$/.test(term)) return undefined;
    terms.push(term);
    from = `${term}\0`;
  }
}
