/**
 * End to end: files, images and PDFs sent with the prompt (read with the
 * permission that naming them gives), an image piped in, `--schema` and
 * `--models`, against the local test server.
 */
import assert from "node:assert/strict";
import { e2e, program, seen, TESTDATA } from "../testdata/e2e.ts";

/** A fixture's bytes, read when a test runs (plain `deno test` may read none). */
const fixture = (name: string) =>
  Deno.readFileSync(`${TESTDATA}attachments/${name}`);

e2e(
  "-a sends an image and a PDF it may read because it names them; -f a text file",
  async (server) => {
    const run = await program([
      "-a",
      "attachments/pixel.png",
      "-a",
      `${TESTDATA}attachments/tiny.pdf`,
      "-f",
      "attachments/hello.py",
      "What are these?",
    ], { baseURL: server.url("ok") });
    assert.equal(run.stderr, "");
    assert.equal(run.code, 0);
    const [message] = (server.requests.get("ok")![0].messages!).slice(-1) as {
      content: { type: string }[];
    }[];
    const hello = Deno.readTextFileSync(`${TESTDATA}attachments/hello.py`);
    assert.deepEqual(message.content, [
      {
        type: "text",
        text:
          `What are these?\n\nattachments/hello.py\n\`\`\`python\n${hello}\`\`\``,
      },
      {
        type: "image_url",
        image_url: {
          url: `data:image/png;base64,${fixture("pixel.png").toBase64()}`,
        },
      },
      {
        type: "file",
        file: {
          filename: "tiny.pdf",
          file_data: `data:application/pdf;base64,${
            fixture("tiny.pdf").toBase64()
          }`,
        },
      },
    ]);
  },
);

e2e("an image piped to stdin is attached", async (server) => {
  const run = await program(["What is this?"], {
    baseURL: server.url("ok"),
    stdin: fixture("pixel.png"),
  });
  assert.equal(run.code, 0);
  const [message] = (server.requests.get("ok")![0].messages!).slice(-1) as {
    content: unknown;
  }[];
  assert.deepEqual(message.content, [
    { type: "text", text: "What is this?" },
    {
      type: "image_url",
      image_url: {
        url: `data:image/png;base64,${fixture("pixel.png").toBase64()}`,
      },
    },
  ]);
});

e2e("a missing file stops the run before anything is sent", async (server) => {
  const run = await program(["-a", "attachments/gone.png", "Hi"], {
    baseURL: server.url("ok"),
  });
  assert.deepEqual(seen(run), {
    code: 2,
    stdout: "",
    stderr: "-a attachments/gone.png: no such file (see --help)\n",
  });
  assert.equal(server.requests.get("ok"), undefined);
});

e2e(
  "--schema @FILE asks for it and prints the checked answer",
  async (server) => {
    const dir = await Deno.makeTempDir({ dir: `${TESTDATA}../.tmp` });
    try {
      const schema = `${dir}/person.json`;
      Deno.writeTextFileSync(
        schema,
        JSON.stringify({
          type: "object",
          properties: { name: { type: "string" }, age: { type: "integer" } },
          required: ["name", "age"],
          additionalProperties: false,
        }),
      );
      const run = await program(["--schema", `@${schema}`, "--stream", "Hi"], {
        baseURL: server.url("person"),
      });
      assert.deepEqual(seen(run), {
        code: 0,
        stdout: '{"name":"Ada","age":36}\n',
        stderr: "",
      });
      const body = server.requests.get("person")![0] as Record<string, unknown>;
      assert.deepEqual(
        (body.response_format as { json_schema: { name: string } }).json_schema
          .name,
        "person",
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);

e2e("--models lists the server's models, sorted", async (server) => {
  const run = await program(["--models"], { baseURL: server.url("ok") });
  assert.deepEqual(seen(run), {
    code: 0,
    stdout: "gpt-4o\ngpt-4o-mini\no4-mini\n",
    stderr: "",
  });
});
