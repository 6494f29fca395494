import assert from "node:assert/strict";
import { MAX_QUOTE } from "../exchange/server_message.ts";
import {
  CONSOLE_METHODS,
  type ConsoleMethods,
  routeConsole,
} from "./console.ts";

/** A console of its own, each method recording that it was called itself. */
function fakeConsole() {
  const own: string[] = [];
  const target = Object.fromEntries(
    CONSOLE_METHODS.map((name) => [name, () => void own.push(name)]),
  ) as unknown as ConsoleMethods;
  return { target, own, methods: { ...target } };
}

Deno.test("routeConsole() makes each of the console's methods one line, then puts them back", async (t) => {
  for (const name of CONSOLE_METHODS) {
    await t.step(name, () => {
      const { target, own, methods } = fakeConsole();
      const said: string[] = [];
      {
        using _ = routeConsole((line) => said.push(line), target);
        target[name]("[mcp-sdk] step %d of %s", 2, "sign-in", { ok: true });
      }
      assert.deepEqual(said, [
        "tool server: [mcp-sdk] step 2 of sign-in { ok: true }",
      ]);
      assert.deepEqual(own, []);
      for (const each of CONSOLE_METHODS) {
        assert.equal(target[each], methods[each], each);
      }
      target[name]("after");
      assert.deepEqual([said.length, own], [1, [name]]);
    });
  }
});

Deno.test("routeConsole(): what the SDK prints is made one safe line", async (t) => {
  const cases: [string, unknown[], string[]][] = [
    [
      "escape sequences shown, line breaks and tabs made spaces",
      ["\x1b]0;pwned\x07 Cause:\r\n\t\x1b[2Jgone\x9b"],
      ["tool server: ␛]0;pwned␇ Cause: ␛[2Jgone\ufffd"],
    ],
    [
      "an error's stack on the same line",
      [Object.assign(new Error("lost"), { stack: "Error: lost\n    at x" })],
      ["tool server: Error: lost at x"],
    ],
    [
      "a long message cut as a server's words are",
      ["w".repeat(MAX_QUOTE + 50)],
      [`tool server: ${"w".repeat(MAX_QUOTE - 1)}…`],
    ],
    ["nothing printed, nothing said", ["", " \n "], []],
  ];
  for (const [name, args, lines] of cases) {
    await t.step(name, () => {
      const { target } = fakeConsole();
      const said: string[] = [];
      using _ = routeConsole((line) => said.push(line), target);
      target.warn(...args);
      assert.deepEqual(said, lines);
    });
  }
});

Deno.test("routeConsole(): a line that cannot be said is lost, and the SDK's call returns", () => {
  const { target, methods } = fakeConsole();
  const routed = routeConsole(() => {
    throw new Error("stderr is gone");
  }, target);
  target.error("[mcp-sdk] anything");
  routed[Symbol.dispose]();
  assert.equal(target.error, methods.error);
});

Deno.test("routeConsole() routes the global console by default", () => {
  const warn = console.warn;
  const said: string[] = [];
  {
    using _ = routeConsole((line) => said.push(line));
    assert.notEqual(console.warn, warn);
    console.warn("[mcp-sdk] excluding tool 'x'");
  }
  assert.equal(console.warn, warn);
  assert.deepEqual(said, ["tool server: [mcp-sdk] excluding tool 'x'"]);
});
