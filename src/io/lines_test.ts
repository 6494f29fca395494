import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { PASTED_NEWLINE, PasteDecoder, pipedLines } from "./lines.ts";

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
