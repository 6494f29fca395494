import assert from "node:assert/strict";
import { openBrowser, opener } from "./browser.ts";
import { testWith } from "../../testdata/permissions.ts";

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

testWith({ name: "run", command: "sh" })(
  "openBrowser() says why no browser opened: an opener that fails at once, one that is not there",
  async () => {
    // `sh URL` finds no script of that name: it fails at once.
    await assert.rejects(
      openBrowser(
        "https://auth.test/authorize",
        (name) => name === "BROWSER" ? "sh" : undefined,
        "linux",
      ),
      new Error("sh failed (exit code 2)"),
    );
    await assert.rejects(
      openBrowser(
        "https://auth.test/authorize",
        (name) => name === "BROWSER" ? "no-such-browser-here" : undefined,
        "linux",
      ),
      /^Error: (this run may not start|no-such-browser-here was not found)/,
    );
  },
);
