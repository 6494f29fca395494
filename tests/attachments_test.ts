/**
 * The whole program in-process with what goes beside the prompt: images,
 * PDFs and URLs (`-a`), text files and folders (`-f`), an image piped to
 * stdin, and how the history keeps them, shows them and sends them again.
 */
import assert from "node:assert/strict";
import { answering, KEY, run, tempFolder } from "../testdata/harness.ts";
import { assertOpenAIRequest } from "../testdata/openai.ts";
import { testWith } from "../testdata/permissions.ts";

/** Tests that send the fixtures: the program reads them. */
const reading = testWith({ name: "read", path: "testdata" });
const readingWithHistory = testWith(
  { name: "read", path: "testdata" },
  { name: "write", path: ".tmp" },
);

/** The fixtures' bytes and data URLs, read when a test runs. */
function fixtures() {
  const PNG = Deno.readFileSync("testdata/attachments/pixel.png");
  const PDF = Deno.readFileSync("testdata/attachments/tiny.pdf");
  return {
    PNG,
    pngURL: `data:image/png;base64,${PNG.toBase64()}`,
    pdfURL: `data:application/pdf;base64,${PDF.toBase64()}`,
  };
}

/**
 * The content of the last message of each request, each request held to
 * OpenAI's schema first.
 */
function lastUser(requests: { body: Record<string, unknown> }[]) {
  return requests.map(({ body }) => {
    assertOpenAIRequest(body);
    return (body.messages as { content: unknown }[]).at(-1)!.content;
  });
}

reading(
  "-a sends an image and a PDF as parts after the prompt's text, an image URL as it is",
  async () => {
    const { pngURL, pdfURL } = fixtures();
    const { code, stderr, requests } = await run([
      "-a",
      "testdata/attachments/pixel.png",
      "--attach=testdata/attachments/tiny.pdf",
      "-a",
      "https://example.com/cat.png",
      "What are these?",
    ]);
    assert.equal(stderr, "");
    assert.equal(code, 0);
    assert.deepEqual(lastUser(requests), [[
      { type: "text", text: "What are these?" },
      { type: "image_url", image_url: { url: pngURL } },
      { type: "file", file: { filename: "tiny.pdf", file_data: pdfURL } },
      { type: "image_url", image_url: { url: "https://example.com/cat.png" } },
    ]]);
  },
);

reading(
  "-a knows an image by its bytes: a PNG named .jpg goes as a PNG",
  async () => {
    const { requests } = await run([
      "-a",
      "testdata/attachments/pixel-png.jpg",
      "Hi",
    ]);
    const parts = lastUser(requests)[0] as { image_url?: { url: string } }[];
    assert.match(parts[1].image_url!.url, /^data:image\/png;base64,/);
  },
);

reading("an image piped to stdin is attached, not pasted as text", async () => {
  const { PNG, pngURL } = fixtures();
  const { code, requests } = await run(["What is this?"], { stdin: PNG });
  assert.equal(code, 0);
  assert.deepEqual(lastUser(requests), [[
    { type: "text", text: "What is this?" },
    { type: "image_url", image_url: { url: pngURL } },
  ]]);
});

reading(
  "-f puts a text file in the prompt, fenced and headed by its path",
  async () => {
    const { requests } = await run([
      "-f",
      "testdata/attachments/hello.py",
      "What does it print?",
    ]);
    const text = Deno.readTextFileSync("testdata/attachments/hello.py");
    assert.deepEqual(lastUser(requests), [
      `What does it print?\n\ntestdata/attachments/hello.py\n\`\`\`python\n${
        text.endsWith("\n") ? text : `${text}\n`
      }\`\`\``,
    ]);
  },
);

reading(
  "a file that cannot be sent stops the run before anything is sent: exit 2, one line naming it",
  async (t) => {
    const cases: [string[], string][] = [
      [
        ["-a", "testdata/attachments/missing.png"],
        "-a testdata/attachments/missing.png: no such file (see --help)\n",
      ],
      [
        ["-a", "testdata/attachments/notes.png"],
        "-a testdata/attachments/notes.png: not an image (PNG, JPEG, WebP, GIF) " +
        "or a PDF; use -f for a text file (see --help)\n",
      ],
      [
        ["-f", "testdata/attachments/pixel.png"],
        "-f testdata/attachments/pixel.png: not a text file (use -a for an " +
        "image or a PDF) (see --help)\n",
      ],
      [
        ["-a", "https://user:pw@example.com/cat.png"],
        "-a https://***@example.com/cat.png: a URL with a user name or " +
        "password is refused (see --help)\n",
      ],
    ];
    for (const [args, message] of cases) {
      await t.step(args.join(" "), async () => {
        const { code, stdout, stderr, requests } = await run([...args, "Hi"]);
        assert.deepEqual({ code, stdout, stderr, sent: requests.length }, {
          code: 2,
          stdout: "",
          stderr: message,
          sent: 0,
        });
      });
    }
  },
);

