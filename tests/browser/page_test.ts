/**
 * The chat page in a real browser against the real server: `gpt4o --serve`
 * in-process (`testdata/serve.ts`) on a free port, with a history of its
 * own under `.tmp/`, asking the scripted upstream of `testdata/server.ts`,
 * whose `scripted` answers each test streams (`testdata/scripted.ts`); the
 * session each test opens is `testdata/page_session.ts`.
 * Chromium is driven by npm playwright-core (`testdata/browser.ts`);
 * `deno task browser` runs these, and without its permissions, or without
 * Chromium, each test is ignored and says why.
 *
 * Every test also holds that the page asked no other origin for anything and
 * logged no error (console or uncaught).
 *
 * @module
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import type { Page } from "playwright-core";
import { answered, answerIs, until, within } from "../../testdata/browser.ts";
import { HIGHLIGHT_LIMIT, spansOf } from "../../src/serve/highlight.ts";
import { IMAGE_LIMIT } from "../../src/files/attachments.ts";
import { DEFAULT_SYSTEM } from "../../src/cli/options.ts";
import {
  apiCalls,
  GIF,
  MODELS,
  openId,
  pageTest,
  PNG,
  seen,
} from "../../testdata/page_session.ts";

/** The last answer's blocks: each element's tag and text. */
function blocksOf(page: Page) {
  return page.locator("article.assistant .message-body").last().evaluate(
    (body) =>
      [...body.children].map((child) => [child.tagName, child.textContent]),
  );
}

/** The nodes of a code block: text, or a span's class and text. */
function codeNodes(page: Page) {
  return page.locator("article.assistant code[data-highlighted]").last()
    .evaluate((code) =>
      [...code.childNodes].map((node) =>
        node instanceof HTMLElement
          ? { text: node.textContent, class: node.className }
          : { text: node.textContent }
      )
    );
}

