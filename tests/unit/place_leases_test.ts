/**
 * Place leases: a turn that can write above another's cwd never runs beside
 * it; waiting claims are granted in arrival order; a stopped wait leaves.
 */

import {
  claimsConflict,
  exposes,
  PlaceLeases,
} from "../../src/turns/place_leases.ts";
import { assert, assertEquals } from "../support/assert.ts";

Deno.test("a writer exposes the cwds strictly below what it can write, not its own or those above", () => {
  assert(exposes(["/r"], "/r/a"));
  assert(exposes(["/r"], "/r/a/b"));
  assert(exposes(["/tmp", "/r"], "/tmp/x"));
  assert(!exposes(["/r"], "/r"));
  assert(!exposes(["/r/a"], "/r"));
  assert(!exposes(["/r"], "/rx/a"));
  assert(!exposes([], "/r/a"));
  // Either way round.
  const writer = { cwd: "/r", writable: ["/r"] };
  const reader = { cwd: "/r/a", writable: [] };
  assert(claimsConflict(writer, reader));
  assert(claimsConflict(reader, writer));
  assert(!claimsConflict(writer, { cwd: "/r", writable: ["/r"] }));
  assert(!claimsConflict(reader, { cwd: "/r/a/b", writable: [] }));
});

Deno.test("a conflicting claim waits for the release; others pass; waiters go in arrival order", async () => {
  const leases = new PlaceLeases();
  const order: string[] = [];
  const releaseWriter = await leases.acquire({ cwd: "/r", writable: ["/r"] });
  let waited = "";
  const below = leases.acquire({ cwd: "/r/a", writable: ["/r/a"] }, {
    onWait: (blocker) => waited = blocker.cwd,
  }).then((release) => (order.push("below"), release));
  assertEquals(waited, "/r");
  // A later claim that conflicts only with the waiting one waits behind it.
  const deeper = leases.acquire({ cwd: "/r/a/b", writable: [] })
    .then((release) => (order.push("deeper"), release));
  // Elsewhere: at once.
  (await leases.acquire({ cwd: "/s/a", writable: ["/s/a"] }))();
  order.push("elsewhere");
  releaseWriter();
  const releaseBelow = await below;
  releaseBelow();
  (await deeper)();
  assertEquals(order, ["elsewhere", "below", "deeper"]);
});

Deno.test("a wait stopped by its signal rejects with the reason and lets later claims through", async () => {
  const leases = new PlaceLeases();
  const release = await leases.acquire({ cwd: "/r", writable: ["/r"] });
  const stopper = new AbortController();
  const stopped = leases.acquire({ cwd: "/r/a", writable: ["/r/a"] }, {
    signal: stopper.signal,
  });
  stopper.abort("the client cancelled the call");
  assertEquals(
    await stopped.then(() => "granted", (reason) => String(reason)),
    "the client cancelled the call",
  );
  release();
  (await leases.acquire({ cwd: "/r/a", writable: [] }))();
});
