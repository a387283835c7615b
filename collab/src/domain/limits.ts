/** hero_collab's limits: sizes, counts and per-user rates, with their defaults. */

/** Limits of one hero_collab. */
export interface CollabLimits {
  /** Longest message text, in characters. */
  maxMessageChars: number;
  /** Largest upload, in bytes. */
  maxUploadBytes: number;
  /** Most files on one message. */
  maxFilesPerMessage: number;
  /** Most distinct reactions on one message. */
  maxReactionsPerMessage: number;
  /** Most people in a group DM. */
  maxGroupDm: number;
  /** Per-user rate of writes (posts, edits, reactions, uploads): burst and refill per second. */
  writeBurst: number;
  writesPerSecond: number;
}

/** The defaults. */
export const DEFAULT_LIMITS: CollabLimits = {
  maxMessageChars: 16_000,
  maxUploadBytes: 20 * 1024 * 1024,
  maxFilesPerMessage: 10,
  maxReactionsPerMessage: 50,
  maxGroupDm: 9,
  writeBurst: 30,
  writesPerSecond: 5,
};
