import assert from "node:assert/strict";
import {
  cacheArgs,
  cacheEnv,
  cacheFailure,
  importedOutside,
  infoArgs,
  type ModuleGraph,
  type Outside,
  pathsToResolve,
} from "./cache.ts";
import type { ToolServer } from "../config/file.ts";

const SERVER: ToolServer = {
  name: "files",
  kind: "module",
  target: "npm:@modelcontextprotocol/server-filesystem@2026.8.31",
  args: ["/notes"],
  grants: { read: ["/notes"], write: [], net: [], env: [], run: [] },
  env: {},
  headers: {},
  allow: [],
};

Deno.test("cacheArgs() fetches with no config of the current folder and the imports the sandbox allows", () => {
  assert.deepEqual(cacheArgs(SERVER), [
    "cache",
    "--no-config",
    "--quiet",
    "--no-remote",
    "npm:@modelcontextprotocol/server-filesystem@2026.8.31",
  ]);
  assert.deepEqual(cacheArgs({ ...SERVER, target: "jsr:@me/server" }), [
    "cache",
    "--no-config",
    "--quiet",
    "--allow-import=jsr.io:443",
    "jsr:@me/server",
  ]);
  assert.deepEqual(
    cacheArgs({ ...SERVER, target: "https://mcp.example:8443/s.ts" }),
    [
      "cache",
      "--no-config",
      "--quiet",
      "--allow-import=mcp.example:8443",
      "https://mcp.example:8443/s.ts",
    ],
  );
});

Deno.test("cacheEnv() gives the fetch where the cache is and the user's network settings, nothing else", () => {
  const env = (name: string) => {
    if (name === "DENO_CERT") throw new Deno.errors.NotCapable("no");
    return ({
      HOME: "/home/ada",
      DENO_DIR: "/cache/deno",
      PATH: "/usr/bin",
      OPENAI_API_KEY: "sk-not-passed",
      GPT4O_WORK_KEY: "sk-not-passed-either",
      HTTPS_PROXY: "http://proxy:3128",
      no_proxy: "localhost",
      NODE_EXTRA_CA_CERTS: "/etc/ssl/ca.pem",
      DENO_TLS_CA_STORE: "system",
    } as Record<string, string>)[name];
  };
  assert.deepEqual(cacheEnv(env), {
    NO_COLOR: "1",
    HOME: "/home/ada",
    DENO_DIR: "/cache/deno",
    HTTPS_PROXY: "http://proxy:3128",
    no_proxy: "localhost",
    NODE_EXTRA_CA_CERTS: "/etc/ssl/ca.pem",
    DENO_TLS_CA_STORE: "system",
  });
});

