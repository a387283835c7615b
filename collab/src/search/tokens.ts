/**
 * Words as the FTS5 index sees them (`unicode61 remove_diacritics 2`: runs of letters, digits
 * and private-use characters, lower-cased, accents removed), and where a search's phrases occur
 * in them. FTS5 decides which messages match; these only rank the matches and mark them in
 * snippets, so a rare disagreement with SQLite's tables costs a score, never a result.
 */

/** A positive phrase of a search: its words, the last one a prefix when it ended in `*`. */
export interface Phrase {
  words: string[];
  prefix: boolean;
}

/** A word of a text and where it is. */
export interface Token {
  word: string;
  start: number;
  end: number;
}

const WORD = /[\p{L}\p{N}\p{Co}]+/gu;
const ASCII = /^[^\u0080-\uffff]*$/;
const ASCII_WORD = /[a-z0-9]+/g;

/** Folds a word as `remove_diacritics 2` does (close enough for ranking). */
export function fold(word: string): string {
  return ASCII.test(word)
    ? word.toLowerCase()
    : word.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

/** The folded words of a text (the fast path for ranking many texts). */
export function words(text: string): string[] {
  if (ASCII.test(text)) return text.toLowerCase().match(ASCII_WORD) ?? [];
  return fold(text).match(WORD) ?? [];
}

/** The words of a text with their offsets in it (for snippets). */
export function tokens(text: string): Token[] {
  return [...text.matchAll(WORD)].map((m) => ({
    word: fold(m[0]),
    start: m.index,
    end: m.index + m[0].length,
  }));
}

/** A search phrase's words, as the index would see them. */
export function phraseOf(text: string, prefix: boolean): Phrase {
  return { words: words(text), prefix };
}

/** Whether `phrase` occurs at word `i` of `ws`. */
export function matchesAt(ws: readonly string[], i: number, phrase: Phrase): boolean {
  const n = phrase.words.length;
  if (n === 0 || i + n > ws.length) return false;
  for (let j = 0; j < n; j++) {
    const w = ws[i + j];
    const p = phrase.words[j];
    if (j === n - 1 && phrase.prefix ? !w.startsWith(p) : w !== p) return false;
  }
  return true;
}

/** How often each phrase occurs in `ws`. */
export function phraseCounts(ws: readonly string[], phrases: readonly Phrase[]): number[] {
  return phrases.map((p) => {
    let n = 0;
    for (let i = 0; i < ws.length; i++) if (matchesAt(ws, i, p)) n++;
    return n;
  });
}

let starts: Int32Array = new Int32Array(1024);
let ends: Int32Array = new Int32Array(1024);

/**
 * How many words a text has and how often each phrase occurs in it: what bm25 needs. ASCII
 * texts (most messages) are scanned in place, without making a string per word.
 */
export function phraseStats(text: string, phrases: readonly Phrase[]): [number, number[]] {
  let n = 0;
  for (let i = 0; i < text.length;) {
    const c = text.charCodeAt(i);
    if (c > 127) {
      const ws = words(text);
      return [ws.length, phraseCounts(ws, phrases)];
    }
    if (!isWordChar(c)) {
      i++;
      continue;
    }
    if (n === starts.length) {
      starts = grow(starts);
      ends = grow(ends);
    }
    starts[n] = i;
    while (++i < text.length && isWordChar(text.charCodeAt(i)));
    if (i < text.length && text.charCodeAt(i) > 127) continue; // rescanned by the slow path
    ends[n++] = i;
  }
  const counts: number[] = [];
  for (const p of phrases) counts.push(countAscii(text, n, p));
  return [n, counts];
}

function grow(a: Int32Array): Int32Array {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

function countAscii(text: string, n: number, p: Phrase): number {
  const last = p.words.length - 1;
  let count = 0;
  for (let t = 0; t + last < n; t++) {
    let j = 0;
    while (
      j <= last && sameWord(text, starts[t + j], ends[t + j], p.words[j], p.prefix && j === last)
    ) j++;
    if (j > last) count++;
  }
  return last < 0 ? 0 : count;
}

function sameWord(text: string, start: number, end: number, word: string, prefix: boolean) {
  if (prefix ? end - start < word.length : end - start !== word.length) return false;
  for (let k = 0; k < word.length; k++) {
    let c = text.charCodeAt(start + k);
    if (c >= 65 && c <= 90) c |= 32;
    if (c !== word.charCodeAt(k)) return false;
  }
  return true;
}

function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 65 && c <= 90);
}
