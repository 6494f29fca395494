import assert from "node:assert/strict";
import { UsageError } from "../cli/usage_error.ts";
import {
  type Attachment,
  attachmentFromBytes,
  checkRequestLimit,
  denoFiles,
  describe,
  type Files,
  IMAGE_LIMIT,
  kindOf,
  MEDIA_TYPES,
  PDF_LIMIT,
  readAttachment,
  REQUEST_LIMIT,
  sizeText,
} from "./attachments.ts";
import {
  DIR,
  fixture,
  KiB,
  MiB,
  rejectsWith,
  unread,
  withSize,
} from "../../testdata/files.ts";
import { testWith } from "../../testdata/permissions.ts";

/** Tests that read the fixtures. */
const reading = testWith({ name: "read", path: "testdata" });

reading(
  "kindOf() tells the kind from the first bytes, not the name",
  async (t) => {
    const cases: [string, string | undefined][] = [
      ["pixel.png", "png"],
      ["pixel-png.jpg", "png"],
      ["header.jpg", "jpeg"],
      ["pixel.webp", "webp"],
      ["pixel.gif", "gif"],
      ["tiny.pdf", "pdf"],
      ["notes.png", undefined],
      ["hello.py", undefined],
    ];
    for (const [name, kind] of cases) {
      await t.step(`${name} is ${kind ?? "none"}`, async () => {
        assert.equal(kindOf(await Deno.readFile(fixture(name))), kind);
      });
    }
    const bytes = (text: string) =>
      Uint8Array.from(text, (char) => char.charCodeAt(0));
    const near: [string, Uint8Array, string | undefined][] = [
      ["nothing", new Uint8Array(), undefined],
      ["a PNG cut short", bytes("\x89PNG\r\n"), undefined],
      ["GIF87a", bytes("GIF87a\x01\x00"), "gif"],
      ["GIF88a", bytes("GIF88a\x01\x00"), undefined],
      ["a RIFF WAVE", bytes("RIFF\x00\x00\x00\x00WAVEfmt "), undefined],
      ["%PDF without the dash", bytes("%PDF1.4"), undefined],
      ["FF D8 without FF", bytes("\xff\xd8\x00"), undefined],
    ];
    for (const [what, input, kind] of near) {
      await t.step(`${what} is ${kind ?? "none"}`, () => {
        assert.equal(kindOf(input), kind);
      });
    }
  },
);

Deno.test("MEDIA_TYPES names each kind's media type", () => {
  assert.deepEqual(MEDIA_TYPES, {
    png: "image/png",
    jpeg: "image/jpeg",
    webp: "image/webp",
    gif: "image/gif",
    pdf: "application/pdf",
  });
});

Deno.test("the limits are OpenAI's", () => {
  assert.deepEqual(
    [IMAGE_LIMIT, PDF_LIMIT, REQUEST_LIMIT],
    [20 * MiB, 32 * MiB, 50 * MiB],
  );
});

reading(
  "readAttachment() reads a file's exact bytes, kind and SHA-256",
  async () => {
    const name = fixture("pixel-png.jpg");
    assert.deepEqual(await readAttachment(name), {
      name,
      kind: "png",
      bytes: await Deno.readFile(name),
      sha256:
        "4ff6ab670a58c14270e034e2090d9a432caa263a14e0a25785386b0c12f880b5",
    });
    const pdf = await readAttachment(fixture("tiny.pdf"));
    assert.equal(pdf.kind, "pdf");
    assert.equal(
      pdf.sha256,
      "93e31154c364805a3ef8c904bc257f5ef77600c31b67d392704cd6e1e9cd0657",
    );
  },
);

reading(
  "readAttachment() refuses a file that is no image or PDF, whatever its name",
  async () => {
    await rejectsWith(
      readAttachment(fixture("notes.png")),
      `-a ${DIR}/notes.png: not an image (PNG, JPEG, WebP, GIF) or a PDF; use -f for a text file`,
    );
  },
);