Deno.test("cacheFailure() says in one line what Deno could not fetch or load, and what to do", async (t) => {
  const line = (what: string, advice: string, target = SERVER.target) =>
    `tool server files did not start: its module ${target} ${what}; ${advice}`;
  const npm =
    "https://registry.npmjs.org/@modelcontextprotocol%2fserver-filesystem";
  const failedLoading =
    `error: Failed loading ${npm} for package "@modelcontextprotocol/server-filesystem"\n`;
  const cases: [string, string, string, Record<string, string>?][] = [
    [
      "a CA of the network's own",
      `\x1b[0m\x1b[1m\x1b[31merror\x1b[0m: Failed loading ${npm} for package "x"\n` +
      `    0: error sending request for url (${npm}): client error (Connect): ` +
      "invalid peer certificate: UnknownIssuer\n",
      line(
        "could not be fetched from registry.npmjs.org: invalid peer certificate: UnknownIssuer",
        "if your network inspects TLS (a proxy), set NODE_EXTRA_CA_CERTS (or " +
          "DENO_CERT) to the file of its CA certificate",
      ),
    ],
    [
      "an expired certificate",
      failedLoading +
      `    0: error sending request for url (${npm}): client error (Connect): ` +
      "invalid peer certificate: Expired\n",
      line(
        "could not be fetched from registry.npmjs.org: invalid peer certificate: Expired",
        "the server's certificate is not valid: check the module's URL",
      ),
    ],
    [
      "no network",
      failedLoading +
      `    0: error sending request for url (${npm}): client error (Connect): ` +
      "dns error: failed to lookup address information: Name or service not known\n",
      line(
        "could not be fetched from registry.npmjs.org: dns error: failed to " +
          "lookup address information: Name or service not known",
        "check the network; behind a proxy, set HTTPS_PROXY",
      ),
    ],
    [
      "a proxy that is not there, with a password",
      failedLoading +
      `    0: error sending request for url (${npm}): client error (Connect): ` +
      "tcp connect error: Connection refused (os error 111) at http://ada:s3cret@proxy:3128\n",
      line(
        "could not be fetched from registry.npmjs.org: tcp connect error: " +
          "Connection refused (os error 111) at http://proxy:3128",
        "check the network, and the proxy that https_proxy names",
      ),
      { https_proxy: "http://ada:s3cret@proxy:3128" },
    ],
    [
      "no such package",
      "error: npm package 'server-filesystem' does not exist.\n",
      line(
        "could not be loaded: npm package 'server-filesystem' does not exist",
        "check module in [mcp.files] of the config file",
      ),
    ],
    [
      "no such file",
      'error: Module not found "file:///nowhere/server.ts".\n',
      line(
        'could not be loaded: Module not found "file:///nowhere/server.ts"',
        "check module in [mcp.files] of the config file",
        "/nowhere/server.ts",
      ),
    ],
    [
      "code that does not parse",
      "error: SyntaxError: Expression expected\n  |\n1 | const x = ;\n" +
      "  |           ~\n    at file:///srv/s.ts:1:11\n",
      line(
        "could not be loaded: SyntaxError: Expression expected (at file:///srv/s.ts:1:11)",
        "check module in [mcp.files] of the config file",
        "/srv/s.ts",
      ),
    ],
    [
      "a local module that imports from the network",
      'error: A remote specifier was requested: "https://deno.land/x/y.ts", ' +
      "but --no-remote is specified.\n    at file:///srv/s.ts:1:8\n",
      line(
        'could not be loaded: A remote specifier was requested: "https://deno.land/x/y.ts", ' +
          "but --no-remote is specified (at file:///srv/s.ts:1:8)",
        "a module server may import no code from the network but its own " +
          "(see the README's Tools)",
        "/srv/s.ts",
      ),
    ],
    [
      "nothing said",
      "",
      line(
        "could not be loaded: deno cache failed",
        "check module in [mcp.files] of the config file",
      ),
    ],
  ];
  for (const [name, stderr, expected, env] of cases) {
    await t.step(name, () => {
      const target = expected.match(/its module (\S+) /)![1];
      assert.equal(cacheFailure({ ...SERVER, target }, stderr, env), expected);
    });
  }
  await t.step("a module URL's credentials are not shown", () => {
    assert.match(
      cacheFailure(
        { ...SERVER, target: "https://ada:tok@mcp.example/s.ts" },
        "error: Import 'https://ada:tok@mcp.example/s.ts' failed.\n",
      ),
      /^tool server files did not start: its module https:\/\/mcp\.example\/s\.ts could not be loaded: Import 'https:\/\/mcp\.example\/s\.ts' failed;/,
    );
  });
});

Deno.test("infoArgs() reads the graph with the flags of the fetch", () => {
  assert.deepEqual(infoArgs({ ...SERVER, target: "jsr:@me/server" }), [
    "info",
    "--json",
    "--no-config",
    "--quiet",
    "--allow-import=jsr.io:443",
    "jsr:@me/server",
  ]);
});

/** A graph of `root` and `files`, as `deno info --json` gives it, with an npm package, a builtin and a remote module. */
function graphOf(root: string, ...files: string[]): ModuleGraph {
  const file = (path: string) => ({ specifier: `file://${path}`, local: path });
  return {
    roots: [root.startsWith("/") ? `file://${root}` : root],
    modules: [
      ...(root.startsWith("/") ? [file(root)] : []),
      ...files.map(file),
      { specifier: "npm:/@modelcontextprotocol/server@2.4.0" },
      { specifier: "node:fs" },
      { specifier: "https://jsr.io/@std/path/1.0.0/mod.ts", local: "/cache/x" },
    ],
  };
}

