import assert from "node:assert/strict";
import { InlineData, partsOf, WHOLE_BODY_LIMIT } from "./parts.ts";
import { type Attachment, readAttachment } from "./attachments.ts";
import { fixture } from "../../testdata/files.ts";
import { testWith } from "../../testdata/permissions.ts";

/** Tests that read the fixtures. */
const reading = testWith({ name: "read", path: "testdata" });

reading(
  "partsOf() puts the text first, then images, URLs and PDFs as OpenAI's parts",
  async () => {
    const gif = await readAttachment(fixture("pixel.gif"));
    const png = await readAttachment(fixture("pixel.png"));
    const pdf = await readAttachment(fixture("tiny.pdf"));
    const url: Attachment = {
      name: "https://example.com/cat.png",
      kind: "url",
      url: "https://example.com/cat.png",
    };
    const pdfData = (await Deno.readFile(fixture("tiny.pdf"))).toBase64();
    const pngData = (await Deno.readFile(fixture("pixel.png"))).toBase64();
    const parts = partsOf("What are these?", [gif, url, pdf, png]);
    assert.deepEqual(parts, [
      { type: "text", text: "What are these?" },
      {
        type: "image_url",
        image_url: {
          url:
            "data:image/gif;base64,R0lGODlhAQABAIAAAP8AAAAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==",
        },
      },
      { type: "image_url", image_url: { url: "https://example.com/cat.png" } },
      {
        type: "file",
        file: {
          filename: "tiny.pdf",
          file_data: `data:application/pdf;base64,${pdfData}`,
        },
      },
      {
        type: "image_url",
        image_url: { url: `data:image/png;base64,${pngData}` },
      },
    ]);
    const last = parts[4];
    assert.ok(last.type === "image_url");
    assert.deepEqual(
      Uint8Array.fromBase64(last.image_url.url.split(",")[1]),
      png.bytes,
    );
  },
);

Deno.test("partsOf() names a PDF by its base name", () => {
  const bytes = new TextEncoder().encode("%PDF-1.4\n%%EOF\n");
  const [, part] = partsOf("", [{
    name: "a/b\\report.pdf",
    kind: "pdf",
    bytes,
  }]);
  assert.ok(part.type === "file");
  assert.equal(part.file.filename, "report.pdf");
});

Deno.test("InlineData puts each file's base64 back into the body: whole with its length up to the limit, streamed past it", async (t) => {
  const image = (size: number, sha256: string) => ({
    name: `${sha256}.png`,
    kind: "png" as const,
    bytes: new Uint8Array(size).map((_, i) => (i * 7919) % 251),
    sha256,
  });
  const cases: [string, ReturnType<typeof image>[], string][] = [
    ["one small image", [image(1000, "aa")], "Blob"],
    ["the same image twice", [image(1000, "aa"), image(1000, "aa")], "Blob"],
    ["at the limit", [image(WHOLE_BODY_LIMIT, "bb")], "Blob"],
    ["past it", [
      image(WHOLE_BODY_LIMIT / 2, "cc"),
      image(WHOLE_BODY_LIMIT / 2 + 1, "dd"),
    ], "ReadableStream"],
  ];
  for (const [name, images, kind] of cases) {
    await t.step(name, async () => {
      const data = new InlineData();
      const json = JSON.stringify({
        messages: [{
          role: "user",
          content: partsOf("Hi", images, data.standIn),
        }],
      });
      assert.ok(json.length < 1000, "the JSON holds stand-ins, not data");
      const body = data.body(json);
      assert.equal(body.constructor.name, kind);
      assert.equal(
        await new Response(body).text(),
        JSON.stringify({
          messages: [{ role: "user", content: partsOf("Hi", images) }],
        }),
      );
    });
  }
  await t.step(
    "text without a stand-in, or with another run's, stays as it is",
    () => {
      const other = new InlineData();
      const theirs = other.standIn(image(10, "ee"));
      const data = new InlineData();
      assert.equal(data.body(`{"text":"${theirs}"}`), `{"text":"${theirs}"}`);
      data.standIn(image(10, "ff"));
      assert.equal(data.body(`{"text":"${theirs}"}`), `{"text":"${theirs}"}`);
    },
  );
});

Deno.test("InlineData.wrap() sends a text body through body(), and any other as it is", async () => {
  const seen: unknown[] = [];
  const data = new InlineData();
  const standIn = data.standIn({
    name: "a.png",
    kind: "png",
    bytes: new Uint8Array([1, 2, 3]),
    sha256: "ab",
  });
  const fetch = data.wrap((_input, init) => {
    seen.push(init?.body);
    return Promise.resolve(new Response("ok"));
  });
  await fetch("http://127.0.0.1/", { method: "POST", body: `"${standIn}"` });
  await fetch("http://127.0.0.1/", { method: "GET" });
  assert.equal(await new Response(seen[0] as Blob).text(), '"AQID"');
  assert.equal(seen[1], undefined);
});
