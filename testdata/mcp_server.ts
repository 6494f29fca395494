/**
 * A tool server (MCP over stdio) for the tests, run the way the program
 * runs a `module` server: under `deno run --no-prompt --no-config` with only
 * the grants its config lists. Its tools:
 *
 * - `echo {text}`: the text back;
 * - `read {path}`: the file's text, or Deno's refusal as an error result;
 * - `env {name}`: the variable's value, or `(unset)`; `*` gives every
 *   variable of its environment, as JSON;
 * - `slow {ms}`: answers after `ms` milliseconds, saying how many calls of it
 *   ran at once at most while it did;
 * - `crash`: exits in the middle of the call, saying why on stderr;
 * - `stall`: never answers, nor reads its input again (a loop that never
 *   yields);
 * - `beat {path}`: writes the time to `path` every 20 ms, and never answers:
 *   the file stops changing once the server is gone.
 *
 * - `big {bytes}`: a result of that many bytes.
 * - `import {specifier}`: imports the module that its argument names, as
 *   code computed at run time does (text for a file that is no code), and
 *   says what it holds, or Deno's refusal as an error result.
 *
 * Its first argument, when given, is put before each tool's name; its
 * second is a way to misbehave: `endless-cursor` (every page of the tool
 * list says there is one more, the same), `fail-list` (listing fails) or
 * `stay` (it goes on running once its input closes, as a server in the
 * middle of a call may; else it exits then, as a well-behaved one does).
 *
 * @module
 */
// It runs with --no-config, as module servers do: no import map to name the SDK.
// deno-lint-ignore-file no-import-prefix
import { Server } from "npm:@modelcontextprotocol/server@2.4.0";
import { StdioServerTransport } from "npm:@modelcontextprotocol/server@2.4.0/stdio";

const prefix = Deno.args[0] ?? "";
const mode = Deno.args[1];
const text = (value: string, isError = false) => ({
  content: [{ type: "text" as const, text: value }],
  ...(isError ? { isError } : {}),
});
const object = (properties: Record<string, { type: string }>) => ({
  type: "object" as const,
  properties,
  required: Object.keys(properties),
});

/** The `slow` calls running, each with the most that ran beside it. */
const active = new Set<{ peak: number }>();

const tools = {
  echo: {
    description: "Says the text back.\nA second line.",
    inputSchema: object({ text: { type: "string" } }),
    run: ({ text: said }: { text: string }) => text(said),
  },
  read: {
    description: "Reads a text file.",
    inputSchema: object({ path: { type: "string" } }),
    run: async ({ path }: { path: string }) => {
      try {
        return text(await Deno.readTextFile(path));
      } catch (error) {
        return text(
          error instanceof Error ? error.message : String(error),
          true,
        );
      }
    },
  },
  env: {
    description: "Reads an environment variable.",
    inputSchema: object({ name: { type: "string" } }),
    run: ({ name }: { name: string }) =>
      text(
        name === "*"
          ? JSON.stringify(
            Object.fromEntries(Object.entries(Deno.env.toObject()).sort()),
          )
          : Deno.env.get(name) ?? "(unset)",
      ),
  },
  slow: {
    description: "Answers after a while.",
    inputSchema: object({ ms: { type: "number" } }),
    run: async ({ ms }: { ms: number }) => {
      const call = { peak: 0 };
      active.add(call);
      for (const each of active) each.peak = Math.max(each.peak, active.size);
      console.error(`slow: started ${ms}`);
      await new Promise((resolve) => setTimeout(resolve, ms));
      active.delete(call);
      return text(`slept ${ms} ms, ${call.peak} running`);
    },
  },
  beat: {
    description: "Shows it is alive, and never answers.",
    inputSchema: object({ path: { type: "string" } }),
    run: async ({ path }: { path: string }) => {
      for (;;) {
        await Deno.writeTextFile(path, String(Date.now()));
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
  },
  big: {
    description: "Answers with many bytes.",
    inputSchema: object({ bytes: { type: "number" } }),
    run: ({ bytes }: { bytes: number }) => text("b".repeat(bytes)),
  },
  import: {
    description: "Imports a module its argument names.",
    inputSchema: object({ specifier: { type: "string" } }),
    run: async ({ specifier }: { specifier: string }) => {
      const code = /\.[cm]?[jt]sx?$/.test(specifier) ||
        /^(npm|jsr):/.test(specifier);
      try {
        const module = await import(
          specifier,
          code ? undefined : { with: { type: "text" } }
        );
        return text(
          code ? Object.keys(module).join(", ") : String(module.default),
        );
      } catch (error) {
        return text(
          (error instanceof Error ? error.message : String(error))
            .split("\n")[0],
          true,
        );
      }
    },
  },
  stall: {
    description: "Stops reading, and never answers.",
    inputSchema: object({}),
    run: () => {
      for (;;) {
        // never yields
      }
    },
  },
  crash: {
    description: "Exits in the middle of a call.",
    inputSchema: object({}),
    run: () => {
      console.error("\x1b[31mcrash: giving up\x1b[0m");
      Deno.exit(3);
    },
  },
};

const server = new Server(
  { name: "test-tools", version: "1.0.0" },
  { capabilities: { tools: {} } },
);
server.setRequestHandler("tools/list", () => {
  if (mode === "fail-list") throw new Error("list failed");
  return {
    tools: Object.entries(tools).map(([name, tool]) => ({
      name: `${prefix}${name}`,
      description: tool.description,
      inputSchema: tool.inputSchema,
    })),
    ...(mode === "endless-cursor" ? { nextCursor: "again" } : {}),
  };
});
server.setRequestHandler("tools/call", async (request) => {
  const name = request.params.name.slice(prefix.length) as keyof typeof tools;
  const tool = tools[name];
  if (!tool) return text(`no tool ${request.params.name}`, true);
  // deno-lint-ignore no-explicit-any
  return await tool.run((request.params.arguments ?? {}) as any);
});
if (mode !== "stay") server.onclose = () => Deno.exit(0);
await server.connect(new StdioServerTransport());