Deno.test("importedOutside() finds a file of the graph outside the module's folder and its allow_read, its links followed", async (t) => {
  const links: Record<string, string | undefined> = {
    "/srv/notes/key": "/home/me/.ssh/id_rsa",
    "/srv/notes/keys/id_rsa": "/home/me/.ssh/id_rsa",
    "/srv/linked": "/data/server",
    "/granted": "/data/granted",
    "/gone": undefined,
    "/srv/notes/missing.ts": undefined,
    "/home/me/.ssh/gone.txt": undefined,
  };
  const real = (path: string) => path in links ? links[path] : path;
  const cases: [string, ModuleGraph, string[], Outside | undefined][] = [
    [
      "a file beside the module",
      graphOf("/srv/notes/server.ts", "/srv/notes/lib/a.ts", "/srv/notes/n.md"),
      [],
      undefined,
    ],
    [
      "a file above its folder",
      graphOf("/srv/notes/server.ts", "/srv/config.toml"),
      [],
      { file: "/srv/config.toml", folder: "/srv/notes" },
    ],
    [
      "a folder whose name begins as the module's does",
      graphOf("/srv/notes/server.ts", "/srv/notes-old/a.ts"),
      [],
      { file: "/srv/notes-old/a.ts", folder: "/srv/notes" },
    ],
    [
      "a file in allow_read",
      graphOf("/srv/notes/server.ts", "/home/me/.ssh/id_rsa"),
      ["/home/me/.ssh"],
      undefined,
    ],
    [
      "a link beside the module to a file outside",
      graphOf("/srv/notes/server.ts", "/srv/notes/key"),
      [],
      {
        file: "/srv/notes/key",
        real: "/home/me/.ssh/id_rsa",
        folder: "/srv/notes",
      },
    ],
    [
      "a file under a linked folder beside the module",
      graphOf("/srv/notes/server.ts", "/srv/notes/keys/id_rsa"),
      ["/home/me/notes"],
      {
        file: "/srv/notes/keys/id_rsa",
        real: "/home/me/.ssh/id_rsa",
        folder: "/srv/notes",
      },
    ],
    [
      "a module in a linked folder, importing from where the link points",
      graphOf("/srv/linked/server.ts", "/data/server/lib.ts"),
      [],
      undefined,
    ],
    [
      "a grant that is a link, and a grant that is not there",
      graphOf("/srv/notes/server.ts", "/data/granted/a.txt", "/gone/b.txt"),
      ["/gone", "/granted"],
      { file: "/gone/b.txt", folder: "/srv/notes" },
    ],
    [
      "a missing file beside the module (Deno says it is missing)",
      graphOf("/srv/notes/server.ts", "/srv/notes/missing.ts"),
      [],
      undefined,
    ],
    [
      "a missing file outside",
      graphOf("/srv/notes/server.ts", "/home/me/.ssh/gone.txt"),
      [],
      { file: "/home/me/.ssh/gone.txt", folder: "/srv/notes" },
    ],
    [
      "an npm module with a local file (it has no folder)",
      graphOf("npm:server@1", "/srv/notes/a.ts"),
      [],
      { file: "/srv/notes/a.ts" },
    ],
    ["an npm module alone", graphOf("npm:server@1"), [], undefined],
  ];
  for (const [name, graph, read, expected] of cases) {
    await t.step(name, () => {
      assert.deepEqual(importedOutside(graph, read, real), expected);
    });
  }
});

Deno.test("pathsToResolve() asks where the folder, the grants and the files are, and nothing when the graph has no local file but the module", () => {
  assert.deepEqual(
    pathsToResolve(
      graphOf("/srv/notes/server.ts", "/srv/notes/a.ts", "/srv/x.json"),
      ["/notes", "/srv/notes"],
    ),
    ["/srv/notes", "/notes", "/srv/notes/a.ts", "/srv/x.json"],
  );
  assert.deepEqual(pathsToResolve(graphOf("/srv/notes/server.ts"), []), []);
  assert.deepEqual(pathsToResolve(graphOf("npm:server@1"), ["/notes"]), []);
});
