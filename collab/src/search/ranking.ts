/**
 * bm25 and snippets computed here rather than by FTS5's `bm25()` and `snippet()`: FTS5's bm25
 * reads every match of every phrase to count them (about 30 ms for a word in most of a million
 * messages) even when only a few hundred candidates are ranked. Here the per-phrase document
 * counts are estimated from a bounded read of each phrase's newest matches (exact when it has
 * fewer), and the term frequencies come from the candidates' own texts.
 */
import { escapeHtml } from "../render/markdown.ts";
import { matchesAt, type Phrase, phraseStats, tokens } from "./tokens.ts";

/** The index's size: documents and their average length in words. */
export interface IndexStats {
  docs: number;
  avgWords: number;
}

const K1 = 1.2;
const B = 0.75;
/** Words in a snippet, as FTS5's `snippet(…, 20)`. */
const SNIPPET_WORDS = 20;

/** The inverse document frequency of a phrase found in `df` of `docs` documents (FTS5's). */
export function idf(df: number, docs: number): number {
  const v = Math.log((docs - df + 0.5) / (df + 0.5));
  return v > 0 ? v : 1e-6;
}

/** bm25 of a text for the phrases with the given idfs; lower is better, as FTS5's. */
export function bm25(
  text: string,
  phrases: readonly Phrase[],
  idfs: number[],
  stats: IndexStats,
): number {
  const [length, counts] = phraseStats(text, phrases);
  const norm = K1 * (1 - B + B * length / (stats.avgWords || 1));
  let score = 0;
  for (let i = 0; i < phrases.length; i++) {
    const tf = counts[i];
    score += idfs[i] * (tf * (K1 + 1)) / (tf + norm);
  }
  return -score;
}

/**
 * Escaped HTML of the best 20-word window of `text` (most distinct phrases, then most hits),
 * the matches in `<mark>` and `…` where the text was cut.
 */
export function snippet(text: string, phrases: readonly Phrase[]): string {
  const toks = tokens(text);
  const ws = toks.map((t) => t.word);
  const hits: { at: number; len: number; phrase: number }[] = [];
  for (let i = 0; i < ws.length; i++) {
    phrases.forEach((p, k) => {
      if (matchesAt(ws, i, p)) hits.push({ at: i, len: p.words.length, phrase: k });
    });
  }
  let first = 0;
  if (toks.length > SNIPPET_WORDS && hits.length) {
    let best = -1;
    // A long message can have thousands of hits: its first few hundred are enough to choose.
    const some = hits.slice(0, 300);
    for (const hit of some) {
      const inside = some.filter((x) => x.at >= hit.at && x.at + x.len <= hit.at + SNIPPET_WORDS);
      const score = new Set(inside.map((x) => x.phrase)).size * 1000 + inside.length;
      if (score <= best) continue;
      best = score;
      // Centre the window's hits in it.
      const last = Math.max(...inside.map((x) => x.at + x.len));
      first = hit.at - Math.floor((SNIPPET_WORDS - (last - hit.at)) / 2);
    }
    first = Math.max(0, Math.min(first, toks.length - SNIPPET_WORDS));
  }
  const end = Math.min(toks.length, first + SNIPPET_WORDS);
  const from = first === 0 ? 0 : toks[first].start;
  const to = end === toks.length ? text.length : toks[end - 1].end;
  let html = first === 0 ? "" : "…";
  let at = from;
  for (const hit of hits) {
    if (hit.at < first || hit.at + hit.len > end) continue;
    const start = Math.max(toks[hit.at].start, at);
    const stop = toks[hit.at + hit.len - 1].end;
    if (stop <= start) continue;
    html += escapeHtml(text.slice(at, start)) + "<mark>" + escapeHtml(text.slice(start, stop)) +
      "</mark>";
    at = stop;
  }
  return html + escapeHtml(text.slice(at, to)) + (end === toks.length ? "" : "…");
}
