/**
 * The hero_collab bench's corpus: a database with users, 26 channels (one, `live`, left empty
 * for the delivery run) and N messages of 4–30 words drawn from a 3,000-word vocabulary with a
 * Zipf distribution, spread over a year, written through the object layer (so the FTS index and
 * every column are as hero_collab writes them). Probe words with known frequencies make the
 * searches comparable: `zanzibar` in exactly 10 messages, `kubernetes` in 1%, `deploy…` in
 * 0.5%, the phrase "release candidate" in 0.1%.
 */
import path from "node:path";
import { CollabService } from "../collab/src/collab_service.ts";
import { OWNER_CALLER } from "../collab/src/identity/caller.ts";

/** What the bench needs to know of the corpus. */
export interface Corpus {
  /** User ids by index (`u0000`, `u0001`, …). */
  users: string[];
  /** The most frequent word. */
  commonWord: string;
  /** An empty public channel for the delivery run. */
  liveChannel: string;
}

/** A small deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Writes the corpus into a new database at `dbPath`. */
export function buildCorpus(dbPath: string, count: number, userCount: number): Corpus {
  const svc = new CollabService({ dbPath, filesDir: path.join(path.dirname(dbPath), "files") });
  const owner = svc.access.actor(OWNER_CALLER);
  const random = rng(13);
  const users: string[] = [];
  for (let i = 0; i < userCount; i++) {
    const name = `u${String(i).padStart(4, "0")}`;
    svc.store.directory.upsertUser({
      id: `id-${name}`,
      username: name,
      display_name: `User ${i}`,
      is_bot: false,
      disabled: false,
    });
    users.push(`id-${name}`);
  }
  const ws = svc.channels.workspaces(owner)[0];
  const channels: string[] = [];
  for (let i = 0; i < 20; i++) {
    channels.push(svc.channels.create(owner, { workspace_id: ws.id, name: `ops-${i}` }).id);
  }
  for (let i = 0; i < 5; i++) {
    const c = svc.channels.create(owner, {
      workspace_id: ws.id,
      name: `team-${i}`,
      kind: "private",
    });
    svc.channels.invite(owner, c.id, users.filter((_, u) => u % 5 === i || (u === 1 && i < 2)));
    channels.push(c.id);
  }
  const live = svc.channels.create(owner, { workspace_id: ws.id, name: "live" }).id;

  const syllables = ["ka", "lo", "mi", "ru", "te", "so", "van", "dor", "pel", "ix", "qua", "ne"];
  const vocab: string[] = [];
  while (vocab.length < 3000) {
    const n = 1 + Math.floor(random() * 4);
    let w = "";
    for (let i = 0; i < n; i++) w += syllables[Math.floor(random() * syllables.length)];
    if (!vocab.includes(w)) vocab.push(w);
  }
  const cumulative: number[] = [];
  let sum = 0;
  for (let r = 1; r <= vocab.length; r++) cumulative.push(sum += 1 / r);
  const word = () => {
    const x = random() * sum;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return vocab[lo];
  };

  const year = 365 * 86_400_000;
  const start = Date.now() - year;
  const db = svc.store.db;
  // A bulk load: a large page cache keeps the indexes' growing B-trees off the disk.
  db.exec("PRAGMA cache_size = -524288");
  db.exec("PRAGMA synchronous = OFF");
  const batch = 50_000;
  for (let from = 0; from < count; from += batch) {
    db.exec("BEGIN");
    for (let i = from; i < Math.min(count, from + batch); i++) {
      const words: string[] = [];
      const length = 4 + Math.floor(random() * 27);
      for (let k = 0; k < length; k++) words.push(word());
      const p = random();
      if (p < 0.01) words.splice(Math.floor(random() * words.length), 0, "kubernetes");
      if (random() < 0.005) words.push(["deploy", "deployment", "deployed"][i % 3]);
      if (random() < 0.001) words.unshift("release", "candidate");
      if (i % Math.floor(count / 10) === 7) words.push("zanzibar");
      const channel = channels[Math.floor(random() * channels.length)];
      svc.store.messages.insert({
        workspace_id: ws.id,
        channel_id: channel,
        user_id: users[Math.floor(random() * users.length)],
        kind: "user",
        bot_name: null,
        text: words.join(" "),
        thread_id: null,
        also_in_channel: false,
        reply_count: 0,
        last_reply_at: null,
        mentions: { users: [], groups: [], channel: false },
        files: [],
        edited_at: null,
        deleted_at: null,
        pinned_at: null,
        pinned_by: null,
      }, { now: start + Math.floor((i / count) * year) });
    }
    db.exec("COMMIT");
  }
  db.exec("PRAGMA optimize");
  db.exec("INSERT INTO messages_fts(messages_fts) VALUES ('optimize')");
  svc.close();
  return { users, commonWord: vocab[0], liveChannel: live };
}
