/**
 * The program as the client of MCP's conformance suite
 * (`@modelcontextprotocol/conformance`, {@linkcode SUITE}). For each
 * scenario the suite starts a test server and runs
 * `deno run --no-prompt --allow-net=localhost,127.0.0.1 testdata/mcp_conformance.ts client <its URL>`:
 * the whole program in-process, the URL its one `url` tool server
 * (`-T conformance --yes`), and a stand-in model that calls every tool it is
 * offered once, then answers. So the program's own client connects, lists
 * the tools and calls them; only the model is a stand-in, the config file is
 * given in memory, no `.env` is read and the history is off.
 *
 * Run with no role, it runs the suite on each of {@linkcode SCENARIOS} (or
 * on those its arguments name, `scenario` or `scenario@revision`) one after
 * the other, prints a line for each, and exits 1 when one fails:
 *
 * ```sh
 * deno task conformance                               # the scenarios CI runs
 * deno task conformance tools_call@2026-07-28         # one of them
 * deno task conformance json-schema-ref-no-deref      # any other scenario
 * ```
 *
 * @module
 */
import { main } from "../main.ts";
import { denoIo, type Io } from "../src/io/io.ts";
import { denoCommand } from "../src/launch/permissions.ts";
import { plainText } from "../src/tools/cache.ts";
import { completion } from "./fixtures.ts";

/** The suite, pinned: the first release whose scenarios hold 2026-07-28 as well as 2025-11-25. */
export const SUITE = "npm:@modelcontextprotocol/conformance@0.2.0-alpha.12";

/**
 * The scenarios CI runs, each at a revision of MCP: the handshake, a tool
 * call (in both revisions), the reconnection of a server-sent events stream
 * (its `retry` and `Last-Event-ID`), and the 2026 revision's `_meta` and
 * headers on every request.
 */
export const SCENARIOS = [
  "initialize@2025-11-25",
  "tools_call@2025-11-25",
  "tools_call@2026-07-28",
  "sse-retry@2025-11-25",
  "request-metadata@2026-07-28",
  "auth/metadata-default",
  "auth/scope-from-www-authenticate",
  "http-standard-headers@2026-07-28",
];

/** Where the suite writes each scenario's checks and the client's output. */
const RESULTS = ".tmp/conformance";

/** The command the suite runs as the client; it adds the server's URL. */
const CLIENT =
  "run --no-prompt --allow-net=localhost,127.0.0.1 testdata/mcp_conformance.ts client";

/** Where the config file seems to be: it is read from memory. */
const CONFIG = "/conformance/config.toml";

/** A tool the model is offered, as the program sends it. */
interface Offered {
  type: "function";
  function: {
    name: string;
    parameters?: {
      properties?: Record<string, { type?: string }>;
      required?: string[];
    };
  };
}

/**
 * Arguments for a tool, from its schema: each required property a value of
 * its type (numbers count up from 1, so that `a + b` is checkable).
 */
export function argumentsFor(parameters: Offered["function"]["parameters"]) {
  const properties = parameters?.properties ?? {};
  let number = 0;
  return Object.fromEntries(
    (parameters?.required ?? []).map((name) => {
      const type = properties[name]?.type;
      return [
        name,
        type === "number" || type === "integer"
          ? ++number
          : type === "boolean"
          ? true
          : type === "object"
          ? {}
          : type === "array"
          ? []
          : "conformance",
      ];
    }),
  );
}

/**
 * The stand-in model: offered tools and no tool result yet, it calls each
 * of them once; else it answers with what the tools said.
 */
export function conformanceModel(body: {
  messages?: { role: string; content?: unknown }[];
  tools?: Offered[];
}): Response {
  const messages = body.messages ?? [];
  const results = messages.filter((each) => each.role === "tool");
  if (body.tools?.length && results.length === 0) {
    return Response.json({
      ...completion(null, { finish_reason: "tool_calls" }),
      choices: [{
        index: 0,
        message: {
          role: "assistant",
          content: null,
          refusal: null,
          annotations: [],
          tool_calls: body.tools.map((tool, i) => ({
            id: `call_${i}`,
            type: "function",
            function: {
              name: tool.function.name,
              arguments: JSON.stringify(argumentsFor(tool.function.parameters)),
            },
          })),
        },
        logprobs: null,
        finish_reason: "tool_calls",
      }],
    });
  }
  return Response.json(
    completion(
      `The tools said: ${
        results.map((each) => String(each.content)).join(" | ")
      }`,
    ),
  );
}