pageTest(
  "the chat page sends a message and renders the streamed answer as markdown",
  async (session, t) => {
    const { server, page, clean } = await session();
    await page.locator("#model option").first().waitFor({ state: "attached" });

    await t.step(
      "the model picker lists /v1/models, the default first",
      async () => {
        assert.deepEqual(
          await page.locator("#model option").evaluateAll((options) =>
            options.map((option) => (option as HTMLOptionElement).value)
          ),
          MODELS,
        );
        assert.equal(await page.inputValue("#model"), "gpt-4o");
      },
    );

    const code =
      "const answer: number = 42; // the answer\nconsole.log(answer);";
    await t.step(
      "the answer streams in, and is rendered as it comes",
      async () => {
        await page.fill("#prompt", "Explain, with code");
        await page.click("#send");
        const chat = await server.nextChat();
        assert.deepEqual(chat.posted, {
          model: "gpt-4o",
          prompt: "Explain, with code",
        });
        assert.deepEqual(chat.body.messages, [
          { role: "system", content: DEFAULT_SYSTEM },
          { role: "user", content: "Explain, with code" },
        ]);
        assert.equal(
          await page.locator("article.user .user-text").textContent(),
          "Explain, with code",
        );
        assert.equal(await page.isVisible("#stop"), true);
        assert.equal(await page.isVisible("#send"), false);
        chat.send("# A tit");
        await answerIs(page, "A tit");
        chat.send("le\n\n- one\n- **two**\n\n```ts\n");
        chat.send(`${code}\n\`\`\`\n\nSee [the docs](https://deno.com/x).`);
        chat.finish();
        await answered(page);
        assert.deepEqual(await blocksOf(page), [
          ["H3", "A title"],
          ["UL", "onetwo"],
          ["DIV", `tsCopy${code}`],
          ["P", "See the docs."],
        ]);
        assert.equal(
          await page.textContent("article.assistant li strong"),
          "two",
        );
        assert.equal(await page.isVisible("#send"), true);
        assert.equal(await page.isVisible("#stop"), false);
      },
    );

    await t.step(
      "a code block has the spans and classes /api/highlight gave",
      async () => {
        await page.locator("code[data-highlighted]").waitFor();
        assert.deepEqual(await codeNodes(page), spansOf(code, "ts"));
        assert.deepEqual(
          (await codeNodes(page)).filter((node) => "class" in node).slice(0, 3),
          [
            { text: "const", class: "hljs-keyword" },
            { text: "answer", class: "hljs-attr" },
            { text: "number", class: "hljs-built_in" },
          ],
        );
        assert.equal(seen(server, "POST", "/api/highlight").length, 1);
      },
    );

    await t.step(
      "a link opens in a new tab, with no referrer and no opener",
      async () => {
        const link = page.locator("article.assistant a");
        assert.deepEqual(
          await link.evaluate((a) => [
            a.getAttribute("href"),
            a.getAttribute("target"),
            a.getAttribute("rel"),
          ]),
          ["https://deno.com/x", "_blank", "noopener noreferrer"],
        );
      },
    );

    await t.step("the copy button puts the code on the clipboard", async () => {
      await page.click("article.assistant .copy");
      await page.locator("article.assistant .copy", { hasText: "Copied" })
        .waitFor();
      assert.equal(
        await page.evaluate(() => navigator.clipboard.readText()),
        code,
      );
    });

    await t.step(
      "without the clipboard API, the copy falls back to the old way",
      async () => {
        const copied = await page.evaluate(async () => {
          Object.defineProperty(navigator, "clipboard", { value: undefined });
          let selected = "";
          document.execCommand = (command: string) => {
            selected = `${command}: ${
              (document.activeElement as HTMLTextAreaElement).value
            }`;
            return true;
          };
          const button = document.querySelector<HTMLButtonElement>(
            "article.assistant .copy",
          )!;
          button.click();
          await new Promise((resolve) => setTimeout(resolve, 0));
          return selected;
        });
        assert.equal(copied, `copy: ${code}`);
      },
    );

    await t.step(
      "the next message continues the conversation the server named",
      async () => {
        assert.equal(openId(page), "1");
        assert.equal(await page.textContent("#title"), "Explain, with code");
        await page.selectOption("#model", "mini");
        await page.fill("#prompt", "And again");
        await page.press("#prompt", "Enter");
        const chat = await server.nextChat();
        assert.deepEqual(chat.posted, {
          conversation: 1,
          model: "mini",
          prompt: "And again",
        });
        // The alias's model, with the turn before.
        assert.equal(chat.body.model, "gpt-4o-mini");
        assert.deepEqual(chat.body.messages?.slice(1, 3), [
          { role: "user", content: "Explain, with code" },
          {
            role: "assistant",
            content: "# A title\n\n- one\n- **two**\n\n```ts\n" +
              `${code}\n\`\`\`\n\nSee [the docs](https://deno.com/x).`,
          },
        ]);
        chat.send("Again.");
        chat.finish();
        await answered(page);
        assert.equal(await page.locator("article.assistant").count(), 2);
        assert.equal(
          await page.textContent(
            "#conversations button[aria-current] .conversation-title",
          ),
          "Explain, with code",
        );
      },
    );

    await t.step(
      "a block too large to highlight is shown plain, and not sent",
      async () => {
        const before = seen(server, "POST", "/api/highlight").length;
        const large = "x".repeat(HIGHLIGHT_LIMIT + 1);
        server.answers.push([
          `\`\`\`ts\n${large}\n\`\`\`\n\n\`\`\`js\nlet small;\n\`\`\`\n`,
        ]);
        await page.fill("#prompt", "A large one");
        await page.press("#prompt", "Enter");
        await answered(page);
        // The small block, asked for after the large one, is highlighted.
        await page.locator("article.assistant").last()
          .locator("code[data-highlighted]").waitFor();
        const codes = page.locator("article.assistant").last().locator("code");
        assert.equal(await codes.first().textContent(), large);
        assert.equal(
          await codes.first().getAttribute("data-highlighted"),
          null,
        );
        assert.equal(await codes.first().locator("span").count(), 0);
        assert.equal(seen(server, "POST", "/api/highlight").length, before + 1);
      },
    );

    await t.step(
      "a failure mid-way is shown, with what came before it",
      async () => {
        await page.fill("#prompt", "Once more");
        await page.press("#prompt", "Enter");
        const chat = await server.nextChat();
        chat.send("Half");
        chat.fail("the provider hung up");
        await answered(page);
        assert.equal(
          await page.locator("article.assistant").last().locator(
            ".message-body",
          )
            .textContent(),
          "Half",
        );
        assert.equal(
          await page.locator("article.assistant").last().locator(".note.error")
            .textContent(),
          "the server reported an error: the provider hung up",
        );
      },
    );
    clean();
  },
);

