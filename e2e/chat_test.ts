/** End to end: the chat at a real terminal. */
import assert from "node:assert/strict";
import {
  atTerminal,
  HISTORY,
  MAIN as MAIN_FILE,
  PASSED_ENV,
  program,
  terminalTest,
  TMP,
  until,
} from "../testdata/e2e.ts";

terminalTest(
  "--chat at a terminal: prompt, streamed answer, Ctrl-C keeps the chat, " +
    "Ctrl-D leaves with 0",
  ["main.ts", "installed gpt4o", "deno task chat"],
  async (command, server) => {
    // Under `deno task`, one Ctrl-C reaches the program twice.
    const terminal = atTerminal(command, server.url("stream-stall"));
    await terminal.shown("> ");
    await terminal.type("Who decides?\r");
    await terminal.shown("A case"); // the answer streams, then the server stalls
    const mark = terminal.length;
    await terminal.type("\x03"); // Ctrl-C: the terminal sends SIGINT
    await terminal.shown("interrupted", mark);
    await terminal.shown("> ", mark); // the chat goes on
    await terminal.type("\x04"); // Ctrl-D on an empty line
    const { code, output } = await terminal.end();
    assert.equal(code, 0, output);
    assert.match(
      output,
      new RegExp(
        "^Chatting with gpt-4o\\. /help lists the commands; Ctrl-D leaves\\.\n" +
          "> Who decides\\?\n" +
          "A case(\\^C)?\n" + // the terminal may echo the Ctrl-C
          "interrupted\n" +
          "> \n$",
      ),
    );
    const history = await program(["--show", "1", "--json"], {
      baseURL: server.url("echo"),
    });
    assert.deepEqual(JSON.parse(history.stdout).messages.slice(1), [
      { role: "user", content: "Who decides?" },
      { role: "assistant", content: "A case" },
    ]);
  },
);

terminalTest(
  "--chat at a terminal sends pasted lines as one message",
  ["main.ts", "installed gpt4o"],
  async (command, server) => {
    const terminal = atTerminal(command, server.url("echo"));
    await terminal.shown("> ");
    // A terminal in bracketed-paste mode wraps what is pasted in markers.
    await terminal.type("\x1b[200~line one\nline two\n\x1b[201~");
    await terminal.shown("line one\u21b5line two\u21b5");
    const mark = terminal.length;
    await terminal.type("and typed\r");
    await terminal.shown("1: line one", mark);
    await terminal.shown("\x1b[?2004h> ", mark); // a new prompt
    await terminal.type("\x04");
    const { code, output } = await terminal.end();
    assert.equal(code, 0, output);
    assert.deepEqual(
      server.requests.get("echo")?.map((body) => body.messages?.at(-1)),
      [{ role: "user", content: "line one\nline two\nand typed" }],
    );
  },
);

terminalTest(
  "--chat at a terminal sends lines typed ahead in one burst one turn each, in order",
  ["main.ts", "installed gpt4o"],
  async (command, server) => {
    const terminal = atTerminal(command, server.url("echo"));
    await terminal.shown("> ");
    // Typed fast, or pasted by a terminal without bracketed paste.
    await terminal.type("quick A\rquick B\nquick C\r");
    await terminal.shown("3: quick C\r\n");
    await terminal.shown("> ", terminal.find("3: quick C\r\n"));
    await terminal.type("\x04");
    const { code, output } = await terminal.end();
    assert.equal(code, 0, output);
    assert.deepEqual(
      server.requests.get("echo")?.map((body) => body.messages?.at(-1)),
      ["quick A", "quick B", "quick C"].map((content) => ({
        role: "user",
        content,
      })),
    );
    assert.match(
      output,
      /\n> quick A\n1: quick A\n> quick B\n2: quick B\n> quick C\n3: quick C\n> \n$/,
    );
  },
);

terminalTest(
  "--chat at a terminal keeps what is typed during an answer for the next prompt, never inside the answer",
  ["main.ts", "installed gpt4o"],
  async (command, server) => {
    const terminal = atTerminal(command, server.url("slow-echo"));
    await terminal.shown("> ");
    await terminal.type("first question\r");
    await terminal.shown("1: f"); // the answer is arriving
    await terminal.type("typed during it\r");
    await terminal.shown("2: typed during it\r\n");
    await terminal.type("\x04");
    const { code, output, raw } = await terminal.end();
    assert.equal(code, 0, output);
    assert.match(
      output,
      /\n> first question\n1: first question\n> typed during it\n2: typed during it\n> \n$/,
    );
    // Bracketed paste is off while each answer streams, and when the chat ends.
    const on = "\x1b[?2004h";
    const off = "\x1b[?2004l";
    for (const answer of ["1: first question", "2: typed during it"]) {
      const at = raw.indexOf(answer);
      assert.ok(raw.lastIndexOf(off, at) > raw.lastIndexOf(on, at), answer);
    }
    assert.ok(raw.lastIndexOf(off) > raw.lastIndexOf(on), "left on at the end");
  },
);

terminalTest(
  "--chat at a terminal with stdout redirected: the prompt and the typing on the terminal, the file gets the answers",
  ["main.ts", "installed gpt4o"],
  async (command, server) => {
    const file = `${TMP}chat-${crypto.randomUUID()}.txt`;
    const terminal = atTerminal(
      ["sh", "-c", `exec "$@" > '${file}'`, "sh", ...command],
      server.url("echo"),
    );
    try {
      await terminal.shown("> ");
      await terminal.type("Hi\r");
      await until(() => {
        try {
          return Deno.readTextFileSync(file) === "1: Hi\n";
        } catch {
          return false;
        }
      });
      await terminal.shown("> ", terminal.find("> Hi") + 4);
      await terminal.type("\x04");
      const { code, output } = await terminal.end();
      assert.equal(code, 0, output);
      assert.match(output, /\n> Hi\n> \n$/);
      assert.equal(Deno.readTextFileSync(file), "1: Hi\n");
    } finally {
      await Deno.remove(file).catch(() => {});
    }
  },
);

