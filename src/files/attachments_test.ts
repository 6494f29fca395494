import assert from "node:assert/strict";
import {
  type Attachment,
  attachmentFromBytes,
  checkRequestLimit,
  denoFiles,
  describe,
  fenced,
  type Files,
  FILES_TOTAL_LIMIT,
  IMAGE_LIMIT,
  InlineData,
  kindOf,
  languageOf,
  MEDIA_TYPES,
  partsOf,
  PDF_LIMIT,
  readAttachment,
  readTextFiles,
  REQUEST_LIMIT,
  sizeText,
  TEXT_FILE_LIMIT,
  WHOLE_BODY_LIMIT,
} from "./attachments.ts";
import { UsageError } from "../cli/usage_error.ts";

const KiB = 1024;
const MiB = 1024 * KiB;
const DIR = "testdata/attachments";
const fixture = (name: string) => `${DIR}/${name}`;

/** Asserts that `promise` fails with a UsageError of exactly `message`. */
async function rejectsWith(
  promise: Promise<unknown>,
  message: string,
): Promise<void> {
  await assert.rejects(promise, (error) => {
    assert.ok(error instanceof UsageError, `not a UsageError: ${error}`);
    assert.equal(error.message, message);
    return true;
  });
}

/** Real files, but `stat` reports `size` for the paths `sized` picks. */
function withSize(
  size: number,
  sized: (path: string) => boolean = () => true,
): Files {
  return {
    ...denoFiles,
    async stat(path) {
      const info = await Deno.stat(path);
      return sized(path) ? { ...info, size } : info;
    },
  };
}

/** Files whose `readFile` must not be called. */
function unread(files: Files = denoFiles): Files {
  return {
    ...files,
    readFile(path) {
      throw new Error(`read ${path}`);
    },
  };
}

/** A temporary folder under .tmp holding `tree` (text, or bytes). */
async function tempTree(
  tree: Record<string, string | Uint8Array>,
): Promise<{ root: string } & AsyncDisposable> {
  Deno.mkdirSync(".tmp", { recursive: true });
  const root = await Deno.makeTempDir({ dir: ".tmp" });
  for (const [path, content] of Object.entries(tree)) {
    const full = `${root}/${path}`;
    await Deno.mkdir(full.slice(0, full.lastIndexOf("/")), { recursive: true });
    if (path.endsWith("/")) continue;
    if (typeof content === "string") await Deno.writeTextFile(full, content);
    else await Deno.writeFile(full, content);
  }
  return {
    root,
    [Symbol.asyncDispose]: () => Deno.remove(root, { recursive: true }),
  };
}

Deno.test("kindOf() tells the kind from the first bytes, not the name", async (t) => {
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
});

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
    [IMAGE_LIMIT, PDF_LIMIT, REQUEST_LIMIT, TEXT_FILE_LIMIT, FILES_TOTAL_LIMIT],
    [20 * MiB, 32 * MiB, 50 * MiB, 1 * MiB, 4 * MiB],
  );
});

Deno.test("readAttachment() reads a file's exact bytes, kind and SHA-256", async () => {
  const name = fixture("pixel-png.jpg");
  assert.deepEqual(await readAttachment(name), {
    name,
    kind: "png",
    bytes: await Deno.readFile(name),
    sha256: "4ff6ab670a58c14270e034e2090d9a432caa263a14e0a25785386b0c12f880b5",
  });
  const pdf = await readAttachment(fixture("tiny.pdf"));
  assert.equal(pdf.kind, "pdf");
  assert.equal(
    pdf.sha256,
    "93e31154c364805a3ef8c904bc257f5ef77600c31b67d392704cd6e1e9cd0657",
  );
});

Deno.test("readAttachment() refuses a file that is no image or PDF, whatever its name", async () => {
  await rejectsWith(
    readAttachment(fixture("notes.png")),
    `-a ${DIR}/notes.png: not an image (PNG, JPEG, WebP, GIF) or a PDF; use -f for a text file`,
  );
});

Deno.test("readAttachment() holds each kind to its limit, before reading", async (t) => {
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
});

