/**
 * Codex resolves a turn's `cwd` again at every command, after our check. A
 * turn that can write in a directory above another turn's `cwd` could swap
 * a directory on that path for a link (to a place outside the roots, or to
 * Codex's home) in between. So a turn holds a lease on its place from its
 * check to its end: where it works and where it can write. Two leases
 * conflict when either one can write above the other's `cwd`; the later one
 * waits, in arrival order, and its place is checked again once it holds the
 * lease.
 *
 * @module
 */

import { whenAborted } from "../abort.ts";
import { isWithin } from "../paths.ts";

/** Where a turn works (a real path) and the real paths it can write in. */
export interface PlaceClaim {
  cwd: string;
  writable: readonly string[];
}

/**
 * Whether a turn that can write in `writable` can swap a directory on the
 * path to `cwd`: it can write in one of `cwd`'s parents, below or at a
 * writable directory. (`cwd` itself being writable lets it change what is
 * inside, not where `cwd` leads.)
 *
 * @example
 * ```ts
 * import { exposes } from "./place_leases.ts";
 * exposes(["/repo"], "/repo/sub"); // true: it can replace /repo/sub
 * exposes(["/repo"], "/repo"); // false
 * exposes(["/repo/sub"], "/repo"); // false
 * ```
 */
export function exposes(writable: readonly string[], cwd: string): boolean {
  return writable.some((dir) => cwd !== dir && isWithin(cwd, dir));
}

/**
 * Whether two turns may not run at once: either can swap the other's
 * place.
 *
 * @example
 * ```ts
 * import { claimsConflict } from "./place_leases.ts";
 * claimsConflict({ cwd: "/repo", writable: ["/repo"] }, { cwd: "/repo/sub", writable: [] }); // true
 * claimsConflict({ cwd: "/repo", writable: ["/repo"] }, { cwd: "/repo", writable: ["/repo"] }); // false
 * ```
 */
export function claimsConflict(a: PlaceClaim, b: PlaceClaim): boolean {
  return exposes(a.writable, b.cwd) || exposes(b.writable, a.cwd);
}

interface Pending {
  claim: PlaceClaim;
  grant: () => void;
}

/**
 * The leases of the turns running now, and the claims waiting for one.
 *
 * @example
 * ```ts
 * import { PlaceLeases } from "./place_leases.ts";
 * const leases = new PlaceLeases();
 * const release = await leases.acquire({ cwd: "/repo", writable: ["/repo"] });
 * const later = leases.acquire({ cwd: "/repo/sub", writable: [] }); // waits
 * release();
 * (await later)();
 * ```
 */
export class PlaceLeases {
  readonly #held = new Set<PlaceClaim>();
  readonly #pending: Pending[] = [];

  /**
   * Holds `claim` once no held lease, and no claim that came earlier,
   * conflicts with it; `onWait` is told which lease it waits for. Resolves
   * with the release (call it once, when the turn has ended); rejects with
   * `signal`'s reason when it aborts first.
   */
  acquire(
    claim: PlaceClaim,
    { signal, onWait }: {
      signal?: AbortSignal;
      onWait?: (blocker: PlaceClaim) => void;
    } = {},
  ): Promise<() => void> {
    const release = (): void => {
      if (this.#held.delete(claim)) this.#grantWaiting();
    };
    const blocker = this.#blockerOf(claim, this.#pending.length);
    if (blocker === undefined) {
      this.#held.add(claim);
      return Promise.resolve(release);
    }
    onWait?.(blocker);
    return new Promise((resolve, reject) => {
      const pending: Pending = {
        claim,
        grant: () => {
          forgetAbort();
          resolve(release);
        },
      };
      this.#pending.push(pending);
      const forgetAbort = whenAborted(signal, () => {
        const index = this.#pending.indexOf(pending);
        if (index !== -1) this.#pending.splice(index, 1);
        reject(signal?.reason);
        this.#grantWaiting();
      });
    });
  }

  /** The lease or earlier claim (of the first `before` waiting) in the way. */
  #blockerOf(claim: PlaceClaim, before: number): PlaceClaim | undefined {
    for (const held of this.#held) {
      if (claimsConflict(held, claim)) return held;
    }
    return this.#pending.slice(0, before).map((waiting) => waiting.claim)
      .find((earlier) => claimsConflict(earlier, claim));
  }

  #grantWaiting(): void {
    for (let index = 0; index < this.#pending.length;) {
      const waiting = this.#pending[index];
      if (this.#blockerOf(waiting.claim, index) !== undefined) {
        index++;
        continue;
      }
      this.#pending.splice(index, 1);
      this.#held.add(waiting.claim);
      waiting.grant();
    }
  }
}