pageTest(
  "a model's markup is shown as text and runs nothing",
  async (session) => {
    const { server, page, clean } = await session();
    server.answers.push([
      '<img src=x onerror="window.__ran = 1">\n\n',
      "Hi <script>window.__ran = 2</script> <b onclick=x>bold?</b> ",
      "[click](javascript:window.__ran=3) ![a cat](https://cats.example/cat.png) ",
      "![local](x.png)\n\n<iframe src=https://evil.example></iframe>",
    ]);
    await page.fill("#prompt", "Be bad");
    await page.press("#prompt", "Enter");
    await answered(page);
    assert.deepEqual(await blocksOf(page), [
      ["P", '<img src=x onerror="window.__ran = 1">'],
      [
        "P",
        "Hi <script>window.__ran = 2</script> <b onclick=x>bold?</b> click " +
        "[image: a cat] [image: local]",
      ],
      ["P", "<iframe src=https://evil.example></iframe>"],
    ]);
    const body = page.locator("article.assistant .message-body");
    assert.equal(await body.locator("img, script, b, iframe").count(), 0);
    assert.equal(await body.locator("a[href^=javascript]").count(), 0);
    assert.equal(await body.locator("span.unsafe-link").textContent(), "click");
    await body.locator("span.unsafe-link").click();
    assert.deepEqual(
      await body.locator(".image-alt").evaluateAll((nodes) =>
        nodes.map((node) => [node.tagName, node.getAttribute("href")])
      ),
      [["A", "https://cats.example/cat.png"], ["SPAN", null]],
    );
    assert.equal(await page.evaluate(() => "__ran" in window), false);
    clean();
  },
);

pageTest(
  "the stop button and Escape stop a slow answer, which keeps what came",
  async (session, t) => {
    const { server, page, clean } = await session();

    await t.step("by the button", async () => {
      await page.fill("#prompt", "Tell me a long story");
      await page.click("#send");
      const chat = await server.nextChat();
      chat.send("Once upon a time");
      await answerIs(page, "Once upon a time");
      await page.click("#stop");
      await within(chat.cancelled, "the upstream sees the stream cancelled");
      await answered(page);
      assert.equal(chat.wasCancelled(), true);
      const answer = page.locator("article.assistant").last();
      assert.equal(
        await answer.locator(".message-body").textContent(),
        "Once upon a time",
      );
      assert.equal(
        await answer.locator(".note.stopped").textContent(),
        "Stopped: the answer so far is kept.",
      );
      assert.equal(await page.textContent("#status"), "Answer stopped.");
      assert.equal(await page.isVisible("#send"), true);
      // The focus was on the button that went: it is back in the message box.
      assert.equal(
        await page.evaluate(() => document.activeElement?.id),
        "prompt",
      );
    });

    await t.step("by Escape, from the keyboard alone", async () => {
      await page.keyboard.type("Another one");
      await page.keyboard.press("Enter");
      const chat = await server.nextChat();
      assert.equal(chat.posted.prompt, "Another one");
      chat.send("It was");
      await answerIs(page, "It was");
      await page.keyboard.press("Escape");
      await within(chat.cancelled, "the upstream sees the stream cancelled");
      await answered(page);
      assert.equal(
        await page.locator("article.assistant").last().locator(".note.stopped")
          .count(),
        1,
      );
    });
    clean();
  },
);

