/**
 * The one retention rule for what the server keeps for a client to collect
 * (uncollected turn results, tasks, calls held for an `input_required`
 * retry): once its turn has settled, an entry is kept
 * `CODEX_PERSISTENT_MCP_RESULT_RETENTION_MS`, and only the newest
 * `CODEX_PERSISTENT_MCP_MAX_RETAINED_RESULTS` settled ones are kept. An
 * entry whose turn has not settled is never dropped: the queue bounds bound
 * those, and a client may still be owed its answer.
 *
 * @module
 */

/** The two settings of the rule. */
export interface RetentionBounds {
  resultRetentionMs: number;
  maxRetainedResults: number;
}

/**
 * The entries the rule drops now: settled ones past their time, then the
 * oldest settled past the count.
 *
 * @example
 * ```ts
 * import { expiredEntries } from "./retention.ts";
 * const entries = [{ at: 1 }, { at: undefined }, { at: 5 }];
 * expiredEntries(entries, (entry) => entry.at, {
 *   resultRetentionMs: 1_000,
 *   maxRetainedResults: 1,
 * }, 10); // [{ at: 1 }]
 * ```
 */
export function expiredEntries<T>(
  entries: Iterable<T>,
  settledAt: (entry: T) => number | undefined,
  bounds: RetentionBounds,
  now: number = Date.now(),
): T[] {
  const settled = [...entries]
    .map((entry) => ({ entry, at: settledAt(entry) }))
    .filter((item): item is { entry: T; at: number } => item.at !== undefined)
    .sort((a, b) => a.at - b.at);
  const excess = settled.length - bounds.maxRetainedResults;
  return settled.filter(({ at }, index) =>
    index < excess || at < now - bounds.resultRetentionMs
  ).map(({ entry }) => entry);
}
