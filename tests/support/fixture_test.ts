/** One `Deno.test` around a fixture that is started for it and always closed. */

/**
 * Registers `name`: `start` builds the fixture, `body` runs on it, and the
 * fixture is closed after, pass or fail.
 */
export function fixtureTest<Fixture extends { close(): Promise<void> }>(
  name: string,
  options: Omit<Deno.TestDefinition, "name" | "fn">,
  start: () => Promise<Fixture>,
  body: (fixture: Fixture) => Promise<void>,
): void {
  Deno.test({
    name,
    ...options,
    async fn() {
      const fixture = await start();
      try {
        await body(fixture);
      } finally {
        await fixture.close();
      }
    },
  });
}
