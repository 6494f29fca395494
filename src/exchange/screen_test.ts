import assert from "node:assert/strict";
import { AnswerError, RefusalError } from "./answer.ts";
import { AnswerScreen, KEPT_LIMIT, type ScreenOptions } from "./screen.ts";

function screen(options: ScreenOptions) {
  const out = { stdout: "", stderr: "" };
  const io = {
    stdout: { write: (text: string) => void (out.stdout += text) },
    stderr: { write: (text: string) => void (out.stderr += text) },
    noColor: true,
    stderrIsTerminal: false,
  };
  return { out, screen: new AnswerScreen(io, options, () => {}) };
}

const message = (content: string | null, extra = {}) => ({
  choices: [{
    index: 0,
    message: { role: "assistant", content, ...extra },
    finish_reason: "stop",
  }],
});

Deno.test("AnswerScreen shows a completion's reasoning on stderr, then its text on stdout", () => {
  const { out, screen: shown } = screen({ json: false, reasoning: true });
  shown.complete(message("Yes.", { reasoning_content: "Thinking." }), {
    streamed: false,
  });
  shown.end();
  assert.deepEqual(out, { stdout: "Yes.\n", stderr: "Thinking.\n\n" });
  assert.equal(shown.text, "Yes.");
});

Deno.test("AnswerScreen hides reasoning unless asked", () => {
  const { out, screen: shown } = screen({ json: false, reasoning: false });
  shown.complete(message("Yes.", { reasoning: "Thinking." }), {
    streamed: false,
  });
  shown.end();
  assert.deepEqual(out, { stdout: "Yes.\n", stderr: "" });
});

Deno.test("AnswerScreen does not print a streamed answer twice", () => {
  const { out, screen: shown } = screen({ json: false, reasoning: true });
  shown.write("Yes");
  shown.write(".");
  shown.complete(message(""), { streamed: true });
  shown.end();
  assert.deepEqual(out, { stdout: "Yes.\n", stderr: "" });
  assert.equal(shown.text, "Yes.");
});

Deno.test("AnswerScreen --json prints the completion as it came, keeps the text and prints no reasoning", () => {
  const { out, screen: shown } = screen({ json: true, reasoning: true });
  const completion = message("Yes.", { reasoning_content: "Thinking." });
  shown.complete(completion, { streamed: false });
  shown.end();
  assert.deepEqual(out, {
    stdout: `${JSON.stringify(completion, null, 2)}\n`,
    stderr: "",
  });
  assert.equal(shown.text, "Yes.");
});

Deno.test("AnswerScreen --json prints a refusal, then fails as without --json", () => {
  const { out, screen: shown } = screen({ json: true, reasoning: false });
  const completion = message(null, { refusal: "No." });
  assert.throws(
    () => shown.complete(completion, { streamed: false }),
    new RefusalError("No."),
  );
  shown.end();
  assert.equal(out.stdout, `${JSON.stringify(completion, null, 2)}\n`);
});

Deno.test("AnswerScreen --json prints a body that is not JSON as it came", () => {
  const { out, screen: shown } = screen({ json: true, reasoning: false });
  assert.throws(
    () => shown.complete("<html>502</html>", { streamed: false }),
    AnswerError,
  );
  shown.end();
  assert.equal(out.stdout, "<html>502</html>\n");
});

Deno.test("AnswerScreen prints a long answer whole but keeps only KEPT_LIMIT characters of it", () => {
  const { out, screen: shown } = screen({ json: false, reasoning: false });
  const piece = "x".repeat(1024 * 1024);
  for (let i = 0; i < 5; i++) shown.write(piece);
  shown.write("tail");
  shown.end();
  assert.equal(out.stdout.length, 5 * piece.length + "tail\n".length);
  assert.equal(
    shown.text,
    `${"x".repeat(KEPT_LIMIT)}\n[${
      piece.length + 4
    } more characters were printed, not saved]`,
  );
});

Deno.test("AnswerScreen's spinner is erased before the answer's first text, its thinking, or a failure's line", async (t) => {
  const cases: [string, (shown: AnswerScreen) => void][] = [
    ["text", (shown) => shown.write("Yes.")],
    ["thinking", (shown) => shown.reasoning!.write("Hm.")],
    [
      "a whole completion",
      (shown) => shown.complete(message("Yes."), { streamed: false }),
    ],
    ["the end, before a failure's line", (shown) => shown.end()],
    ["the tools' turn", (shown) => shown.stopActivity()],
    ["disposal", (shown) => shown[Symbol.dispose]()],
  ];
  for (const [name, act] of cases) {
    await t.step(name, () => {
      let stderr = "";
      const ticks: (() => void)[] = [];
      const shown = new AnswerScreen({
        stdout: { write: () => {} },
        stderr: { write: (text) => void (stderr += text) },
        noColor: true,
        stderrIsTerminal: true,
      }, {
        json: false,
        reasoning: true,
        activity: {
          timer: (_ms, tick) => {
            ticks.push(tick);
            return () => ticks.splice(ticks.indexOf(tick), 1);
          },
        },
      }, () => {});
      ticks.shift()!();
      assert.equal(stderr, "\r⠋");
      act(shown);
      assert.ok(stderr.startsWith("\r⠋\r\x1b[2K"), JSON.stringify(stderr));
      assert.deepEqual(ticks, [], "no frame follows");
    });
  }
});
