/** End to end: the chat at a real terminal. */
import assert from "node:assert/strict";
import { atTerminal, program, terminalTest } from "../testdata/e2e.ts";

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
