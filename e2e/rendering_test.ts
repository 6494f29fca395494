/** The real program at a real terminal: markdown rendered as it streams. */
import assert from "node:assert/strict";
import {
  atTerminal,
  e2e,
  hasScript,
  installed,
  launchedFlags,
  MAIN,
  program,
  seen,
  SHIM,
  SKIP_HINT,
} from "../testdata/e2e.ts";
import { MARKDOWN_TEXT } from "../testdata/server.ts";
import { screenOf } from "../testdata/screen.ts";

/** MARKDOWN_TEXT as an 80-column terminal shows it, without color. */
const RENDERED = [
  "Steps",
  "─────",
  "",
  "1. File a petition.",
  "2. Wait.",
  "",
  "┌─────────┬────────┐",
  "│ Court   │   Time │",
  "├─────────┼────────┤",
  "│ Circuit │ 1 year │",
  "└─────────┴────────┘",
  "",
  `┌─ sh ${"─".repeat(74)}`,
  "│ gh issue list",
  `└${"─".repeat(79)}`,
  "",
  "Then review.",
  "",
].join("\n");

Deno.test({
  name:
    "at a terminal, a streamed markdown answer renders as it grows, redrawn in place" +
    (hasScript ? "" : ` (${SKIP_HINT})`),
  ignore: !hasScript,
  async fn() {
    const { startServer } = await import("../testdata/server.ts");
    await using server = startServer();
    await installed();
    for (const command of [["deno", "run", ...launchedFlags(), MAIN], [SHIM]]) {
      const terminal = atTerminal(
        [...command, "--stream", "How?"],
        server.url("markdown"),
      );
      const { code, output, raw } = await terminal.end();
      assert.deepEqual({ code, output }, { code: 0, output: RENDERED });
      assert.equal(screenOf(raw, { columns: 80, rows: 24 }), RENDERED);
      // What is in progress was drawn as it came: the heading's first
      // piece as a heading, then redrawn in place.
      assert.ok(
        raw.startsWith("St\r\n──\r\x1b[2K\x1b[1A\x1b[2KSteps\r\n─────\r\n"),
        raw,
      );
      // deno-lint-ignore no-control-regex
      const ups = [...raw.matchAll(/\x1b\[(\d+)A/g)].map(([, n]) => +n);
      assert.ok(ups.length > 0 && ups.every((n) => n < 23), `${ups}`);
      // deno-lint-ignore no-control-regex
      assert.doesNotMatch(raw, /\x1b\[\d*[BHJ]|\x1b\[\?1049|\x1b[78]/);
    }
  },
});

e2e(
  "into a pipe, and with --raw at a terminal, the answer is the exact text",
  async (server) => {
    const piped = await program(["--stream", "How?"], {
      baseURL: server.url("markdown"),
    });
    assert.deepEqual(seen(piped), {
      code: 0,
      stdout: `${MARKDOWN_TEXT}\n`,
      stderr: "",
    });
    if (!hasScript) return;
    const terminal = atTerminal(
      ["deno", "run", ...launchedFlags(), MAIN, "--raw", "How?"],
      server.url("markdown"),
    );
    const { code, raw } = await terminal.end();
    assert.equal(code, 0);
    assert.equal(raw, `${MARKDOWN_TEXT}\n`.replaceAll("\n", "\r\n"));
  },
);