reading(
  "readAttachment() holds each kind to its limit, before reading",
  async (t) => {
    const cases: [string, number, string | undefined][] = [
      ["pixel.png", IMAGE_LIMIT, undefined],
      [
        "pixel.png",
        IMAGE_LIMIT + 1,
        "20.1 MiB is over the 20 MiB limit for an image",
      ],
      [
        "pixel.gif",
        Math.round(25.3 * MiB),
        "25.3 MiB is over the 20 MiB limit for an image",
      ],
      ["tiny.pdf", 25 * MiB, undefined],
      ["tiny.pdf", PDF_LIMIT, undefined],
      [
        "tiny.pdf",
        PDF_LIMIT + 1,
        "32.1 MiB is over the 32 MiB limit for a PDF and the 20 MiB limit for an image",
      ],
    ];
    for (const [name, size, error] of cases) {
      await t.step(`${name} of ${size} bytes`, async () => {
        const read = readAttachment(fixture(name), withSize(size));
        if (error) await rejectsWith(read, `-a ${fixture(name)}: ${error}`);
        else assert.equal((await read).name, fixture(name));
      });
    }
    await t.step("a file over every limit is not read", async () => {
      await rejectsWith(
        readAttachment(fixture("pixel.png"), unread(withSize(3 * 1024 * MiB))),
        `-a ${DIR}/pixel.png: 3 GiB is over the 32 MiB limit for a PDF and the 20 MiB limit for an image`,
      );
    });
  },
);

reading(
  "readAttachment() names a file that is missing, a folder or no regular file",
  async (t) => {
    await t.step("missing", async () => {
      await rejectsWith(
        readAttachment(fixture("photo.png")),
        `-a ${DIR}/photo.png: no such file`,
      );
    });
    await t.step("a directory, not opened", async () => {
      await rejectsWith(
        readAttachment(DIR, unread()),
        `-a ${DIR}: is a directory`,
      );
    });
    await t.step("a FIFO, not opened", async () => {
      const fifo: Files = unread({
        ...denoFiles,
        stat: async (path) => ({
          ...await Deno.stat(fixture("pixel.png")),
          isFile: false,
          isDirectory: false,
          path,
        }),
      });
      await rejectsWith(
        readAttachment("/tmp/fifo", fifo),
        "-a /tmp/fifo: not a regular file",
      );
    });
  },
);

reading("readAttachment() says why a file may not be read", async (t) => {
  const notCapable = new Deno.errors.NotCapable(
    'Requires read access to "/x/y.png", run again with the --allow-read flag',
  );
  await t.step("no permission to stat", async () => {
    const files: Files = {
      ...denoFiles,
      stat: () => Promise.reject(notCapable),
    };
    await rejectsWith(
      readAttachment("/x/y.png", files),
      '-a /x/y.png: may not be read (Requires read access to "/x/y.png", run again with the --allow-read flag)',
    );
  });
  await t.step("denied by the system on reading", async () => {
    const files: Files = {
      ...denoFiles,
      readFile: () =>
        Promise.reject(
          new Deno.errors.PermissionDenied("Permission denied (os error 13)"),
        ),
    };
    await rejectsWith(
      readAttachment(fixture("pixel.png"), files),
      `-a ${DIR}/pixel.png: may not be read (Permission denied (os error 13))`,
    );
  });
  await t.step("another failure", async () => {
    const files: Files = {
      ...denoFiles,
      stat: () =>
        Promise.reject(new Deno.errors.NotADirectory("Not a directory")),
    };
    await rejectsWith(
      readAttachment("a.png/b.png", files),
      "-a a.png/b.png: could not be read (Not a directory)",
    );
  });
});

reading(
  "readAttachment() passes an http(s) URL on, and refuses one with credentials",
  async (t) => {
    for (
      const url of ["https://example.com/cat.png", "http://example.com/a b"]
    ) {
      await t.step(url, async () => {
        assert.deepEqual(await readAttachment(url, unread()), {
          name: url,
          kind: "url",
          url: new URL(url).href,
        });
      });
    }
    const refused: [string, string][] = [
      [
        "https://ada:secret@example.com/cat.png",
        "-a https://***@example.com/cat.png: a URL with a user name or password is refused",
      ],
      [
        "http://ada@example.com:8080/cat.png?x=1",
        "-a http://***@example.com:8080/cat.png: a URL with a user name or password is refused",
      ],
      ["https://", "-a https://: not a valid URL"],
    ];
    for (const [url, message] of refused) {
      await t.step(`refuses ${url}`, async () => {
        await rejectsWith(readAttachment(url, unread()), message);
      });
    }
  },
);