pageTest("the page is usable by keyboard alone", async (session, t) => {
  const { server, page, clean } = await session();
  const focused = () => page.evaluate(() => document.activeElement?.id);

  await t.step("the message box has the focus on arrival", async () => {
    await page.locator("#model option").first().waitFor({ state: "attached" });
    assert.equal(await focused(), "prompt");
  });

  await t.step("Shift+Enter starts a new line, Enter sends", async () => {
    await page.keyboard.type("line one");
    await page.keyboard.press("Shift+Enter");
    await page.keyboard.type("line two");
    assert.equal(await page.inputValue("#prompt"), "line one\nline two");
    await page.keyboard.press("Enter");
    const chat = await server.nextChat();
    assert.equal(chat.posted.prompt, "line one\nline two");
    assert.equal(await page.inputValue("#prompt"), "");
    chat.send("Two lines.");
    chat.finish();
    await answered(page);
  });

  await t.step("Enter on an empty box sends nothing", async () => {
    await page.keyboard.press("Enter");
    assert.equal(seen(server, "POST", "/api/chat").length, 1);
  });

  await t.step(
    "Tab goes through the controls in order, each focus visible",
    async () => {
      await page.focus("#new-chat");
      const order = [];
      for (let step = 0; step < 7; step++) {
        const [id, ring] = await page.evaluate(() => {
          const element = document.activeElement as HTMLElement;
          // The message box's ring is its frame's, around the attach button too.
          const framed = element.id === "prompt"
            ? element.closest(".composer-box")!
            : element;
          const style = getComputedStyle(framed);
          return [
            element.id || element.className,
            element.id === "prompt" ? style.boxShadow : style.outlineStyle,
          ];
        });
        order.push(`${id} ${ring}`);
        await page.keyboard.press("Tab");
      }
      assert.deepEqual(order, [
        "new-chat solid",
        "search solid",
        "conversation solid",
        "model solid",
        "attach solid",
        "prompt rgb(59, 99, 240) 0px 0px 0px 2px",
        "send solid",
      ]);
    },
  );

  await t.step("every control without a text has an aria-label", async () => {
    assert.deepEqual(
      await page.locator("button:not(:has-text(' '))").evaluateAll((buttons) =>
        buttons.filter((button) =>
          !button.textContent?.trim() && !button.getAttribute("aria-label")
        ).map((button) => button.id)
      ),
      [],
    );
    assert.equal(
      await page.getAttribute("#messages", "aria-live"),
      "polite",
    );
  });
  clean();
});

/** Dispatches a paste or a drop of `files` (name, type, bytes) at `selector`. */
function handOver(
  page: Page,
  how: "paste" | "drop",
  selector: string,
  files: { name: string; type: string; bytes: number[] | number }[],
) {
  return page.evaluate(({ how, selector, files }) => {
    const transfer = new DataTransfer();
    for (const { name, type, bytes } of files) {
      const content = typeof bytes === "number"
        ? new Uint8Array(bytes).fill(0x89, 0, 1)
        : new Uint8Array(bytes);
      transfer.items.add(new File([content], name, { type }));
    }
    const target = document.querySelector(selector)!;
    const event = how === "paste"
      ? new ClipboardEvent("paste", {
        clipboardData: transfer,
        bubbles: true,
        cancelable: true,
      })
      : new DragEvent("drop", {
        dataTransfer: transfer,
        bubbles: true,
        cancelable: true,
      });
    target.dispatchEvent(event);
  }, { how, selector, files });
}

