import assert from "node:assert/strict";
import {
  fenced,
  FILES_TOTAL_LIMIT,
  languageOf,
  readTextFiles,
  TEXT_FILE_LIMIT,
} from "./text_files.ts";
import { denoFiles, type Files } from "./attachments.ts";
import {
  DIR,
  fixture,
  MiB,
  rejectsWith,
  tempTree,
  unread,
  withSize,
} from "../../testdata/files.ts";
import { testWith } from "../../testdata/permissions.ts";

/** Tests that read the fixtures. */
const reading = testWith({ name: "read", path: "testdata" });
/** Tests that make a folder of files under .tmp/. */
const inTemp = testWith(
  { name: "read", path: "testdata" },
  { name: "read", path: ".tmp" },
  { name: "write", path: ".tmp" },
);

Deno.test("the limits of -f text", () => {
  assert.deepEqual([TEXT_FILE_LIMIT, FILES_TOTAL_LIMIT], [1 * MiB, 4 * MiB]);
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

reading("readTextFiles() fences one file under its name as given", async () => {
  assert.equal(
    await readTextFiles([fixture("hello.py"), fixture("notes.png")]),
    `${DIR}/hello.py\n\`\`\`python\nprint("Hello")\n\`\`\`\n\n` +
      `${DIR}/notes.png\n\`\`\`\nNot a picture: plain text under an image's name.\n\`\`\``,
  );
});

inTemp(
  "readTextFiles() names a file that is missing, binary or too big",
  async (t) => {
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
  },
);

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

inTemp(
  "readTextFiles() brings a directory's text files in order, leaving out what is not for the model",
  async (t) => {
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
      assert.equal(
        await readTextFiles([root], treeFiles(root)),
        expected(root),
      );
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
  },
);

inTemp(
  "readTextFiles() refuses a directory with no text files in it",
  async () => {
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
  },
);

inTemp("readTextFiles() stops where all -f text passes 4 MiB", async (t) => {
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

inTemp(
  "readTextFiles() names a folder inside that may not be listed",
  async () => {
    await using tree = await tempTree({
      "a.txt": "a\n",
      "locked/b.txt": "b\n",
    });
    const { root } = tree;
    const files: Files = {
      ...denoFiles,
      readDir(path) {
        if (!path.endsWith("locked/")) return Deno.readDir(path);
        throw new Deno.errors.PermissionDenied(
          "Permission denied (os error 13)",
        );
      },
    };
    await rejectsWith(
      readTextFiles([root], files),
      `-f ${root}/locked/: may not be read (Permission denied (os error 13))`,
    );
  },
);

inTemp(
  "readTextFiles() takes no rules from a .gitignore that is binary or too big",
  async (t) => {
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
  },
);

const KEY_PEM = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk=\n" +
  "-----END OPENSSH PRIVATE KEY-----\n";

inTemp(
  "readTextFiles() leaves out of a directory the files that may hold secrets, and names them in one note",
  async (t) => {
    await using tree = await tempTree({
      ".env": "OPENAI_API_KEY=sk-dotenv-0123456789\n",
      ".env.example": "OPENAI_API_KEY=\n",
      ".env.local": "TOKEN=local-0123456789\n",
      ".gitignore": "ignored.pem\n",
      ".npmrc": "//registry.npmjs.org/:_authToken=npm_0123456789\n",
      ".ssh/config": "Host *\n",
      "a.ts": "export const a = 1;\n",
      "ignored.pem": KEY_PEM,
      "keys/deploy": KEY_PEM,
      "keys/id_ed25519": KEY_PEM,
      "keys/id_ed25519.pub": "ssh-ed25519 AAAA\n",
      "node_modules/x/index.js": "module.exports = 1;\n",
    });
    const { root } = tree;
    // A file left out by its name is not even read.
    const files: Files = {
      ...denoFiles,
      readFile(path) {
        assert.ok(!/\.env$|\.env\.local|npmrc|id_ed25519$/.test(path), path);
        return denoFiles.readFile(path);
      },
    };
    const notes: string[] = [];
    await t.step("the folder's text without them", async () => {
      assert.equal(
        await readTextFiles([root], files, (line) => void notes.push(line)),
        [
          `${root}/.env.example\n\`\`\`\nOPENAI_API_KEY=\n\`\`\``,
          `${root}/.gitignore\n\`\`\`\nignored.pem\n\`\`\``,
          `${root}/a.ts\n\`\`\`ts\nexport const a = 1;\n\`\`\``,
          `${root}/keys/id_ed25519.pub\n\`\`\`\nssh-ed25519 AAAA\n\`\`\``,
        ].join("\n\n"),
      );
    });
    await t.step("one note, what .gitignore excludes not in it", () => {
      assert.deepEqual(notes, [
        `left out of -f ${root}: .env, .env.local, .npmrc, .ssh/, ` +
        "keys/deploy, keys/id_ed25519 (they may hold secrets; name a file " +
        "on its own to send it)",
      ]);
    });
    await t.step("a file named on its own is sent as asked", async () => {
      notes.length = 0;
      assert.equal(
        await readTextFiles(
          [`${root}/.env`, `${root}/keys/deploy`],
          denoFiles,
          (line) => void notes.push(line),
        ),
        `${root}/.env\n\`\`\`\nOPENAI_API_KEY=sk-dotenv-0123456789\n\`\`\`\n\n` +
          `${root}/keys/deploy\n\`\`\`\n${KEY_PEM}\`\`\``,
      );
      assert.deepEqual(notes, []);
    });
  },
);

inTemp(
  "readTextFiles() names a folder of nothing but secrets before it says there is no text in it",
  async () => {
    await using tree = await tempTree({
      "keys/id_rsa": KEY_PEM,
      "keys/deploy": KEY_PEM,
    });
    const { root } = tree;
    const notes: string[] = [];
    await rejectsWith(
      readTextFiles([`${root}/keys`], denoFiles, (line) => {
        notes.push(line);
      }),
      `-f ${root}/keys: no text files in it`,
    );
    assert.deepEqual(notes, [
      `left out of -f ${root}/keys: deploy, id_rsa (they may hold secrets; ` +
      "name a file on its own to send it)",
    ]);
  },
);