reading(
  "attachmentFromBytes() takes an image or PDF, and leaves other bytes as text",
  async () => {
    const bytes = await Deno.readFile(fixture("pixel.webp"));
    assert.deepEqual(await attachmentFromBytes("stdin", bytes), {
      name: "stdin",
      kind: "webp",
      bytes,
      sha256:
        "86be52bdb7547413cafb3ed175a806a798c65de98b40849e0b974c47d187de65",
    });
    assert.equal(
      await attachmentFromBytes("stdin", new TextEncoder().encode("Hello\n")),
      undefined,
    );
  },
);

reading("attachmentFromBytes() holds stdin to the same limits", async () => {
  const big = new Uint8Array(IMAGE_LIMIT + 1);
  big.set(await Deno.readFile(fixture("header.jpg")));
  await rejectsWith(
    attachmentFromBytes("stdin", big),
    "stdin: 20.1 MiB is over the 20 MiB limit for an image",
  );
});

Deno.test("checkRequestLimit() allows 50 MiB of attachments and no more", () => {
  const half = new Uint8Array(REQUEST_LIMIT / 2);
  const image = (bytes: Uint8Array): Attachment => ({
    name: "x.png",
    kind: "png",
    bytes,
  });
  const url: Attachment = { name: "u", kind: "url", url: "https://e.x/u.png" };
  checkRequestLimit([image(half), url, image(half)]);
  assert.throws(
    () => checkRequestLimit([image(half), image(half), image(half)]),
    new UsageError(
      "-a: the attachments come to 75 MiB, over the 50 MiB limit for one request",
    ),
  );
  assert.throws(
    () =>
      checkRequestLimit([image(half), image(half), image(new Uint8Array(1))]),
    new UsageError(
      "-a: the attachments come to 50.1 MiB, over the 50 MiB limit for one request",
    ),
  );
});

reading("describe() names the attachment, its kind and its size", async (t) => {
  const sized = (kind: Attachment["kind"], size: number, name = "x") => ({
    name,
    kind,
    bytes: new Uint8Array(size),
  });
  const cases: [Attachment, string][] = [
    [
      await readAttachment(fixture("pixel.png")),
      `${DIR}/pixel.png (PNG image, 70 bytes)`,
    ],
    [
      sized("png", Math.round(1.2 * MiB), "photo.png"),
      "photo.png (PNG image, 1.2 MiB)",
    ],
    [sized("pdf", 300 * KiB, "report.pdf"), "report.pdf (PDF, 300 KiB)"],
    [sized("jpeg", 1536, "a.jpg"), "a.jpg (JPEG image, 1.5 KiB)"],
    [sized("webp", 1, "b.webp"), "b.webp (WebP image, 1 byte)"],
    [sized("gif", 0, "stdin"), "stdin (GIF image, 0 bytes)"],
    [
      {
        name: "https://example.com/cat.png",
        kind: "url",
        url: "https://example.com/cat.png",
      },
      "https://example.com/cat.png (image URL)",
    ],
  ];
  for (const [attachment, line] of cases) {
    await t.step(line, () => assert.equal(describe(attachment), line));
  }
});

Deno.test("sizeText() shows bytes, then KiB, MiB and GiB to one decimal", async (t) => {
  const cases: [number, string][] = [
    [0, "0 bytes"],
    [1023, "1023 bytes"],
    [1024, "1 KiB"],
    [1536, "1.5 KiB"],
    [MiB - 1, "1 MiB"],
    [Math.round(25.3 * MiB), "25.3 MiB"],
    [1.5 * 1024 * MiB, "1.5 GiB"],
  ];
  for (const [bytes, text] of cases) {
    await t.step(text, () => assert.equal(sizeText(bytes), text));
  }
});
