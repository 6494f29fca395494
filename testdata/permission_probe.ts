/**
 * Prints what this run may do, as JSON: for the launcher's tests. Each
 * argument is a path (but an option, `--complete`, which the launcher reads);
 * the probe says whether it may read and write it, and whether the run may
 * reach the network and start `sh`. With `wait`, it then waits for SIGTERM
 * and exits 143 saying so.
 *
 * @module
 */
if (Deno.args.includes("wait")) {
  // Listening before it prints: a test sends SIGTERM once it reads the line.
  Deno.addSignalListener("SIGTERM", () => {
    console.log("got SIGTERM");
    Deno.exit(143);
  });
}
const paths = Deno.args.filter((arg) =>
  arg !== "wait" && !arg.startsWith("--")
);
const states = Object.fromEntries(paths.map((path) => [path, {
  read: Deno.permissions.querySync({ name: "read", path }).state,
  write: Deno.permissions.querySync({ name: "write", path }).state,
}]));
console.log(JSON.stringify({
  states,
  env: Deno.permissions.querySync({ name: "env", variable: "OPENAI_API_KEY" })
    .state,
  net: Deno.permissions.querySync({ name: "net", host: "127.0.0.1" }).state,
  run: Deno.permissions.querySync({ name: "run", command: "sh" }).state,
}));
if (Deno.args.includes("wait")) await new Promise(() => {});
