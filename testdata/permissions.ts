/**
 * Tests that need a permission plain `deno test` does not give: each ignores
 * itself when the run lacks one, its name saying which flag it needs and
 * that `deno task test` runs it, so that plain `deno test` passes anywhere.
 *
 * ```ts ignore
 * const reading = testWith({ name: "read", path: "testdata" });
 * reading("readAttachment() reads a file's exact bytes", async () => {…});
 * ```
 *
 * @module
 */

/** A test's body, as `Deno.test` takes it. */
export type TestFn = (t: Deno.TestContext) => void | Promise<void>;

/** How the flag that grants `wanted` reads on the command line. */
export function flagOf(wanted: Deno.PermissionDescriptor): string {
  switch (wanted.name) {
    case "read":
    case "write":
      return `--allow-${wanted.name}${wanted.path ? `=${wanted.path}` : ""}`;
    case "run":
      return `--allow-run${wanted.command ? `=${wanted.command}` : ""}`;
    case "net":
      return `--allow-net${wanted.host ? `=${wanted.host}` : ""}`;
    case "env":
      return `--allow-env${wanted.variable ? `=${wanted.variable}` : ""}`;
    case "sys":
      return `--allow-sys${wanted.kind ? `=${wanted.kind}` : ""}`;
    default:
      return `--allow-${wanted.name}`;
  }
}

/**
 * The flags of `wanted` that this run lacks, as `--allow-…` words; empty
 * when it has them all.
 */
export function lacking(...wanted: Deno.PermissionDescriptor[]): string[] {
  return wanted.filter((each) =>
    Deno.permissions.querySync(each).state !== "granted"
  ).map(flagOf);
}

/**
 * `Deno.test` for tests that need `wanted`: run as they are when the run has
 * it all, else ignored, named with the flags they lack and the command that
 * runs them.
 */
export function testWith(
  ...wanted: Deno.PermissionDescriptor[]
): (name: string, fn: TestFn) => void {
  const missing = lacking(...wanted);
  return (name, fn) =>
    Deno.test({
      name: missing.length === 0 ? name : `${name} ${ignoredNote(missing)}`,
      ignore: missing.length > 0,
      fn,
    });
}

/** What an ignored test's name ends with: what it needs, and what runs it. */
export function ignoredNote(missing: string[]): string {
  return `(ignored: needs ${missing.join(" ")}; run \`deno task test\`)`;
}