pageTest(
  "images are attached by the file button, by paste and by drop, and sent as base64",
  async (session, t) => {
    const { server, page, clean } = await session();
    const thumbnails = () =>
      page.locator("#thumbnails img").evaluateAll((images) =>
        images.map((image) => image.getAttribute("alt"))
      );

    await t.step(
      "the file button opens a chooser; the image shows as a thumbnail",
      async () => {
        const [chooser] = await Promise.all([
          page.waitForEvent("filechooser"),
          page.click("#attach"),
        ]);
        await chooser.setFiles({
          name: "pixel.png",
          mimeType: "image/png",
          buffer: Buffer.from(PNG),
        });
        await page.locator("#thumbnails img").waitFor();
        assert.deepEqual(await thumbnails(), ["pixel.png"]);
        assert.equal(
          await page.getAttribute("#thumbnails img", "src"),
          `data:image/png;base64,${PNG.toBase64()}`,
        );
      },
    );

    await t.step("a pasted image and a dropped one join it", async () => {
      await handOver(page, "paste", "#prompt", [
        { name: "pasted.png", type: "image/png", bytes: [...PNG] },
      ]);
      await page.locator("#thumbnails img").nth(1).waitFor();
      await handOver(page, "drop", "#messages", [
        // The browser's guess from the name is wrong; the bytes are a GIF's.
        { name: "dropped.jpg", type: "image/jpeg", bytes: [...GIF] },
      ]);
      await page.locator("#thumbnails img").nth(2).waitFor();
      assert.deepEqual(await thumbnails(), [
        "pixel.png",
        "pasted.png",
        "dropped.jpg",
      ]);
    });

    await t.step(
      "a file that is no image, and one over the limit, are refused with a message",
      async () => {
        const [chooser] = await Promise.all([
          page.waitForEvent("filechooser"),
          page.click("#attach"),
        ]);
        await chooser.setFiles({
          name: "notes.txt",
          mimeType: "text/plain",
          buffer: Buffer.from("not an image"),
        });
        await page.locator("#notice:not([hidden])").waitFor();
        assert.equal(
          await page.textContent("#notice"),
          "notes.txt is not an image: attach a PNG, JPEG, WebP or GIF image",
        );
        await handOver(page, "drop", "#composer", [
          { name: "huge.png", type: "image/png", bytes: IMAGE_LIMIT + 1 },
        ]);
        await page.locator("#notice", { hasText: "huge.png" }).waitFor();
        assert.equal(
          await page.textContent("#notice"),
          "huge.png is larger than 20 MiB, the most an image may be",
        );
        assert.equal(await page.getAttribute("#notice", "role"), "alert");
        assert.equal((await thumbnails()).length, 3);
      },
    );

    await t.step("a thumbnail's button takes its image off", async () => {
      await page.click('#thumbnails button[aria-label="Remove pasted.png"]');
      assert.deepEqual(await thumbnails(), ["pixel.png", "dropped.jpg"]);
    });

    await t.step(
      "the message carries each image with its media type and base64 data",
      async () => {
        await page.fill("#prompt", "What are these?");
        await page.press("#prompt", "Enter");
        const chat = await server.nextChat();
        assert.deepEqual(chat.posted, {
          model: "gpt-4o",
          prompt: "What are these?",
          attachments: [
            {
              name: "pixel.png",
              media_type: "image/png",
              data: PNG.toBase64(),
            },
            {
              name: "dropped.jpg",
              media_type: "image/gif",
              data: GIF.toBase64(),
            },
          ],
        });
        // Upstream, each image is an image_url part with its data URL.
        assert.deepEqual(chat.body.messages?.at(-1), {
          role: "user",
          content: [
            { type: "text", text: "What are these?" },
            {
              type: "image_url",
              image_url: { url: `data:image/png;base64,${PNG.toBase64()}` },
            },
            {
              type: "image_url",
              image_url: { url: `data:image/gif;base64,${GIF.toBase64()}` },
            },
          ],
        });
        assert.deepEqual(
          await page.locator("article.user img").evaluateAll((images) =>
            images.map((image) => image.getAttribute("src"))
          ),
          [
            `data:image/png;base64,${PNG.toBase64()}`,
            `data:image/gif;base64,${GIF.toBase64()}`,
          ],
        );
        assert.equal(await page.isHidden("#thumbnails"), true);
        assert.equal(await page.isHidden("#notice"), true);
        chat.send("Two pixels.");
        chat.finish();
        await answered(page);
      },
    );
    clean();
  },
);

