/**
 * The index's own tokenizer and matcher, applied to a few texts: a scratch contentless FTS5
 * table in the connection's temp schema with logs_fts's tokenizer (the default, unicode61;
 * callers check that logs_fts has no other). Asking it is the only way to fold a word or check
 * a line exactly as logs_fts does, whatever the script, case or diacritics.
 */
import type { DatabaseSync } from "node:sqlite";

const ready = new WeakSet<DatabaseSync>();

function scratch(db: DatabaseSync): void {
  if (ready.has(db)) return;
  db.exec(`
    CREATE VIRTUAL TABLE IF NOT EXISTS temp.hero_logs_fts_scratch
      USING fts5(message, content='', detail=none);
    CREATE VIRTUAL TABLE IF NOT EXISTS temp.hero_logs_fts_scratch_terms
      USING fts5vocab(temp, hero_logs_fts_scratch, instance);
  `);
  ready.add(db);
}

/** Indexes `texts` (rowid = position + 1), runs `read`, and empties the table again. */
function withTexts<T>(db: DatabaseSync, texts: string[], read: () => T): T {
  scratch(db);
  const add = db.prepare("INSERT INTO temp.hero_logs_fts_scratch (rowid, message) VALUES (?, ?)");
  try {
    texts.forEach((t, i) => add.run(i + 1, t));
    return read();
  } finally {
    db.exec("INSERT INTO temp.hero_logs_fts_scratch (hero_logs_fts_scratch) VALUES ('delete-all')");
  }
}

/** The distinct tokens of each text, in byte order, as logs_fts would index them. */
export function tokensOf(db: DatabaseSync, texts: string[]): string[][] {
  return withTexts(db, texts, () => {
    const out = texts.map((): string[] => []);
    for (
      const r of db.prepare("SELECT term, doc FROM temp.hero_logs_fts_scratch_terms").all()
    ) {
      out[Number(r.doc) - 1].push(String(r.term));
    }
    return out;
  });
}

/** The positions of the texts that match the FTS5 `expression`, as logs_fts would match them. */
export function matchingTexts(db: DatabaseSync, texts: string[], expression: string): Set<number> {
  return withTexts(db, texts, () =>
    new Set(
      db.prepare(
        "SELECT rowid FROM temp.hero_logs_fts_scratch WHERE hero_logs_fts_scratch MATCH ?",
      ).all(expression).map((r) => Number(r.rowid) - 1),
    ));
}
