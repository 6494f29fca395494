/**
 * What the in-process tool tests share: the program run with the tool model
 * of the test server and `testdata/mcp_server.ts` as `[mcp.t]`, the
 * environment Deno needs to fetch a module, and `--list-tools`.
 */
import { CONFIG_PATH, KEY, run, type Setup } from "./harness.ts";
import { toolModel } from "./server.ts";
import { assertOpenAIRequest, assertToolSequence } from "./openai.ts";
import { DENO_NETWORK_ENV } from "../src/launch/permissions.ts";
import { testWith } from "./permissions.ts";

export const SERVER = new URL("./mcp_server.ts", import.meta.url).pathname;
export const FILES = new URL("./attachments/", import.meta.url).pathname;

/** May this test run start `deno`? (`deno task test` lets it.) */
export const canRun =
  (await Deno.permissions.query({ name: "run", command: "deno" }))
    .state === "granted";

/** A config file with the test server as `[mcp.t]` (`args` its arguments), and `more` before it. */
export function config(more = "", table = "", args: string[] = []) {
  return `${more}
[mcp.t]
module = ${JSON.stringify(SERVER)}
allow_read = [${JSON.stringify(FILES)}]
args = ${JSON.stringify(args)}
${table}
`;
}

/**
 * What Deno needs to find its cache and reach the network, from the test's
 * environment as from a user's: the first start of a server fetches its
 * code with them.
 */
export const DENO_ENV = Object.fromEntries(
  ["HOME", "DENO_DIR", "XDG_CACHE_HOME", ...DENO_NETWORK_ENV].flatMap(
    (name) => {
      const value = Deno.permissions.querySync({ name: "env", variable: name })
          .state === "granted"
        ? Deno.env.get(name)
        : undefined;
      return value === undefined ? [] : [[name, value]];
    },
  ),
);

/** Runs the program with the tool model, the test server configured. */
export function withTools(
  args: string[],
  setup: Setup & { more?: string; table?: string; serverArgs?: string[] } = {},
) {
  return run(args, {
    config: config(setup.more, setup.table, setup.serverArgs),
    reply: (seen) => {
      assertOpenAIRequest(seen.body);
      assertToolSequence(seen.body.messages as unknown[]);
      return toolModel(seen.body);
    },
    ...setup,
    env: {
      OPENAI_API_KEY: KEY,
      GPT4O_CONFIG: CONFIG_PATH,
      ...DENO_ENV,
      ...setup.env,
    },
  });
}

/** The prompt that has the tool model make these calls. */
export function calls(...list: [string, Record<string, unknown>][]): string {
  return JSON.stringify({
    calls: list.map(([name, args]) => ({ name, arguments: args })),
  });
}

/** A test that starts the test tool server: it runs deno, in the sandbox. */
export const toolTest = testWith(
  { name: "run", command: "deno" },
  { name: "read", path: "." },
);

/** Runs `--list-tools -T NAME` with `config`, in the test's environment less `without`, plus `env`. */
export function listWith(
  name: string,
  config: string,
  { env = {}, without = [] }: {
    env?: Record<string, string>;
    without?: string[];
  } = {},
) {
  const kept = Object.fromEntries(
    Object.entries(DENO_ENV).filter(([key]) => !without.includes(key)),
  );
  return run(["--list-tools", "-T", name], {
    config,
    env: { OPENAI_API_KEY: KEY, GPT4O_CONFIG: CONFIG_PATH, ...kept, ...env },
  });
}

/** What `--list-tools` prints for the test server as `[mcp.NAME]`, its sandbox as `sandbox` says (nothing granted unless told). */
export const LISTED = (name: string, sandbox = "nothing granted") =>
  [
    `${name} (sandboxed: ${sandbox})`,
    "  echo    Says the text back.",
    "  read    Reads a text file.",
    "  env     Reads an environment variable.",
    "  slow    Answers after a while.",
    "  beat    Shows it is alive, and never answers.",
    "  big     Answers with many bytes.",
    "  import  Imports a module its argument names.",
    "  stall   Stops reading, and never answers.",
    "  crash   Exits in the middle of a call.",
    "",
  ].join("\n");