pageTest(
  "the conversation list: newest first, searched, opened, and there after a reload",
  async (session, t) => {
    const { server, page, clean } = await session({ history: true });
    const titles = () =>
      page.locator("#conversations .conversation-title").allTextContents();
    await page.locator("#conversations li").first().waitFor();

    await t.step("the history's conversations, newest first", async () => {
      assert.deepEqual(await titles(), ["What is in it?", "What is 'a?"]);
      assert.equal(
        seen(server, "GET", "/api/conversations?limit=100").length,
        1,
      );
    });

    await t.step(
      "one begun in the terminal opens with its text, its image and its system message",
      async () => {
        await page.click("text=What is in it?");
        await page.locator("article.assistant").waitFor();
        assert.equal(openId(page), "2");
        assert.equal(await page.textContent("#title"), "What is in it?");
        assert.equal(await page.inputValue("#model"), "mini");
        assert.equal(
          await page.textContent("details.system p"),
          "Answer briefly.",
        );
        assert.equal(
          await page.textContent("article.user .user-text"),
          "What is in it?",
        );
        assert.deepEqual(
          await page.locator("article.user img").evaluateAll((images) =>
            images.map((image) => image.getAttribute("src"))
          ),
          [`data:image/png;base64,${PNG.toBase64()}`],
        );
        assert.equal(
          await page.innerHTML("article.assistant .message-body"),
          "<p>A <code>pixel</code>.</p>",
        );
        assert.equal(
          await page.getAttribute(
            "#conversations button[aria-current]",
            "data-id",
          ),
          "2",
        );
      },
    );

    await t.step(
      "a message there continues it, and it is listed first",
      async () => {
        server.answers.push(["Still a pixel."]);
        await page.fill("#prompt", "Look again");
        await page.press("#prompt", "Enter");
        await answered(page);
        assert.deepEqual(seen(server, "POST", "/api/chat")[0].body, {
          conversation: 2,
          model: "mini",
          prompt: "Look again",
        });
        // Upstream, the terminal's turn goes first, its images with it.
        assert.deepEqual(server.upstream.requests.get("scripted")?.[0], {
          model: "gpt-4o-mini",
          messages: [
            { role: "system", content: "Answer briefly." },
            {
              role: "user",
              content: [
                { type: "text", text: "What is in it?" },
                {
                  type: "image_url",
                  image_url: { url: `data:image/png;base64,${PNG.toBase64()}` },
                },
                {
                  type: "image_url",
                  image_url: { url: "https://photos.example/remote.png" },
                },
              ],
            },
            { role: "assistant", content: "A `pixel`." },
            { role: "user", content: "Look again" },
          ],
          stream: true,
          stream_options: { include_usage: true },
        });
        await page.locator("#conversations[data-query='']").waitFor();
        assert.deepEqual(await titles(), ["What is in it?", "What is 'a?"]);
      },
    );

    await t.step(
      "a new chat, then a reload: the list has it, and it opens",
      async () => {
        await page.click("#new-chat");
        assert.equal(await page.textContent("#title"), "New chat");
        assert.equal(await page.locator("article").count(), 0);
        server.answers.push(["Hello there."]);
        await page.fill("#prompt", "Say hello");
        await page.press("#prompt", "Enter");
        await answered(page);
        await page.goto(`${server.origin}/`);
        await page.locator("#conversations li").nth(2).waitFor();
        assert.deepEqual(await titles(), [
          "Say hello",
          "What is in it?",
          "What is 'a?",
        ]);
        await page.click("text=Say hello");
        await page.locator("article.assistant").waitFor();
        assert.deepEqual(
          await page.locator("article .message-body").allTextContents(),
          ["Say hello", "Hello there."],
        );
        await page.reload();
        await page.locator("article.assistant").waitFor();
        assert.equal(await page.textContent("#title"), "Say hello");
      },
    );

    await t.step(
      "the search box asks the server and shows what it found",
      async () => {
        await page.fill("#search", "lifetime");
        await page.locator("#conversations[data-query=lifetime]").waitFor();
        assert.deepEqual(await titles(), ["What is 'a?"]);
        assert.equal(
          seen(server, "GET", "/api/conversations?limit=100&q=lifetime").length,
          1,
        );
        await page.fill("#search", "nothing like it");
        await page.locator("#list-status", { hasText: "No conversation" })
          .waitFor();
        assert.equal(
          await page.textContent("#list-status"),
          "No conversation matches “nothing like it”.",
        );
        assert.deepEqual(await titles(), []);
        await page.fill("#search", "");
        await page.locator("#conversations li").nth(2).waitFor();
        assert.deepEqual(await titles(), [
          "Say hello",
          "What is in it?",
          "What is 'a?",
        ]);
      },
    );
    clean();
  },
);