Deno.test("readAttachment() names a file that is missing, a folder or no regular file", async (t) => {
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
});

Deno.test("readAttachment() says why a file may not be read", async (t) => {
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

Deno.test("readAttachment() passes an http(s) URL on, and refuses one with credentials", async (t) => {
  for (const url of ["https://example.com/cat.png", "http://example.com/a b"]) {
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
});

Deno.test("attachmentFromBytes() takes an image or PDF, and leaves other bytes as text", async () => {
  const bytes = await Deno.readFile(fixture("pixel.webp"));
  assert.deepEqual(await attachmentFromBytes("stdin", bytes), {
    name: "stdin",
    kind: "webp",
    bytes,
    sha256: "86be52bdb7547413cafb3ed175a806a798c65de98b40849e0b974c47d187de65",
  });
  assert.equal(
    await attachmentFromBytes("stdin", new TextEncoder().encode("Hello\n")),
    undefined,
  );
});

Deno.test("attachmentFromBytes() holds stdin to the same limits", async () => {
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

Deno.test("partsOf() puts the text first, then images, URLs and PDFs as OpenAI's parts", async () => {
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
});

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

Deno.test("describe() names the attachment, its kind and its size", async (t) => {
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

Deno.test("languageOf() takes the fence's language from the extension", async (t) => {
  const cases: [string, string][] = [
    ["main.ts", "ts"],
    ["src/App.TSX", "tsx"],
    ["x.py", "python"],
    ["a.tar.gz", ""],
    ["Makefile", ""],
    [".gitignore", ""],
    ["dir.d/README", ""],
  ];
  for (const [path, language] of cases) {
    await t.step(`${path}: ${language || "none"}`, () => {
      assert.equal(languageOf(path), language);
    });
  }
});

Deno.test("fenced() makes the fence longer than any run of backticks inside", async (t) => {
  const cases: [string, string, string][] = [
    ["a.txt", "plain", "a.txt\n```\nplain\n```"],
    ["a.txt", "", "a.txt\n```\n```"],
    ["b.md", "`x` and ``y``\n", "b.md\n```markdown\n`x` and ``y``\n```"],
    ["c.md", "```sh\nls\n```\n", "c.md\n````markdown\n```sh\nls\n```\n````"],
    ["d", "a ````` b", "d\n``````\na ````` b\n``````"],
  ];
  for (const [name, content, text] of cases) {
    await t.step(JSON.stringify(content), () => {
      assert.equal(fenced(name, content), text);
    });
  }
});

Deno.test("readTextFiles() fences one file under its name as given", async () => {
  assert.equal(
    await readTextFiles([fixture("hello.py"), fixture("notes.png")]),
    `${DIR}/hello.py\n\`\`\`python\nprint("Hello")\n\`\`\`\n\n` +
      `${DIR}/notes.png\n\`\`\`\nNot a picture: plain text under an image's name.\n\`\`\``,
  );
});

Deno.test("readTextFiles() names a file that is missing, binary or too big", async (t) => {
  await t.step("missing", async () => {
    await rejectsWith(
      readTextFiles(["x.txt"]),
      "-f x.txt: no such file or directory",
    );
  });
  await t.step("binary", async () => {
    await rejectsWith(
      readTextFiles([fixture("pixel.png")]),
      `-f ${DIR}/pixel.png: not a text file (use -a for an image or a PDF)`,
    );
  });
  await t.step("not UTF-8", async () => {
    await using tree = await tempTree({
      "latin1.txt": new Uint8Array([99, 97, 102, 233]),
    });
    const { root } = tree;
    await rejectsWith(
      readTextFiles([`${root}/latin1.txt`]),
      `-f ${root}/latin1.txt: not a text file (use -a for an image or a PDF)`,
    );
  });
  await t.step("too big, not read", async () => {
    await rejectsWith(
      readTextFiles([fixture("hello.py")], unread(withSize(1.5 * MiB))),
      `-f ${DIR}/hello.py: 1.5 MiB is over the 1 MiB limit for a text file`,
    );
  });
  await t.step("a FIFO", async () => {
    const fifo: Files = unread({
      ...denoFiles,
      stat: async () => ({
        ...await Deno.stat(fixture("hello.py")),
        isFile: false,
      }),
    });
    await rejectsWith(
      readTextFiles(["pipe"], fifo),
      "-f pipe: not a regular file",
    );
  });
  await t.step("no permission", async () => {
    const files: Files = {
      ...denoFiles,
      stat: () =>
        Promise.reject(
          new Deno.errors.NotCapable('Requires read access to "/etc/x"'),
        ),
    };
    await rejectsWith(
      readTextFiles(["/etc/x"], files),
      '-f /etc/x: may not be read (Requires read access to "/etc/x")',
    );
  });
});

const TREE: Record<string, string | Uint8Array> = {
  ".gitignore": "*.log\nbuild/\n",
  ".git/HEAD": "ref: refs/heads/main\n",
  ".hg/store/x": "hg\n",
  ".svn/entries": "svn\n",
  "README": "Read me.",
  "a.ts": "export const a = 1;\n",
  "build/out.js": "ignored();\n",
  "debug.log": "ignored\n",
  "huge.txt": "reported as 2 MiB\n",
  "latin1.txt": new Uint8Array([99, 97, 102, 233]),
  "logo.bin": new Uint8Array([104, 105, 0, 33]),
  "sub/.gitignore": "secret.txt\n!keep.log\n",
  "sub/b.md": "# B\n\n```sh\nls\n```\n",
  "sub/deeper/c.py": 'print("c")\n',
  "sub/keep.log": "kept\n",
  "sub/secret.txt": "ignored\n",
  "empty/": "",
};

/** The tree's files with a symlink `link.ts` in its top folder, and huge.txt 2 MiB. */
function treeFiles(root: string): Files {
  const files = withSize(2 * MiB, (path) => path.endsWith("/huge.txt"));
  return {
    ...files,
    async *readDir(path) {
      yield* Deno.readDir(path);
      if (path.replace(/\/$/, "") === root) {
        yield {
          name: "link.ts",
          isFile: false,
          isDirectory: false,
          isSymlink: true,
        };
      }
    },
    readFile(path) {
      assert.ok(!path.endsWith("link.ts"), "read the symlink");
      return files.readFile(path);
    },
  };
}

Deno.test("readTextFiles() brings a directory's text files in order, leaving out what is not for the model", async (t) => {
  await using tree = await tempTree(TREE);
  const { root } = tree;
  const expected = (top: string) =>
    [
      `${top}/.gitignore\n\`\`\`\n*.log\nbuild/\n\`\`\``,
      `${top}/README\n\`\`\`\nRead me.\n\`\`\``,
      `${top}/a.ts\n\`\`\`ts\nexport const a = 1;\n\`\`\``,
      `${top}/sub/.gitignore\n\`\`\`\nsecret.txt\n!keep.log\n\`\`\``,
      `${top}/sub/b.md\n\`\`\`\`markdown\n# B\n\n\`\`\`sh\nls\n\`\`\`\n\`\`\`\``,
      `${top}/sub/deeper/c.py\n\`\`\`python\nprint("c")\n\`\`\``,
      `${top}/sub/keep.log\n\`\`\`\nkept\n\`\`\``,
    ].join("\n\n");
  await t.step("named with a trailing slash", async () => {
    assert.equal(
      await readTextFiles([`${root}/`], treeFiles(root)),
      expected(root),
    );
  });
  await t.step("named without one", async () => {
    assert.equal(await readTextFiles([root], treeFiles(root)), expected(root));
  });
  await t.step("a subfolder, with its own .gitignore only", async () => {
    assert.equal(
      await readTextFiles([`${root}/sub`], treeFiles(root)),
      [
        `${root}/sub/.gitignore\n\`\`\`\nsecret.txt\n!keep.log\n\`\`\``,
        `${root}/sub/b.md\n\`\`\`\`markdown\n# B\n\n\`\`\`sh\nls\n\`\`\`\n\`\`\`\``,
        `${root}/sub/deeper/c.py\n\`\`\`python\nprint("c")\n\`\`\``,
        `${root}/sub/keep.log\n\`\`\`\nkept\n\`\`\``,
      ].join("\n\n"),
    );
  });
});

Deno.test("readTextFiles() refuses a directory with no text files in it", async () => {
  await using tree = await tempTree({
    "empty/": "",
    "bin/logo.bin": new Uint8Array([0, 1, 2]),
    "bin/.git/HEAD": "ref\n",
    "bin/.gitignore": "*.txt\n",
    "bin/notes.txt": "ignored\n",
  });
  const { root } = tree;
  await rejectsWith(
    readTextFiles([`${root}/empty/`]),
    `-f ${root}/empty/: no text files in it`,
  );
  // Its .gitignore is a text file, so this one is not empty.
  assert.equal(
    await readTextFiles([`${root}/bin`]),
    `${root}/bin/.gitignore\n\`\`\`\n*.txt\n\`\`\``,
  );
});

Deno.test("readTextFiles() stops where all -f text passes 4 MiB", async (t) => {
  await using tree = await tempTree({
    "a.txt": "a\n",
    "b.txt": "b\n",
    "c.txt": "c\n",
    "d.txt": "d\n",
    "e.txt": "e\n",
  });
  const { root } = tree;
  await t.step("within a directory", async () => {
    await rejectsWith(
      readTextFiles([root], withSize(0.9 * MiB)),
      `-f ${root}/e.txt: with this file, the -f text comes to over the 4 MiB limit for one request`,
    );
  });
  const mib = withSize(MiB, (path) => !path.endsWith("e.txt"));
  await t.step("4 MiB exactly is allowed", async () => {
    const text = await readTextFiles(
      ["a", "b", "c", "d"].map((name) => `${root}/${name}.txt`),
      mib,
    );
    assert.ok(text.endsWith(`${root}/d.txt\n\`\`\`\nd\n\`\`\``));
  });
  await t.step("across the paths given", async () => {
    await rejectsWith(
      readTextFiles(
        ["a", "b", "c", "d", "e"].map((name) => `${root}/${name}.txt`),
        mib,
      ),
      `-f ${root}/e.txt: with this file, the -f text comes to over the 4 MiB limit for one request`,
    );
  });
  await t.step(
    "a directory's files skipped for size count for nothing",
    async () => {
      const huge = withSize(2 * MiB, (path) => !path.endsWith("e.txt"));
      assert.equal(
        await readTextFiles([root], huge),
        `${root}/e.txt\n\`\`\`\ne\n\`\`\``,
      );
    },
  );
});

Deno.test("readTextFiles() names a folder inside that may not be listed", async () => {
  await using tree = await tempTree({ "a.txt": "a\n", "locked/b.txt": "b\n" });
  const { root } = tree;
  const files: Files = {
    ...denoFiles,
    readDir(path) {
      if (!path.endsWith("locked/")) return Deno.readDir(path);
      throw new Deno.errors.PermissionDenied("Permission denied (os error 13)");
    },
  };
  await rejectsWith(
    readTextFiles([root], files),
    `-f ${root}/locked/: may not be read (Permission denied (os error 13))`,
  );
});

Deno.test("readTextFiles() takes no rules from a .gitignore that is binary or too big", async (t) => {
  await using tree = await tempTree({
    "bin/.gitignore": new Uint8Array([42, 0, 10]),
    "bin/a.txt": "a\n",
    "big/.gitignore": "*.txt\n",
    "big/a.txt": "a\n",
  });
  const { root } = tree;
  await t.step("binary", async () => {
    assert.equal(
      await readTextFiles([`${root}/bin`]),
      `${root}/bin/a.txt\n\`\`\`\na\n\`\`\``,
    );
  });
  await t.step("too big", async () => {
    const files = withSize(2 * MiB, (path) => path.endsWith(".gitignore"));
    assert.equal(
      await readTextFiles([`${root}/big`], files),
      `${root}/big/a.txt\n\`\`\`\na\n\`\`\``,
    );
  });
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
