/**
 * The chat page served by the installed command: `.tmp/install/bin/gpt4o
 * --serve --port 0` spawned (the bundle `deno task install` makes, as
 * `testdata/e2e.ts` installs it), on the scripted upstream. The page loads
 * with the bundle's Content-Security-Policy, sends a message, shows the
 * streamed answer, and `gpt4o --history` lists the conversation: the
 * page's files are carried by the bundle, and its chats saved where the
 * terminal finds them. `deno task browser` runs it.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  answered,
  answerIs,
  browserTest,
  openPage,
  whyNot,
} from "../../testdata/browser.ts";
import { startServer } from "../../testdata/server.ts";
import {
  collect,
  installed,
  KEY,
  PASSED_ENV,
  readUntil,
  SHIM,
} from "../../testdata/e2e.ts";
import { CSP } from "../../src/serve/replies.ts";
import { DEFAULT_SYSTEM } from "../../src/cli/options.ts";

const CANNOT = whyNot(
  { name: "run", command: "deno" },
  { name: "run", command: SHIM },
);

/** The installed command with `args`, in the tests' clean environment. */
function installedCommand(
  args: string[],
  env: Record<string, string>,
): Deno.ChildProcess {
  return new Deno.Command(SHIM, {
    args,
    clearEnv: true,
    env: { ...PASSED_ENV, NO_COLOR: "1", OPENAI_API_KEY: KEY, ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

browserTest(
  "the installed gpt4o --serve serves the page from its bundle, which chats, and --history lists the chat",
  CANNOT,
  async (browser) => {
    await installed();
    await using upstream = startServer();
    const env = { OPENAI_BASE_URL: upstream.url("ok") };
    const child = installedCommand(["--serve", "--port", "0"], env);
    const stdout = collect(child.stdout);
    const { match, rest } = await readUntil(
      child.stderr,
      /^gpt4o: serving (http:\/\/127\.0\.0\.1:\d+)\/ \(Ctrl-C stops\)\n/,
    );
    const origin = match[1];
    try {
      const { page, response, context, clean } = await openPage(
        browser,
        origin,
      );
      try {
        assert.equal(response?.status(), 200);
        assert.equal(response?.headers()["content-security-policy"], CSP);
        await page.locator("#model option").first().waitFor({
          state: "attached",
        });
        await page.fill("#prompt", "Who decides?");
        await page.press("#prompt", "Enter");
        await answerIs(page, "A case reaches the Court.");
        await answered(page);
        assert.equal(new URL(page.url()).hash, "#1");
        await page.locator("#conversations .conversation-title", {
          hasText: "Who decides?",
        }).waitFor();
        clean();
      } finally {
        await context.close();
      }
    } finally {
      child.kill("SIGTERM");
    }
    assert.equal((await child.status).code, 0);
    assert.equal(await stdout, "");
    assert.equal(await rest, `gpt4o: serving ${origin}/ (Ctrl-C stops)\n`);
    assert.deepEqual(upstream.requests.get("ok"), [{
      model: "gpt-4o",
      messages: [
        { role: "system", content: DEFAULT_SYSTEM },
        { role: "user", content: "Who decides?" },
      ],
      stream: true,
      stream_options: { include_usage: true },
    }]);

    const history = installedCommand(["--history"], env);
    const [listed, errors, { code }] = await Promise.all([
      collect(history.stdout),
      collect(history.stderr),
      history.status,
    ]);
    assert.deepEqual({ code, errors }, { code: 0, errors: "" });
    assert.equal(
      listed.replace(/^1 {2}\d{4}-\d\d-\d\d \d\d:\d\d {2}/, "1  WHEN  "),
      "1  WHEN  gpt-4o  1 turn  Who decides?\n",
    );
  },
);