/** The config file that names `url` as the tool server `conformance`. */
export function conformanceConfig(url: string): string {
  return `[mcp.conformance]\nurl = ${JSON.stringify(url)}\n`;
}

/** The program's world for one scenario: the real one, but the model and the config. */
export function conformanceIo(url: string, real: Io = denoIo()): Io {
  const env: Record<string, string> = {
    OPENAI_API_KEY: "sk-conformance-not-a-key",
    GPT4O_CONFIG: CONFIG,
    GPT4O_HISTORY: "off",
  };
  return {
    ...real,
    args: ["-T", "conformance", "--yes", "--no-stream", "Use the tools."],
    env: (name) => name in env ? env[name] : real.env(name),
    // The config file, and no other (no .env of the folder's).
    readTextFile: (path) =>
      Promise.resolve(path === CONFIG ? conformanceConfig(url) : undefined),
    fileMode: () => 0o600,
    stdin: () => Promise.resolve(undefined),
    fetch: (_input, init) =>
      Promise.resolve(conformanceModel(JSON.parse(String(init?.body ?? "{}")))),
    // The suite's authorization server approves at once: its page is
    // followed back to the program's loopback port, as a browser would.
    stderrIsTerminal: true,
    openBrowser: async (page) => {
      let next = page;
      for (let hop = 0; hop < 5; hop++) {
        const response = await globalThis.fetch(next, { redirect: "manual" });
        const location = response.headers.get("location");
        await response.body?.cancel();
        if (location === null) return;
        next = new URL(location, next).href;
      }
    },
  };
}

/**
 * Runs the suite on one scenario (`name` or `name@revision`): whether it
 * passed, and what the suite printed (without its colors, which it shows
 * whatever `NO_COLOR` says).
 */
export async function runScenario(
  scenario: string,
): Promise<{ passed: boolean; output: string }> {
  const [name, revision] = scenario.split("@");
  const deno = denoCommand();
  const { code, stdout, stderr } = await new Deno.Command(deno, {
    args: [
      "run",
      "--no-config", // the suite's packages are no dependency of the project's
      "-A",
      SUITE,
      "client",
      "--command",
      `${deno} ${CLIENT}`,
      "--scenario",
      name,
      ...(revision ? ["--spec-version", revision] : []),
      "--output-dir",
      RESULTS,
    ],
    stdin: "null",
  }).output();
  const output = plainText(
    new TextDecoder().decode(stdout) +
      new TextDecoder().decode(stderr)
        // Node's warning about its own way of starting the client.
        .replace(/^.*\[DEP0190\].*\n(?:.*--trace-deprecation.*\n)?/m, ""),
  );
  return { passed: code === 0, output };
}

/** Runs the suite on `scenarios`, a line for each: the exit code, 1 when one failed. */
async function runSuite(scenarios: string[]): Promise<number> {
  await Deno.remove(RESULTS, { recursive: true }).catch(() => {});
  let failed = 0;
  for (const scenario of scenarios) {
    const { passed, output } = await runScenario(scenario);
    const checks = /Passed: (\d+\/\d+)/.exec(output)?.[1];
    console.log(
      `${passed ? "ok  " : "FAIL"} ${scenario}${
        checks ? ` (${checks} checks)` : ""
      }`,
    );
    if (!passed) {
      failed++;
      console.log(output.trimEnd().replace(/^/gm, "     "));
    }
  }
  console.log(
    `conformance: ${scenarios.length - failed} passed, ${failed} failed ` +
      `(${SUITE.replace(/^npm:/, "")}; results in ${RESULTS})`,
  );
  return failed === 0 ? 0 : 1;
}

if (import.meta.main) {
  const [role, ...rest] = Deno.args;
  if (role === "client") {
    const url = rest.at(-1);
    if (!url) {
      console.error("mcp_conformance.ts client: give the test server's URL");
      Deno.exit(2);
    }
    Deno.exit(await main(conformanceIo(url)));
  }
  Deno.exit(await runSuite(Deno.args.length > 0 ? Deno.args : SCENARIOS));
}
