import assert from "node:assert/strict";
import { reasonOf, sandboxArgs, serverEnv } from "./servers.ts";
import type { ToolServer } from "../config/file.ts";

const SERVER: ToolServer = {
  name: "s",
  kind: "module",
  target: "npm:server@1",
  args: ["--root", "/notes"],
  grants: {
    read: ["/notes", "/docs"],
    write: ["/notes"],
    net: ["api.example.com:443"],
    env: ["NOTES_TOKEN"],
    run: ["git"],
  },
  env: {},
  headers: {},
  allow: [],
};

Deno.test("sandboxArgs() runs the module with no prompt, no config, no variable it was not granted, and only its grants", () => {
  assert.deepEqual(sandboxArgs(SERVER), [
    "run",
    "--no-prompt",
    "--no-config",
    "--quiet",
    "--ignore-env",
    "--no-remote",
    "--allow-read=/notes,/docs",
    "--allow-write=/notes",
    "--allow-net=api.example.com:443",
    "--allow-env=NOTES_TOKEN",
    "--allow-run=git",
    "npm:server@1",
    "--root",
    "/notes",
  ]);
});

Deno.test("sandboxArgs() lets a module import from the network only what it is made of", () => {
  const imports = (target: string) =>
    sandboxArgs({ ...SERVER, target }).filter((flag) =>
      /^--(no-remote|allow-import)/.test(flag)
    );
  assert.deepEqual(imports("npm:server@1"), ["--no-remote"]);
  assert.deepEqual(imports("/home/me/server.ts"), ["--no-remote"]);
  assert.deepEqual(imports("jsr:@me/server"), ["--allow-import=jsr.io:443"]);
  assert.deepEqual(imports("https://example.com/s.ts"), [
    "--allow-import=example.com:443",
  ]);
});

Deno.test("serverEnv() passes on only what the server needs and was given, never a key", () => {
  const env = (name: string) => {
    if (name === "SECRET_ONE") throw new Deno.errors.NotCapable("no");
    return ({
      HOME: "/home/ada",
      PATH: "/usr/bin",
      DENO_DIR: "/cache/deno",
      OPENAI_API_KEY: "sk-not-passed",
      NOTES_TOKEN: "from-env",
    } as Record<string, string>)[name];
  };
  assert.deepEqual(serverEnv(SERVER, env), {
    NO_COLOR: "1",
    HOME: "/home/ada",
    DENO_DIR: "/cache/deno",
    NOTES_TOKEN: "from-env",
  });
  assert.deepEqual(
    serverEnv({
      ...SERVER,
      kind: "command",
      target: "uvx",
      grants: { ...SERVER.grants, env: ["SECRET_ONE", "NOTES_TOKEN"] },
      env: { NOTES_TOKEN: "from-config" },
    }, env),
    {
      NO_COLOR: "1",
      PATH: "/usr/bin",
      HOME: "/home/ada",
      NOTES_TOKEN: "from-config",
    },
  );
});

Deno.test("reasonOf() says why a server failed in one line, with its own last words", () => {
  assert.equal(
    reasonOf(new Deno.errors.NotFound("Failed to spawn 'uvx': No such file")),
    "the program was not found",
  );
  assert.equal(
    reasonOf(new Error("MCP error -32001: Request timed out")),
    "it did not answer in time",
  );
  assert.equal(
    reasonOf(
      new Error("MCP error -32000: Connection closed"),
      "warming up\nerror: boom\n\n",
    ),
    "it exited (it said: error: boom)",
  );
  assert.equal(
    reasonOf(
      new Error("MCP error -32000: MCP error -32000: Connection closed"),
      "Error: boom\n    at main (file:///s.ts:5:72)\n    at <anonymous>\n",
    ),
    "it exited (it said: Error: boom)",
  );
  assert.equal(
    reasonOf(
      new Error(
        'Invalid tools/call result: [\n  {\n    "code": "invalid_type"',
      ),
    ),
    "it answered in a shape the protocol does not allow",
  );
  assert.equal(
    reasonOf(new Error("MCP error -32603: list failed")),
    "list failed",
  );
  assert.match(
    reasonOf(new Deno.errors.NotCapable('Requires run access to "deno"')),
    /^this run may not start programs/,
  );
});
