/** The whole program in-process: `--completions SHELL`, and the values `--complete KIND` gives a shell's Tab. */
import assert from "node:assert/strict";
import {
  answering,
  CONFIG_PATH,
  historyTest,
  KEY,
  run,
  tempFolder,
} from "../testdata/harness.ts";
import { completionScript } from "../src/cli/completions.ts";
import { SHELLS } from "../src/cli/completion_options.ts";
import { PROVIDERS } from "../src/config/providers.ts";

const CONFIG = `
[providers.work]
base_url = "https://user:hunter2-secret-pass@work.example/v1"
key_env = "GPT4O_WORK_KEY"

[roles.lawyer]
system = "You are a careful lawyer.\\nCite the statute."

[roles.poet]
model = ["groq:llama-3.3-70b-versatile"]

[aliases]
fast = ["groq:llama-3.3-70b-versatile", "ollama:"]

[mcp.files]
module = "npm:@modelcontextprotocol/server-filesystem"

[mcp.web]
url = "https://token:mcp-secret-value-1234@mcp.example/"
`;

const withConfig = {
  env: { GPT4O_CONFIG: CONFIG_PATH, OPENAI_API_KEY: KEY },
  config: CONFIG,
};

Deno.test("main() --completions prints each shell's script on stdout, and refuses another shell in one line", async (t) => {
  for (const shell of SHELLS) {
    await t.step(shell, async () => {
      const out = await run(["--completions", shell]);
      assert.deepEqual(out, {
        code: 0,
        stdout: completionScript(shell),
        stderr: "",
        requests: [],
        ran: [],
      });
    });
  }
  await t.step("tcsh", async () => {
    const out = await run(["--completions", "tcsh"]);
    assert.deepEqual([out.code, out.stdout, out.stderr], [
      2,
      "",
      '--completions takes bash, zsh or fish, not "tcsh" (see --help)\n',
    ]);
  });
  await t.step("with a broken config file, as a shell starts", async () => {
    const out = await run(["--completions", "bash"], {
      env: { GPT4O_CONFIG: CONFIG_PATH },
      config: "model = [",
    });
    assert.deepEqual([out.code, out.stderr], [0, ""]);
  });
});

Deno.test("main() --complete roles, models and servers lists the config file's, one a line with what each is after a tab", async () => {
  const roles = await run(["--complete", "roles"], withConfig);
  assert.deepEqual([roles.code, roles.stdout, roles.stderr], [
    0,
    "lawyer\tYou are a careful lawyer.\n" +
    "poet\tgroq:llama-3.3-70b-versatile\n",
    "",
  ]);
  const models = await run(["--complete", "models"], withConfig);
  assert.deepEqual([models.code, models.stderr], [0, ""]);
  const lines = models.stdout.split("\n");
  assert.deepEqual(lines.map((line) => line.split("\t")[0]), [
    ...PROVIDERS.map(({ name }) => `${name}:`),
    "work:",
    "fast",
    "",
  ]);
  assert.deepEqual(lines.slice(0, 3), [
    "openai:\tOpenAI's API",
    "g4f:\tgpt4free's own server on this machine: g4f api",
    // Cut to 60 characters.
    "ollama:\tOllama on this machine, or where OLLAMA_HOST points: ollama…",
  ]);
  assert.deepEqual(lines.slice(-3), [
    `work:\tfrom ${CONFIG_PATH}`,
    "fast\tgroq:llama-3.3-70b-versatile,ollama:",
    "",
  ]);
  const servers = await run(["--complete", "servers"], withConfig);
  assert.deepEqual([servers.code, servers.stdout, servers.stderr], [
    0,
    "files\tmodule server\nweb\turl server\n",
    "",
  ]);
  for (const each of [roles, models, servers]) {
    assert.ok(!each.stdout.includes("secret"), each.stdout);
  }
});

Deno.test("main() --complete with no config file lists the providers alone, and no role or server", async () => {
  const env = { OPENAI_API_KEY: KEY };
  assert.deepEqual(
    (await run(["--complete", "models"], { env })).stdout.split("\n")
      .slice(0, -1).map((line) => line.split("\t")[0]),
    PROVIDERS.map(({ name }) => `${name}:`),
  );
  for (const kind of ["roles", "servers"]) {
    const out = await run(["--complete", kind], { env });
    assert.deepEqual([out.code, out.stdout, out.stderr], [0, "", ""]);
  }
});

historyTest(
  "main() --complete conversations lists the latest ids with their titles, then the names",
  async () => {
    await using tmp = await tempFolder();
    const env = {
      OPENAI_API_KEY: KEY,
      GPT4O_HISTORY: `${tmp.dir}/history.db`,
    };
    const empty = await run(["--complete", "conversations"], { env });
    assert.deepEqual([empty.code, empty.stdout, empty.stderr], [0, "", ""]);
    await run(["Who decides?"], { env, reply: answering("The court.") });
    await run(["--title", "tax return", "Deductions\tfor 2025?\nList them."], {
      env,
      reply: answering("Some."),
    });
    const out = await run(["--complete", "conversations"], { env });
    assert.deepEqual([out.code, out.stdout, out.stderr], [
      0,
      "2\ttax return\n1\tWho decides?\ntax return\tconversation 2\n",
      "",
    ]);
  },
);

Deno.test("main() --complete says nothing on stderr, whatever fails: a Tab shows values or none", async (t) => {
  const cases: [string, string[], Parameters<typeof run>[1], number][] = [
    ["a kind it does not know", ["--complete", "files"], {}, 2],
    ["another option", ["--complete", "roles", "-m", "x"], {}, 2],
    ["a broken config file", ["--complete", "roles"], {
      env: { GPT4O_CONFIG: CONFIG_PATH },
      config: "[roles.a]\nsystem = ",
    }, 2],
    ["history off", ["--complete", "conversations"], {
      env: { GPT4O_HISTORY: "off" },
    }, 2],
    ["no place for the history", ["--complete", "conversations"], {
      env: { GPT4O_HISTORY: "" },
    }, 2],
  ];
  for (const [name, args, setup, code] of cases) {
    await t.step(name, async () => {
      const out = await run(args, setup);
      assert.deepEqual([out.code, out.stdout, out.stderr], [code, "", ""]);
    });
  }
});