/** What Chromium logs of a response that failed, as the token's 401s are. */
const UNAUTHORIZED =
  /^Failed to load resource: the server responded with a status of 401 \(Unauthorized\)$/;

pageTest(
  "the token form appears when the server wants its token, which every call then carries",
  async (session, t) => {
    const { server, page, clean } = await session({
      token: "s3cret-token",
      history: true,
    });
    const dialog = page.locator("#token-dialog");

    await t.step(
      "the page's first calls answer 401 token_required: one form asks",
      async () => {
        await dialog.waitFor();
        assert.equal(await page.locator("dialog[open]").count(), 1);
        assert.equal(
          await page.textContent("#token-message"),
          "Paste the value of GPT4O_SERVE_TOKEN that the server was started with. It is kept in this browser only.",
        );
        assert.equal(
          await page.evaluate(() => document.activeElement?.id),
          "token",
        );
        assert.deepEqual(
          apiCalls(server).map((each) => [each.path, each.authorization]),
          [
            ["/v1/models", null],
            ["/api/conversations?limit=100", null],
          ],
        );
      },
    );

    await t.step(
      "Escape puts it away: the calls fail, saying why, and the next one asks again",
      async () => {
        await page.keyboard.press("Escape");
        await dialog.waitFor({ state: "hidden" });
        await page.locator("#list-status", { hasText: "token" }).waitFor();
        assert.equal(
          await page.textContent("#list-status"),
          "The conversations could not be listed: this server needs its token",
        );
        assert.equal(
          await page.textContent("#notice"),
          "The models could not be listed: this server needs its token",
        );
        await page.fill("#search", "pixel");
        await dialog.waitFor();
        assert.equal(
          apiCalls(server).at(-1)?.path,
          "/api/conversations?limit=100&q=pixel",
        );
        await page.fill("#token", "s3cret-token");
        await page.keyboard.press("Enter");
        await page.locator("#conversations[data-query=pixel]").waitFor();
        assert.deepEqual(
          await page.locator("#conversations .conversation-title")
            .allTextContents(),
          ["What is in it?"],
        );
        // The models that could not be listed without it are listed now.
        await page.locator("#model option").first().waitFor({
          state: "attached",
        });
        assert.equal(await page.inputValue("#model"), "gpt-4o");
        assert.equal(await page.isHidden("#notice"), true);
        // Forgotten again, for the steps below.
        await page.evaluate(() => localStorage.removeItem("gpt4o.token"));
        await page.goto(`${server.origin}/`);
        await dialog.waitFor();
      },
    );

    await t.step(
      "the token typed is kept and sent as the bearer on every call",
      async () => {
        const before = server.requests.length;
        await page.fill("#token", "s3cret-token");
        await page.keyboard.press("Enter");
        await dialog.waitFor({ state: "hidden" });
        await page.locator("#conversations li").first().waitFor();
        await page.locator("#model option").first().waitFor({
          state: "attached",
        });
        server.answers.push(["Yes."]);
        await page.fill("#prompt", "Am I in?");
        await page.press("#prompt", "Enter");
        await answered(page);
        // The list is asked for again once the answer is in: wait for it.
        const listings = () =>
          apiCalls(server, before).filter((each) =>
            each.path.startsWith("/api/conversations")
          ).length;
        await until(() => listings() >= 2, "the list asked for again");
        const after = apiCalls(server, before);
        assert.deepEqual(
          [...new Set(after.map((each) => each.authorization))],
          ["Bearer s3cret-token"],
        );
        assert.deepEqual(
          after.map((each) => `${each.method} ${each.path}`).sort(),
          [
            "GET /api/conversations?limit=100",
            "GET /api/conversations?limit=100",
            "GET /v1/models",
            "POST /api/chat",
          ],
        );
        assert.equal(
          await page.evaluate(() => localStorage.getItem("gpt4o.token")),
          "s3cret-token",
        );
      },
    );

    await t.step("after a reload it is not asked again", async () => {
      await page.reload();
      await page.locator("#conversations li").first().waitFor();
      assert.equal(await dialog.isVisible(), false);
    });

    await t.step(
      "a token the server refuses is asked for again, saying so",
      async () => {
        await page.evaluate(() => localStorage.setItem("gpt4o.token", "stale"));
        await page.reload();
        await dialog.waitFor();
        assert.equal(
          await page.textContent("#token-message"),
          "That token was not accepted. Paste the value of GPT4O_SERVE_TOKEN that the server was started with.",
        );
        await page.fill("#token", "s3cret-token");
        await page.keyboard.press("Enter");
        await page.locator("#conversations li").first().waitFor();
        assert.equal(
          server.requests.at(-1)?.authorization,
          "Bearer s3cret-token",
        );
      },
    );
    clean([UNAUTHORIZED]);
  },
);

