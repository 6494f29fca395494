import assert from "node:assert/strict";
import { opener } from "./browser.ts";

Deno.test("opener() uses BROWSER when it is one command, else the system's opener", async (t) => {
  const cases: [string | undefined, typeof Deno.build.os, string, string[]][] =
    [
      [undefined, "linux", "xdg-open", []],
      [undefined, "darwin", "open", []],
      [undefined, "windows", "rundll32", ["url.dll,FileProtocolHandler"]],
      ["firefox", "linux", "firefox", []],
      [" /usr/bin/firefox ", "linux", "/usr/bin/firefox", []],
      ["firefox %s", "linux", "xdg-open", []],
      ["firefox:chromium", "linux", "xdg-open", []],
      ["a,b", "darwin", "open", []],
      ["*", "linux", "xdg-open", []],
      ["", "linux", "xdg-open", []],
    ];
  for (const [browser, os, command, args] of cases) {
    await t.step(`${JSON.stringify(browser)} on ${os}`, () => {
      assert.deepEqual(opener(() => browser, os), { command, args });
    });
  }
  const refused = () => {
    throw new Deno.errors.NotCapable('Requires env access to "BROWSER"');
  };
  assert.deepEqual(opener(refused, "linux"), { command: "xdg-open", args: [] });
});
