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