terminalTest(
  "--chat at a terminal without a key exits 2 with its one line before any prompt",
  ["main.ts", "installed gpt4o"],
  async (command) => {
    const terminal = atTerminal(command, "", { env: { OPENAI_API_KEY: "" } });
    const { code, output } = await terminal.end();
    assert.deepEqual({ code, output }, {
      code: 2,
      output:
        "OPENAI_API_KEY is not set: export it, or put OPENAI_API_KEY=... in a " +
        ".env file here (a server set in OPENAI_BASE_URL may need none)\n",
    });
  },
);

terminalTest(
  "--chat -c at a terminal says what it resumes and shows the first message as typed",
  ["main.ts", "installed gpt4o"],
  async (command, server) => {
    const first = await program(["Who decides?"], {
      baseURL: server.url("echo"),
    });
    assert.equal(first.code, 0);
    const terminal = atTerminal(
      [...command, "-c", "And then?"],
      server.url("echo"),
    );
    await terminal.shown("2: And then?\r\n");
    await terminal.shown("> ", terminal.find("2: And then?\r\n"));
    await terminal.type("\x04");
    const { code, output } = await terminal.end();
    assert.equal(code, 0, output);
    assert.equal(
      output,
      "Chatting with gpt-4o. /help lists the commands; Ctrl-D leaves.\n" +
        "Resuming conversation 1 (1 turn). Its last exchange:\n" +
        "> Who decides?\n1: Who decides?\n" +
        "> And then?\n2: And then?\n> \n",
    );
  },
);

terminalTest(
  "--chat at a terminal: the Up arrow recalls inputs of an earlier chat, kept 0600 beside the history",
  ["main.ts", "installed gpt4o"],
  async (command, server) => {
    const earlier = atTerminal(command, server.url("echo"));
    await earlier.shown("> ");
    await earlier.type("remember me\r");
    await earlier.shown("1: remember me\r\n");
    await earlier.type("\x04");
    assert.equal((await earlier.end()).code, 0);
    const inputs = `${HISTORY}/history.db.inputs`;
    assert.equal(Deno.statSync(inputs).mode! & 0o777, 0o600);
    // readline recalls only in a terminal it can move the cursor in.
    const later = atTerminal(command, server.url("echo"), {
      env: { TERM: "xterm" },
    });
    await later.shown("> ");
    await later.type("\x1b[A\r"); // Up, Enter
    await later.shown("1: remember me\r\n");
    await later.shown("> ", later.find("1: remember me\r\n")); // the next prompt
    await later.type("\x04");
    assert.equal((await later.end()).code, 0);
    assert.deepEqual(
      server.requests.get("echo")?.map((body) => body.messages?.at(-1)),
      [1, 2].map(() => ({ role: "user", content: "remember me" })),
    );
  },
);

terminalTest(
  "the gpt4o command with no prompt at a terminal opens the chat; -c alone opens it on the last conversation",
  ["installed gpt4o"],
  async (command, server) => {
    const bare = command.filter((word) => word !== "--chat");
    const first = atTerminal(bare, server.url("echo"));
    await first.shown("> ");
    await first.type("Who decides?\r");
    await first.shown("1: Who decides?");
    await first.type("\x04");
    const opened = await first.end();
    assert.equal(opened.code, 0, opened.output);
    assert.match(
      opened.output,
      /^Chatting with gpt-4o\..*\n> Who decides\?\n1: Who decides\?\n> \n$/s,
    );
    const resumed = atTerminal([...bare, "-c"], server.url("echo"));
    await resumed.shown("Resuming conversation 1");
    await resumed.shown("> ", resumed.find("Resuming"));
    await resumed.type("And then?\r");
    await resumed.shown("2: And then?");
    await resumed.type("\x04");
    assert.equal((await resumed.end()).code, 0);
  },
);

terminalTest(
  "the design card's `deno run --allow-net main.ts` at a terminal asks Deno's own prompts for what it lacks, then answers and saves",
  ["main.ts"],
  async (_command, server) => {
    const terminal = atTerminal(
      ["deno", "run", "--allow-net", MAIN_FILE, "Who decides?"],
      server.url("echo"),
    );
    const asked = [
      'env access to "OPENAI_API_KEY"',
      'env access to "OPENAI_BASE_URL"',
      'env access to "OPENAI_CUSTOM_HEADERS"',
      'env access to "HOME"',
      'read access to ".env"',
      `read access to "${PASSED_ENV.HOME}/.config/gpt4o/config.toml"`,
      `read access to "${HISTORY}"`,
      `write access to "${HISTORY}"`,
    ];
    // Deno's prompt drops what was typed before it reads: a key is typed
    // again until the prompt takes it.
    for (const what of asked) {
      await terminal.shown(`Deno requests ${what}`);
      for (let tries = 0; terminal.find(`Granted ${what}`) < 0; tries++) {
        assert.ok(tries < 50, `the prompt for ${what} never took an answer`);
        await terminal.type("y\r");
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    const { code, output } = await terminal.end();
    assert.equal(code, 0, output);
    assert.deepEqual(
      output.split("\n").filter((line) => line.startsWith("✅")),
      asked.map((what) => `✅ Granted ${what}.`),
    );
    assert.match(output, /\n1: Who decides\?\n$/);
    const saved = await program(["--history", "--json"], {
      baseURL: server.url("echo"),
    });
    assert.equal(JSON.parse(saved.stdout)[0].title, "Who decides?");
  },
);
