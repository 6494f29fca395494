/**
 * A `module` tool server's code fetched into Deno's cache, and checked,
 * before its sandbox starts: `deno info --json` runs with the user's network
 * settings (proxies, certificate authorities) and Deno's cache location, and
 * no other variable, under the same import limits as the sandbox, and says
 * what the module's graph holds; a local file in it outside the module's own
 * folder and its `allow_read` (links followed) stops the start, since Deno
 * loads a module's graph without asking its read permission. The sandbox then
 * runs the module with `--cached-only` and none of those settings, so that
 * nothing new can be fetched while it runs. Once the module is cached, the
 * step downloads nothing and takes a few tens of milliseconds.
 *
 * @module
 */
import type { ToolServer } from "../config/file.ts";
import { ConfigError } from "../config/connection.ts";
import { DENO_CACHE_ENV, DENO_NETWORK_ENV } from "../launch/permissions.ts";
import { visible } from "../io/terminal.ts";
import { dirname, isAbsolute, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * What a module may import from the network: nothing for an npm package or a
 * local file (Deno's default hosts would be open else), jsr.io for a `jsr:`
 * module, its own host for an `https:` one.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { importFlags } from "./cache.ts";
 * assert.deepEqual(importFlags("https://example.com/s.ts"), ["--allow-import=example.com:443"]);
 * ```
 */
export function importFlags(target: string): string[] {
  if (target.startsWith("jsr:")) return ["--allow-import=jsr.io:443"];
  if (/^https?:\/\//i.test(target)) {
    try {
      const url = new URL(target);
      const port = url.port || (url.protocol === "https:" ? "443" : "80");
      return [`--allow-import=${url.hostname}:${port}`];
    } catch {
      return ["--no-remote"];
    }
  }
  return ["--no-remote"];
}

/**
 * The `deno` arguments that fetch a module server's code, and all it
 * imports, into the cache: no config or lock file of the current folder, and
 * the imports the sandbox allows.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cacheArgs } from "./cache.ts";
 * assert.deepEqual(
 *   cacheArgs({
 *     name: "files", kind: "module", target: "npm:server@1", args: ["/notes"],
 *     grants: { read: ["/notes"], write: [], net: [], env: [], run: [] },
 *     env: {}, headers: {}, allow: [],
 *   }),
 *   ["cache", "--no-config", "--quiet", "--no-remote", "npm:server@1"],
 * );
 * ```
 */
export function cacheArgs(server: ToolServer): string[] {
  return [
    "cache",
    "--no-config",
    "--quiet",
    ...importFlags(server.target),
    server.target,
  ];
}

/**
 * The environment of that fetch, and nothing else: where Deno's cache is
 * ({@linkcode DENO_CACHE_ENV}) and how it reaches the network
 * ({@linkcode DENO_NETWORK_ENV}), from the variables the program may read.
 */
export function cacheEnv(
  env: (name: string) => string | undefined,
): Record<string, string> {
  const result: Record<string, string> = { NO_COLOR: "1" };
  for (const name of [...DENO_CACHE_ENV, ...DENO_NETWORK_ENV]) {
    let value;
    try {
      value = env(name);
    } catch {
      continue; // a variable this run may not read is not passed on
    }
    if (value !== undefined) result[name] = value;
  }
  return result;
}

/**
 * The `deno` arguments that fetch a module server's code, and all it
 * imports, into the cache and say what its graph holds, as JSON: the flags
 * of {@linkcode cacheArgs}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { infoArgs } from "./cache.ts";
 * assert.deepEqual(
 *   infoArgs({
 *     name: "files", kind: "module", target: "/srv/files/server.ts", args: [],
 *     grants: { read: [], write: [], net: [], env: [], run: [] },
 *     env: {}, headers: {}, allow: [],
 *   }),
 *   ["info", "--json", "--no-config", "--quiet", "--no-remote", "/srv/files/server.ts"],
 * );
 * ```
 */
export function infoArgs(server: ToolServer): string[] {
  return ["info", "--json", ...cacheArgs(server).slice(1)];
}

/** What `deno info --json` says of a module's graph: the parts read here. */
export interface ModuleGraph {
  roots: string[];
  modules: {
    specifier: string;
    /** Where its source is: for a `file:` module, the file. */
    local?: string;
    error?: string;
    dependencies?: {
      code?: { error?: string };
      type?: { error?: string };
    }[];
  }[];
  redirects?: Record<string, string>;
}

/** A local file of a module's graph that its grants do not cover. */
export interface Outside {
  /** The file as the graph names it. */
  file: string;
  /**
   * Where it is, its links followed, when a link is what takes it outside
   * (the file itself lies inside).
   */
  real?: string;
  /** The module's own folder, when the module is a local file. */
  folder?: string;
}

/**
 * The paths whose real places (links followed) {@linkcode importedOutside}
 * needs: the module's folder, each `allow_read` and each local file of the
 * graph.
 */
export function pathsToResolve(graph: ModuleGraph, read: string[]): string[] {
  const { root, files } = localFiles(graph);
  return files.length === 0
    ? []
    : [...new Set([...(root ? [dirname(root)] : []), ...read, ...files])];
}

/**
 * The first local file in `graph` that the module may not read: Deno loads
 * a module's graph (its static imports, and each `import()` of a literal;
 * code, JSON, text or bytes) without asking its read permission, so that
 * each file in it must lie in the module's own folder or in an `allow_read`
 * grant, once `real` (a path's place with its links followed, or undefined
 * where there is nothing) has followed the links of both.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { importedOutside } from "./cache.ts";
 * const graph = {
 *   roots: ["file:///srv/notes/server.ts"],
 *   modules: [
 *     { specifier: "file:///srv/notes/server.ts", local: "/srv/notes/server.ts" },
 *     { specifier: "file:///srv/notes/key", local: "/srv/notes/key" },
 *   ],
 * };
 * const links: Record<string, string> = { "/srv/notes/key": "/home/me/.ssh/id_rsa" };
 * assert.deepEqual(
 *   importedOutside(graph, [], (path) => links[path] ?? path),
 *   { file: "/srv/notes/key", real: "/home/me/.ssh/id_rsa", folder: "/srv/notes" },
 * );
 * ```
 */
export function importedOutside(
  graph: ModuleGraph,
  read: string[],
  real: (path: string) => string | undefined,
): Outside | undefined {
  const { root, files } = localFiles(graph);
  const folder = root === undefined ? undefined : dirname(root);
  const granted = [...(folder ? [folder] : []), ...read];
  const allowed = granted.flatMap((path) => {
    const place = real(path);
    return place === undefined ? [] : [place];
  });
  for (const file of files) {
    const place = real(file) ?? resolve(file);
    if (allowed.some((each) => within(place, each))) continue;
    const link = place !== resolve(file) &&
      granted.some((each) => within(resolve(file), resolve(each)));
    return {
      file,
      ...(link ? { real: place } : {}),
      ...(folder ? { folder } : {}),
    };
  }
  return undefined;
}

/** The module itself when it is a local file, and the other local files of its graph. */
function localFiles(graph: ModuleGraph): { root?: string; files: string[] } {
  const first = graph.roots[0] ?? "";
  const rootSpecifier = graph.redirects?.[first] ?? first;
  let root: string | undefined;
  const files: string[] = [];
  for (const module of graph.modules) {
    if (!module.specifier.startsWith("file:")) continue;
    const path = module.local ?? pathOf(module.specifier);
    if (module.specifier === rootSpecifier) root = path;
    else files.push(path);
  }
  return root === undefined ? { files } : { root, files };
}

/** The path of a `file:` URL; the URL itself when it names none here. */
function pathOf(specifier: string): string {
  try {
    return fileURLToPath(specifier);
  } catch {
    return specifier;
  }
}

/** Whether `path` is `folder` or lies inside it. */
function within(path: string, folder: string): boolean {
  const rest = relative(folder, path);
  return rest === "" ||
    (!isAbsolute(rest) && rest !== ".." && !rest.startsWith(`..${sep}`));
}

/** Whether Deno found something wrong in the graph: a module or an import it could not load. */
function hasErrors(graph: ModuleGraph): boolean {
  return graph.modules.some((module) =>
    module.error !== undefined ||
    (module.dependencies ?? []).some((each) =>
      each.code?.error !== undefined || each.type?.error !== undefined
    )
  );
}

/**
 * The line that stops a module server whose graph holds a file it may not
 * read, naming the file, and the fix.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { outsideLine } from "./cache.ts";
 * assert.equal(
 *   outsideLine({ name: "notes" }, {
 *     file: "/srv/notes/key", real: "/home/me/.ssh/id_rsa", folder: "/srv/notes",
 *   }),
 *   "tool server notes did not start: its module imports /srv/notes/key (a " +
 *     "link to /home/me/.ssh/id_rsa), which lies outside its folder " +
 *     "/srv/notes and its allow_read, and Deno would let it read the file " +
 *     "unasked: if the server may read it, add it to allow_read in " +
 *     "[mcp.notes] of the config file",
 * );
 * ```
 */
export function outsideLine(
  server: Pick<ToolServer, "name">,
  { file, real, folder }: Outside,
): string {
  const shown = (path: string) => visible(path).replace(/\n/g, "\u2424");
  return `tool server ${server.name} did not start: its module imports ` +
    `${shown(file)}${
      real === undefined ? "" : ` (a link to ${shown(real)})`
    }, ` +
    `which lies outside ${
      folder === undefined ? "" : `its folder ${shown(folder)} and `
    }its allow_read, and Deno would let it read the file unasked: if the ` +
    `server may read it, add it to allow_read in [mcp.${server.name}] of ` +
    "the config file";
}

/**
 * The script that finds where paths are with their links followed: it reads
 * a JSON list of paths on stdin and writes the list of their real paths
 * (`null` where there is nothing). The program may not read the files of a
 * server's graph itself.
 */
const REAL_PATHS = `data:text/javascript,${
  encodeURIComponent(
    "const paths = JSON.parse(await new Response(Deno.stdin.readable).text());\n" +
      "console.log(JSON.stringify(paths.map((path) => {\n" +
      "  try { return Deno.realPathSync(path); } catch { return null; }\n" +
      "})));\n",
  )
}`;

/** How {@linkcode cacheModule} starts `deno`, and how long it may take. */
export interface CacheIo {
  env(name: string): string | undefined;
  denoPath: string;
  /** In milliseconds: the server's start timeout. */
  timeoutMs: number;
  signal?: AbortSignal;
}

/**
 * Fetches `server`'s module into Deno's cache, or finds it there, and
 * checks that its graph holds no local file it may not read: one `deno
 * info`, then, when the graph has local files, one `deno run` of
 * {@linkcode REAL_PATHS}; when the graph has an error, `deno cache` says
 * what it is (`deno info` keeps only its first line).
 *
 * @throws {ConfigError} with the line that says why it could not, and what
 * to do; the signal's reason once it is aborted; Deno's own error when
 * `deno` cannot be started.
 */
export async function cacheModule(
  server: ToolServer,
  io: CacheIo,
): Promise<void> {
  const timeout = AbortSignal.timeout(io.timeoutMs);
  const signal = io.signal ? AbortSignal.any([io.signal, timeout]) : timeout;
  const env = cacheEnv(io.env);
  const deno = async (args: string[], input?: string) => {
    const child = new Deno.Command(io.denoPath, {
      args,
      env,
      clearEnv: true,
      stdin: input === undefined ? "null" : "piped",
      stdout: "piped",
      stderr: "piped",
      signal,
    }).spawn();
    if (input !== undefined) {
      const writer = child.stdin.getWriter();
      await writer.write(new TextEncoder().encode(input)).catch(() => {});
      await writer.close().catch(() => {});
    }
    const [status, stdout, stderr] = await Promise.all([
      child.status,
      new Response(child.stdout).text(),
      new Response(child.stderr).text(),
    ]);
    io.signal?.throwIfAborted();
    if (timeout.aborted) {
      throw new ConfigError(
        `tool server ${server.name} did not start: fetching its module ` +
          `${withoutCredentials(server.target)} took longer than its ` +
          `timeout (${io.timeoutMs / 1000} s): check the network, or raise ` +
          `timeout in [mcp.${server.name}] of the config file`,
      );
    }
    return { success: status.success, stdout, stderr };
  };
  const info = await deno(infoArgs(server));
  let graph: ModuleGraph | undefined;
  try {
    graph = info.success ? JSON.parse(info.stdout) : undefined;
  } catch {
    // said below, by deno cache
  }
  if (graph === undefined || !Array.isArray(graph.modules)) {
    throw new ConfigError(cacheFailure(server, info.stderr, env));
  }
  const paths = pathsToResolve(graph, server.grants.read);
  if (paths.length > 0) {
    const found = await deno(
      [
        "run",
        "--no-config",
        "--quiet",
        "--no-prompt",
        "--allow-read",
        REAL_PATHS,
      ],
      JSON.stringify(paths),
    );
    let real: (string | null)[] = [];
    try {
      real = JSON.parse(found.stdout);
    } catch {
      // said below
    }
    if (!found.success || real.length !== paths.length) {
      throw new ConfigError(
        `tool server ${server.name} did not start: the files its module ` +
          `imports could not be checked: ${
            plainText(found.stderr).trim().split("\n")[0] || "deno failed"
          }`,
      );
    }
    const places = new Map(paths.map((path, i) => [path, real[i]]));
    const outside = importedOutside(
      graph,
      server.grants.read,
      (path) => places.get(path) ?? undefined,
    );
    if (outside) throw new ConfigError(outsideLine(server, outside));
  }
  if (hasErrors(graph)) {
    // An import that fails only when it runs (an `import()`) is no error to
    // Deno here: deno cache decides, and says what went wrong.
    const cached = await deno(cacheArgs(server));
    if (!cached.success) {
      throw new ConfigError(cacheFailure(server, cached.stderr, env));
    }
  }
}

/** The proxy variables Deno reads, in the order it prefers them for HTTPS. */
const PROXY_ENV = ["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"];

/**
 * The line that says why Deno could not fetch or load a module server's
 * code (from what `deno cache` wrote on stderr, with `env` its environment),
 * and what to do.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cacheFailure } from "./cache.ts";
 * assert.equal(
 *   cacheFailure(
 *     {
 *       name: "files", kind: "module", target: "npm:server@1", args: [],
 *       grants: { read: [], write: [], net: [], env: [], run: [] },
 *       env: {}, headers: {}, allow: [],
 *     },
 *     'error: Failed loading https://registry.npmjs.org/server for package "server"\n' +
 *       "    0: error sending request for url (https://registry.npmjs.org/server): " +
 *       "client error (Connect): invalid peer certificate: UnknownIssuer\n",
 *   ),
 *   "tool server files did not start: its module npm:server@1 could not be " +
 *     "fetched from registry.npmjs.org: invalid peer certificate: UnknownIssuer; " +
 *     "if your network inspects TLS (a proxy), set NODE_EXTRA_CA_CERTS (or " +
 *     "DENO_CERT) to the file of its CA certificate",
 * );
 * ```
 */
export function cacheFailure(
  server: ToolServer,
  stderr: string,
  env: Record<string, string> = {},
): string {
  const lines = plainText(stderr).split("\n").map((line) => line.trim())
    .filter((line) => line !== "");
  // Deno's error, the chain of its causes ("0: …"), and where it was imported.
  const error = lines.find((line) => line.startsWith("error:"))
    ?.replace(/^error:\s*/, "").replace(/\.$/, "") ??
    lines.at(-1) ??
    "deno cache failed";
  const cause = lines.find((line) => /^0: /.test(line))?.slice(3);
  const at = lines.find((line) => line.startsWith("at "));
  const request = cause?.match(
    /^error sending request for url \(([^)\s]+)\): (?:client error \(\w+\): )?(.*)$/,
  );
  let host: string | undefined;
  try {
    host = request ? new URL(request[1]).host : undefined;
  } catch {
    // no URL to name
  }
  const why = withoutCredentials(
    request ? request[2] : cause ?? (at ? `${error} (${at})` : error),
  ).replace(/\.$/, "");
  const proxy = PROXY_ENV.find((name) => env[name]);
  const config = `[mcp.${server.name}] of the config file`;
  const advice =
    /UnknownIssuer|UnknownCA|self[- ]signed|local issuer/i.test(why)
      ? "if your network inspects TLS (a proxy), set NODE_EXTRA_CA_CERTS " +
        "(or DENO_CERT) to the file of its CA certificate"
      : /certificate/i.test(why)
      ? "the server's certificate is not valid: check the module's URL"
      : /dns error|lookup|connect|refused|unreachable|timed out|os error/i
          .test(why)
      ? (proxy
        ? `check the network, and the proxy that ${proxy} names`
        : "check the network; behind a proxy, set HTTPS_PROXY")
      : /--no-remote is specified|import access/i.test(why)
      ? "a module server may import no code from the network but its own " +
        "(see the README's Tools)"
      : `check module in ${config}`;
  const what = host
    ? `could not be fetched from ${host}`
    : "could not be loaded";
  return `tool server ${server.name} did not start: its module ` +
    `${withoutCredentials(server.target)} ${what}: ${
      why.slice(0, 300)
    }; ${advice}`;
}

/** Text without escape sequences and control characters but line breaks. */
export function plainText(text: string): string {
  // deno-lint-ignore no-control-regex
  return text.replace(/\x1b\[[0-9;?]*[A-Za-z]|[\x00-\x09\x0b-\x1f\x7f]/g, "");
}

/** Text with the user and password of each URL in it left out. */
function withoutCredentials(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/gi, "$1");
}