readingWithHistory(
  "the history keeps an image once however many turns send it; --show names it; -c sends it again",
  async () => {
    const { pngURL } = fixtures();
    await using folder = await tempFolder();
    const path = `${folder.dir}/history.db`;
    const env = { OPENAI_API_KEY: KEY, GPT4O_HISTORY: path };
    const image = "testdata/attachments/pixel.png";
    await run(["-a", image, "What is this?"], {
      env,
      reply: answering("A pixel."),
    });
    const follow = await run(["-c", "-a", image, "And this?"], {
      env,
      reply: answering("The same pixel."),
    });
    assert.equal(follow.code, 0);
    // The follow-up sends the first turn with its image again.
    const messages = follow.requests[0].body.messages as {
      role: string;
      content: unknown;
    }[];
    assert.deepEqual(messages.slice(1), [
      {
        role: "user",
        content: [
          { type: "text", text: "What is this?" },
          { type: "image_url", image_url: { url: pngURL } },
        ],
      },
      { role: "assistant", content: "A pixel." },
      {
        role: "user",
        content: [
          { type: "text", text: "And this?" },
          { type: "image_url", image_url: { url: pngURL } },
        ],
      },
    ]);
    const { DatabaseSync } = await import("node:sqlite");
    const db = new DatabaseSync(path, { readOnly: true });
    try {
      const count = (table: string) =>
        db.prepare(`SELECT count(*) AS n FROM ${table}`).get()!.n;
      assert.equal(count("attachments"), 1, "the image is stored once");
      assert.equal(count("exchange_attachments"), 2, "each turn names it");
    } finally {
      db.close();
    }
    const shown = await run(["--show", "1"], { env });
    assert.match(
      shown.stdout,
      /> What is this\?\n> \[attached: testdata\/attachments\/pixel\.png \(PNG image, \d+ bytes\)\]\n/,
    );
    const json = await run(["--show", "1", "--json"], { env });
    const saved = JSON.parse(json.stdout) as { messages: unknown[] };
    assert.deepEqual(saved.messages.slice(1, 2), [{
      role: "user",
      content: [
        { type: "text", text: "What is this?" },
        { type: "image_url", image_url: { url: pngURL } },
      ],
    }]);
  },
);

reading(
  "the chat's /attach adds an image to the next message alone, and /files lists it",
  async () => {
    const { pngURL } = fixtures();
    const { code, stderr, requests } = await run(["--chat"], {
      lines: [
        "/files",
        "/attach testdata/attachments/pixel.png",
        "/files",
        "What is this?",
        "/files",
        "And now?",
        "/attach testdata/attachments/missing.png",
      ],
      reply: answering("A pixel.", "Nothing attached."),
    });
    assert.equal(code, 0);
    const said = stderr.split("\n").filter(Boolean);
    assert.deepEqual(said.map((line) => line.replace(/\d+ bytes/, "N bytes")), [
      "nothing is attached: /attach adds an image or a PDF",
      "attached for the next message: testdata/attachments/pixel.png (PNG image, N bytes)",
      "attached for the next message: testdata/attachments/pixel.png (PNG image, N bytes)",
      "nothing is attached: /attach adds an image or a PDF",
      "-a testdata/attachments/missing.png: no such file (see --help)",
    ]);
    assert.deepEqual(lastUser(requests), [
      [
        { type: "text", text: "What is this?" },
        { type: "image_url", image_url: { url: pngURL } },
      ],
      "And now?",
    ]);
    // The second request carries the first turn with its image.
    const second = requests[1].body.messages as { content: unknown }[];
    assert.deepEqual(second[1].content, [
      { type: "text", text: "What is this?" },
      { type: "image_url", image_url: { url: pngURL } },
    ]);
  },
);

Deno.test({
  name:
    "the chat's /attach of a file outside its folder says to name it with -a at the start",
  // The launchers grant the chat its folder and what -a names; the tests,
  // the project's folder.
  ignore: Deno.permissions.querySync({ name: "read", path: "/etc/hostname" })
    .state === "granted",
}, async () => {
  const { code, stderr, requests } = await run(["--chat"], {
    lines: ["/attach /etc/hostname"],
  });
  assert.deepEqual({ code, stderr, requests }, {
    code: 0,
    stderr: "/attach /etc/hostname: the chat may read only the folder it " +
      "started in and the files named when it started: to send this one, " +
      "start the chat with -a /etc/hostname\n",
    requests: [],
  });
});
