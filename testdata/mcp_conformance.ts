/**
 * The program as the client of MCP's conformance suite
 * (`@modelcontextprotocol/conformance`): the suite starts a test server for
 * a scenario and runs this script with the server's URL as its last
 * argument. The script runs the whole program in-process, with the URL as
 * a `url` tool server (`-T conformance --yes`) and a stand-in model that
 * calls every tool it is offered once, then answers: the program's own
 * client connects, lists the tools and calls them. Nothing but the model is
 * faked; the config file is given in memory and the history is off.
 *
 * ```sh
 * deno task conformance                          # the scenarios CI runs
 * deno task conformance --scenario tools_call    # one of them
 * ```
 *
 * @module
 */
import { main } from "../main.ts";
import { denoIo, type Io } from "../src/io/io.ts";
import { completion } from "./fixtures.ts";

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
    readTextFile: (path, options) =>
      path === CONFIG
        ? Promise.resolve(conformanceConfig(url))
        : real.readTextFile(path, options),
    fileMode: (path) => path === CONFIG ? 0o600 : real.fileMode(path),
    stdin: () => Promise.resolve(undefined),
    fetch: (_input, init) =>
      Promise.resolve(conformanceModel(JSON.parse(String(init?.body ?? "{}")))),
  };
}

if (import.meta.main) {
  const url = Deno.args.at(-1);
  if (!url) {
    console.error("mcp_conformance.ts: give the test server's URL");
    Deno.exit(2);
  }
  Deno.exit(await main(conformanceIo(url)));
}