pageTest(
  "a phone-sized window keeps the conversation list behind a button",
  async (session, t) => {
    const { page, clean } = await session({
      history: true,
      viewport: { width: 375, height: 667 },
    });
    await page.locator("#conversations li").first().waitFor({
      state: "attached",
    });
    const toggle = page.locator("#toggle-list");

    await t.step("collapsed at first, the button says so", async () => {
      assert.equal(await page.isVisible("#sidebar"), false);
      assert.equal(await toggle.isVisible(), true);
      assert.equal(await toggle.getAttribute("aria-expanded"), "false");
      assert.equal(
        await toggle.getAttribute("aria-label"),
        "Show conversations",
      );
      // Nothing wider than the window: no sideways scrolling.
      assert.equal(
        await page.evaluate(() => document.documentElement.scrollWidth),
        375,
      );
    });

    await t.step(
      "the button opens it over the chat, the search box focused; Escape closes it",
      async () => {
        await toggle.click();
        assert.equal(await page.isVisible("#sidebar"), true);
        assert.equal(await toggle.getAttribute("aria-expanded"), "true");
        assert.equal(
          await page.evaluate(() => document.activeElement?.id),
          "search",
        );
        await page.keyboard.press("Escape");
        assert.equal(await page.isVisible("#sidebar"), false);
        assert.equal(
          await page.evaluate(() => document.activeElement?.id),
          "toggle-list",
        );
      },
    );

    await t.step(
      "choosing a conversation closes it and opens that one",
      async () => {
        await toggle.click();
        await page.click("text=What is 'a?");
        await page.locator("article.assistant").waitFor();
        assert.equal(await page.isVisible("#sidebar"), false);
        assert.equal(await page.textContent("#title"), "What is 'a?");
      },
    );

    await t.step("a wide window shows it, and no button", async () => {
      await page.setViewportSize({ width: 1000, height: 700 });
      assert.equal(await page.isVisible("#sidebar"), true);
      assert.equal(await toggle.isVisible(), false);
    });
    clean();
  },
);

pageTest(
  "the page follows the system's light or dark scheme",
  async (session) => {
    const { page, clean } = await session({
      history: true,
      path: "/#1",
    });
    await page.locator("article.assistant").waitFor();
    const colors = () =>
      page.evaluate(() => {
        const of = (selector: string) =>
          getComputedStyle(document.querySelector(selector)!);
        return {
          page: of("body").backgroundColor,
          text: of("body").color,
          list: of("#sidebar").backgroundColor,
          bubble: of("article.user .message-body").backgroundColor,
        };
      });
    assert.deepEqual(await colors(), {
      page: "rgb(255, 255, 255)",
      text: "rgb(29, 31, 35)",
      list: "rgb(247, 247, 248)",
      bubble: "rgb(240, 241, 244)",
    });
    await page.emulateMedia({ colorScheme: "dark" });
    assert.deepEqual(await colors(), {
      page: "rgb(24, 25, 28)",
      text: "rgb(230, 231, 234)",
      list: "rgb(17, 18, 20)",
      bubble: "rgb(38, 40, 45)",
    });
    clean();
  },
);
