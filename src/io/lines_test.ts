import assert from "node:assert/strict";
import { PassThrough, Readable } from "node:stream";
import {
  PASTED_NEWLINE,
  PasteDecoder,
  pipedLines,
  terminalLines,
} from "./lines.ts";

Deno.test("PasteDecoder keeps a paste of several lines on one line", () => {
  const decoder = new PasteDecoder();
  assert.equal(
    decoder.decode("typed \x1b[200~line one\r\nline two\rthree\n\x1b[201~\r"),
    `typed line one${PASTED_NEWLINE}line two${PASTED_NEWLINE}three${PASTED_NEWLINE}\r`,
  );
});

Deno.test("PasteDecoder passes typed text, Enter and control keys through", () => {
  const decoder = new PasteDecoder();
  assert.equal(decoder.decode("hi\r"), "hi\r");
  assert.equal(decoder.decode("\x03\x04\x1b[A"), "\x03\x04\x1b[A");
});

Deno.test("PasteDecoder holds back a marker split across reads", () => {
  const decoder = new PasteDecoder();
  assert.equal(decoder.decode("a\x1b[2"), "a");
  assert.equal(decoder.decode("00~b\nc\x1b[20"), `b${PASTED_NEWLINE}c`);
  assert.equal(decoder.decode("1~\n"), "\n");
});

Deno.test("pipedLines() reads every line, CRLF or not, then ends", async () => {
  using lines = pipedLines(Readable.from(["first\r\nsec", "ond\n", "last"]));
  assert.equal(lines.interactive, false);
  const read = [];
  for (let line; (line = await lines.read("> ")) !== undefined;) {
    read.push(line);
  }
  assert.deepEqual(read, ["first", "second", "last"]);
});

Deno.test("PasteDecoder drops the NUL that a Ctrl-D typed during an answer leaves", () => {
  assert.equal(new PasteDecoder().decode("\0hi\r"), "hi\r");
});

/** A terminal for terminalLines(): keys typed into it, what it shows, and a settle the test ends. */
function fakeTerminal() {
  let typist!: ReadableStreamDefaultController<Uint8Array>;
  const readable = new ReadableStream<Uint8Array>({
    start: (controller) => void (typist = controller),
  });
  let shown = "";
  const output = new PassThrough();
  output.on("data", (chunk) => void (shown += String(chunk)));
  const settles: (() => void)[] = [];
  return {
    device: { readable, setRaw() {}, output },
    settle: () => new Promise<void>((resolve) => settles.push(resolve)),
    type: (text: string) => typist.enqueue(new TextEncoder().encode(text)),
    get shown() {
      return shown;
    },
    /** Ends the wait of the question asked. */
    settled: () => settles.shift()!(),
    get waiting() {
      return settles.length;
    },
    close: () => typist.close(),
  };
}

/** Lets what was typed reach the reader (the streams hand it on in a few turns). */
const turns = () => new Promise((resolve) => setTimeout(resolve, 0));

Deno.test("terminalLines() drops what was typed before a question shows: it answers only what comes after", async (t) => {
  for (
    const [name, before, during, after, answer] of [
      ["typed ahead, then waiting", "y\r", "", "n\r", "n"],
      ["arriving while the question waits to show", "", "y\r", "n\r", "n"],
      ["a line and a half typed ahead", "yes\ry", "es\r", "no\r", "no"],
      ["nothing typed ahead", "", "", "y\r", "y"],
    ] as const
  ) {
    await t.step(name, async () => {
      const terminal = fakeTerminal();
      const lines = terminalLines({ output: "stdout", ...terminal });
      terminal.type("first message\r");
      assert.equal(await lines.read("> "), "first message");
      terminal.type(before);
      await turns();
      const asked = lines.read("run it? ", { answer: true });
      await turns();
      assert.equal(terminal.waiting, 1);
      terminal.type(during);
      await turns();
      assert.ok(!terminal.shown.includes("run it? "), "shown before it waits");
      terminal.settled();
      await turns();
      assert.ok(terminal.shown.includes("run it? "));
      terminal.type(after);
      assert.equal(await asked, answer);
      lines[Symbol.dispose]();
      terminal.close();
    });
  }
  await t.step(
    "a chat's message typed ahead still reaches its prompt",
    async () => {
      const terminal = fakeTerminal();
      const lines = terminalLines({ output: "stdout", ...terminal });
      terminal.type("one\rtwo\r");
      assert.equal(await lines.read("> "), "one");
      assert.equal(await lines.read("> "), "two");
      assert.equal(terminal.waiting, 0);
      lines[Symbol.dispose]();
      terminal.close();
    },
  );
});

/**
 * A terminal whose keys are read only when the reader asks (as Deno's
 * stdin is): `pending` says whether a read waits for a key, and `modes`
 * lists how the terminal was set.
 */
