/**
 * Where a turn runs, held: its place is checked, leased (see
 * `place_leases.ts`), and checked again under the lease, where nothing that
 * could swap it runs.
 *
 * @module
 */

import { throwIfCancelled } from "../codex/verdict.ts";
import { CodexError } from "../errors.ts";
import type { PlaceClaim, PlaceLeases } from "./place_leases.ts";
import type { RunningTurn } from "./running_turn.ts";
import { resolveSessionPlace, type SessionPlace } from "./session_cwd.ts";
import type { WorkspaceBounds } from "./workspace_roots.ts";

/** A checked place and the release of its lease (call it once, at the end). */
export interface LeasedPlace {
  place: SessionPlace;
  release: () => void;
}

/**
 * Resolves the call's place, waits for its lease (reporting why on
 * `turn`), and checks the place again. Throws `cancelled` when the turn is
 * stopped while it waits, and `not_allowed` when the place changed.
 *
 * @example
 * ```ts ignore
 * const { place, release } = await leasedPlace(leases, bounds, call, claimOf, turn);
 * try { await run(place); } finally { release(); }
 * ```
 */
export async function leasedPlace(
  leases: PlaceLeases,
  bounds: WorkspaceBounds,
  call: { sessionId?: string; cwd?: string },
  claimOf: (cwd: string) => Promise<PlaceClaim>,
  turn: RunningTurn,
): Promise<LeasedPlace> {
  const place = await resolveSessionPlace(bounds, call);
  const release = await leases.acquire(await claimOf(place.cwd), {
    signal: turn.signal,
    onWait: (blocker) =>
      turn.report(
        `Waiting: a running turn can write in ${
          blocker.writable.join(", ")
        }, above ${place.cwd}`,
      ),
  }).catch((reason) => {
    throwIfCancelled(turn.signal, call.sessionId);
    throw reason;
  });
  try {
    const again = await resolveSessionPlace(bounds, call);
    if (again.cwd !== place.cwd) {
      throw new CodexError(
        "not_allowed",
        `cwd ${place.cwd} changed while this call waited for a turn that could write above it (it now leads to ${again.cwd}).`,
        {
          sessionId: call.sessionId,
          hint: "Nothing ran. Check the directory, then call again.",
        },
      );
    }
  } catch (error) {
    release();
    throw error;
  }
  return { place, release };
}