function pulledTerminal() {
  const typed: string[] = [];
  let wake: (() => void) | undefined;
  let pending = false;
  const readable = new ReadableStream<Uint8Array>({
    async pull(controller) {
      pending = true;
      while (typed.length === 0) {
        await new Promise<void>((resolve) => wake = resolve);
      }
      pending = false;
      controller.enqueue(new TextEncoder().encode(typed.shift()));
    },
  }, { highWaterMark: 0 });
  const modes: string[] = [];
  const output = new PassThrough();
  let shown = "";
  output.on("data", (chunk) => void (shown += String(chunk)));
  return {
    device: {
      readable,
      setRaw: (raw: boolean, mode?: { cbreak: boolean }) =>
        void modes.push(raw ? (mode?.cbreak ? "cbreak" : "raw") : "cooked"),
      output,
    },
    settle: async () => {
      await turns();
      await turns();
    },
    type: (text: string) => {
      typed.push(text);
      wake?.();
    },
    get pending() {
      return pending;
    },
    get shown() {
      return shown;
    },
    modes,
  };
}

Deno.test("terminalLines().key() answers with the first key typed once it shows: keys typed before, and the rest of a burst, do not answer", async (t) => {
  for (
    const [name, before, after, key] of [
      ["typed ahead, then a key", "e", "a", "a"],
      ["a burst (a paste)", "", "dm\r", "d"],
      ["Enter", "", "\r", "\r"],
      ["an arrow key, whole", "", "\x1b[A", "\x1b[A"],
      ["Ctrl-C, raw", "", "\x03", "\x03"],
      ["a character of two bytes", "", "é", "é"],
    ] as const
  ) {
    await t.step(name, async () => {
      const terminal = pulledTerminal();
      using lines = terminalLines({ output: "stdout", ...terminal });
      terminal.type("first\r");
      assert.equal(await lines.read("> "), "first");
      if (before) terminal.type(before);
      await turns();
      const asked = lines.key!("[e]xecute? ");
      await terminal.settle();
      await turns();
      assert.ok(terminal.shown.endsWith("[e]xecute? "), terminal.shown);
      terminal.type(after);
      assert.equal(await asked, key);
      assert.equal(terminal.modes.at(-1), "raw");
    });
  }
});

Deno.test("terminalLines() reads nothing once a question is answered, until the next prompt: a program given the terminal gets what is typed", async (t) => {
  await t.step("after a key", async () => {
    const terminal = pulledTerminal();
    using lines = terminalLines({ output: "stdout", ...terminal });
    const asked = lines.key!("? ");
    await terminal.settle();
    await turns();
    terminal.type("e");
    assert.equal(await asked, "e");
    await turns();
    assert.equal(
      terminal.pending,
      false,
      "a read waits for the program's keys",
    );
    lines.release!();
    await turns();
    assert.deepEqual(terminal.modes.slice(-2), ["raw", "cooked"]);
    assert.ok(terminal.shown.endsWith("\x1b[?2004l"));
    const next = lines.read("> ");
    await turns();
    assert.equal(terminal.pending, true);
    terminal.type("more\r");
    assert.equal(await next, "more");
  });
  await t.step("after a line that answers a question", async () => {
    const terminal = pulledTerminal();
    using lines = terminalLines({ output: "stdout", ...terminal });
    const asked = lines.read("Type yes: ", { answer: true });
    await terminal.settle();
    await turns();
    terminal.type("yes\r");
    assert.equal(await asked, "yes");
    await turns();
    assert.equal(terminal.pending, false);
  });
  await t.step("but a message's line keeps the reading on", async () => {
    const terminal = pulledTerminal();
    using lines = terminalLines({ output: "stdout", ...terminal });
    const read = lines.read("> ");
    await turns();
    terminal.type("hello\r");
    assert.equal(await read, "hello");
    await turns();
    assert.equal(terminal.pending, true);
  });
});

Deno.test("terminalLines().read() with prefill puts the text in the line to edit, a line break in it kept", async (t) => {
  for (
    const [name, prefill, typed, line] of [
      ["edited at its end", "ls -la", "\x7f\x7fh\r", "ls -h"],
      ["taken as it is", "ls -la", "\r", "ls -la"],
      ["of two lines", "cd build\nmake", " -j\r", "cd build\nmake -j"],
    ] as const
  ) {
    await t.step(name, async () => {
      const terminal = pulledTerminal();
      using lines = terminalLines({ output: "stdout", ...terminal });
      const edited = lines.read("$ ", { answer: true, prefill });
      await terminal.settle();
      await turns();
      const shown = prefill.replaceAll("\n", PASTED_NEWLINE);
      assert.ok(terminal.shown.endsWith(`$ \x1b[3G${shown}`), terminal.shown);
      terminal.type(typed);
      assert.equal(await edited, line);
    });
  }
});

Deno.test("terminalLines().key() resolves undefined once the input ends", async () => {
  const terminal = fakeTerminal();
  const lines = terminalLines({ output: "stdout", ...terminal });
  const asked = lines.key!("? ");
  await turns();
  terminal.settled();
  await turns();
  terminal.close();
  assert.equal(await asked, undefined);
  lines[Symbol.dispose]();
  assert.equal(await lines.key!("? "), undefined);
});
