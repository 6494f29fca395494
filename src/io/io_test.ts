import assert from "node:assert/strict";
import { ignoredNote, lacking, testWith } from "../../testdata/permissions.ts";
import {
  BufferedOutput,
  denoIo,
  fileOutput,
  OutputError,
  readTextFile,
} from "./io.ts";

const reading = testWith({ name: "read", path: "." });

Deno.test("fileOutput() writes all of the text across partial writes", () => {
  const written: number[] = [];
  const output = fileOutput({
    writeSync(bytes) {
      const n = Math.min(2, bytes.length); // a pipe that takes 2 bytes at a time
      written.push(...bytes.subarray(0, n));
      return n;
    },
  });
  output.write("Größe");
  assert.equal(new TextDecoder().decode(new Uint8Array(written)), "Größe");
});

Deno.test("fileOutput() says when the reader has gone, and when a write fails", () => {
  const failing = (error: Error) =>
    fileOutput({
      writeSync() {
        throw error;
      },
    }, "stdout");
  assert.throws(
    () =>
      failing(new Deno.errors.BrokenPipe("Broken pipe (os error 32)")).write(
        "x",
      ),
    (error) => error instanceof OutputError && error.readerGone,
  );
  assert.throws(
    () =>
      failing(new Error("No space left on device (os error 28)")).write("x"),
    (error) =>
      error instanceof OutputError && !error.readerGone &&
      error.message ===
        "could not write to stdout: No space left on device (os error 28)",
  );
});

Deno.test("fileOutput() sends a batch's writes and styles in one write, and a nested batch with it", () => {
  const writes: string[] = [];
  const output = fileOutput({
    writeSync(bytes) {
      writes.push(new TextDecoder().decode(bytes));
      return bytes.length;
    },
  });
  output.batch!(() => {
    output.write("\x1b[1m");
    output.write("Heading");
    output.batch!(() => output.write("\x1b[22m"));
    output.write("\n");
  });
  output.batch!(() => {}); // nothing written: no write at all
  output.write("after");
  assert.deepEqual(writes, ["\x1b[1mHeading\x1b[22m\n", "after"]);
});

Deno.test("fileOutput() still sends what a batch wrote before it threw", () => {
  const writes: string[] = [];
  const output = fileOutput({
    writeSync(bytes) {
      writes.push(new TextDecoder().decode(bytes));
      return bytes.length;
    },
  });
  assert.throws(() =>
    output.batch!(() => {
      output.write("half a line");
      throw new Error("rendering failed");
    }), /rendering failed/);
  assert.deepEqual(writes, ["half a line"]);
});

reading(
  "denoIo().readTextFile() returns undefined for a missing file",
  async () => {
    const io = denoIo();
    assert.equal(await io.readTextFile("testdata/no-such.env"), undefined);
    assert.match(await io.readTextFile("deno.json") ?? "", /"openai"/);
  },
);

reading(
  "denoIo().readTextFile() reports other failures, such as a directory",
  async () => {
    await assert.rejects(denoIo().readTextFile("testdata"));
  },
);

function recorder() {
  const writes: string[] = [];
  return {
    writes,
    output: { write: (text: string) => void writes.push(text) },
  };
}

Deno.test("BufferedOutput gathers the writes of one turn of the event loop into one", async () => {
  const { writes, output } = recorder();
  using buffered = new BufferedOutput(output);
  buffered.write("A case ");
  buffered.write("reaches ");
  buffered.write("");
  assert.deepEqual(writes, []);
  await new Promise((resolve) => setTimeout(resolve, 5));
  assert.deepEqual(writes, ["A case reaches "]);
  buffered.write("the Court.");
  buffered.endLine();
  assert.deepEqual(writes, ["A case reaches ", "the Court.\n"]);
});

Deno.test("BufferedOutput sends a write after a quiet spell once the code that made it is done, and gathers the writes close behind it", async () => {
  const { writes, output } = recorder();
  let ms = 1_000;
  using buffered = new BufferedOutput(output, 1024, undefined, () => ms);
  buffered.write("A case ");
  buffered.write("reaches ");
  assert.deepEqual(writes, [], "not before the code that wrote is done");
  await Promise.resolve();
  assert.deepEqual(writes, ["A case reaches "], "before any timer");
  ms += 0.5; // the next delta comes close behind: it waits for a timer
  buffered.write("the ");
  await Promise.resolve();
  buffered.write("Court.");
  await Promise.resolve();
  assert.deepEqual(writes, ["A case reaches "]);
  await new Promise((resolve) => setTimeout(resolve, 5));
  assert.deepEqual(writes, ["A case reaches ", "the Court."]);
  ms += 25; // a quiet spell again
  buffered.write(" Then");
  await Promise.resolve();
  assert.deepEqual(writes.at(-1), " Then");
});

Deno.test("BufferedOutput sends one flush's text and styles as one batch", async () => {
  const events: string[] = [];
  const output = {
    write: (text: string) => void events.push(text),
    style: (code: string) => void events.push(`style ${JSON.stringify(code)}`),
    batch(writes: () => void) {
      events.push("begin");
      writes();
      events.push("end");
    },
  };
  using buffered = new BufferedOutput(output);
  buffered.style("\x1b[1m");
  buffered.write("Bold");
  buffered.style("\x1b[22m");
  buffered.write(" plain");
  await new Promise((resolve) => setTimeout(resolve, 5));
  assert.deepEqual(events, [
    "begin",
    'style "\\u001b[1m"',
    "Bold",
    'style "\\u001b[22m"',
    " plain",
    "end",
  ]);
});

Deno.test("BufferedOutput writes at once past its limit, and flushes when disposed", () => {
  const { writes, output } = recorder();
  {
    using buffered = new BufferedOutput(output, 4);
    buffered.write("abc");
    buffered.write("de");
    assert.deepEqual(writes, ["abcde"]);
    buffered.write("f");
  }
  assert.deepEqual(writes, ["abcde", "f"]);
});

Deno.test("BufferedOutput.endLine() adds a newline only after unfinished text", () => {
  const { writes, output } = recorder();
  const buffered = new BufferedOutput(output);
  buffered.endLine(); // nothing written yet: no empty line
  buffered.write("done\n");
  buffered.endLine();
  assert.deepEqual(writes, ["done\n"]);
});

Deno.test("BufferedOutput hands a failed background write to onError, once, and drops the rest", async () => {
  const failures: unknown[] = [];
  let calls = 0;
  const buffered = new BufferedOutput(
    {
      write() {
        calls++;
        throw new OutputError("stdout", new Deno.errors.BrokenPipe("gone"));
      },
    },
    1024,
    (error) => failures.push(error),
  );
  buffered.write("A case ");
  await new Promise((resolve) => setTimeout(resolve, 5));
  assert.equal(failures.length, 1);
  assert.ok(failures[0] instanceof OutputError);
  buffered.write("reaches the Court.");
  buffered.endLine();
  await new Promise((resolve) => setTimeout(resolve, 5));
  assert.deepEqual({ calls, failures: failures.length }, {
    calls: 1,
    failures: 1,
  });
});

Deno.test("BufferedOutput throws a failed write to a caller that flushes", () => {
  const buffered = new BufferedOutput(
    {
      write() {
        throw new OutputError("stdout", new Error("No space left on device"));
      },
    },
    4,
    () => assert.fail("not a background write"),
  );
  assert.throws(() => buffered.write("A case"), OutputError);
  buffered.write("more"); // dropped: the failure was reported
  buffered.endLine();
});

const cannotSignal = lacking({ name: "run", command: "deno" });

Deno.test({
  name: "denoIo().onInterrupt() hears SIGTERM until disposed, then lets it be" +
    (cannotSignal.length ? ` ${ignoredNote(cannotSignal)}` : ""),
  ignore: cannotSignal.length > 0 || Deno.build.os === "windows",
  async fn() {
    const heard: string[] = [];
    const guard = () => heard.push("guard"); // keeps this process alive
    Deno.addSignalListener("SIGTERM", guard);
    try {
      const listener = denoIo().onInterrupt((signal) => heard.push(signal));
      Deno.kill(Deno.pid, "SIGTERM");
      await new Promise((resolve) => setTimeout(resolve, 50));
      listener[Symbol.dispose]();
      Deno.kill(Deno.pid, "SIGTERM");
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      Deno.removeSignalListener("SIGTERM", guard);
    }
    assert.deepEqual(heard.sort(), ["SIGTERM", "guard", "guard"]);
  },
});

const TMP = new URL("../../.tmp/", import.meta.url).pathname;
const cannotMake = lacking(
  { name: "run", command: "sh" },
  { name: "write", path: ".tmp" },
);

Deno.test({
  name:
    "readTextFile() reads only a regular file up to its limit, and never opens a FIFO or a device" +
    (cannotMake.length ? ` ${ignoredNote(cannotMake)}` : ""),
  ignore: cannotMake.length > 0 || Deno.build.os === "windows",
  async fn(t) {
    Deno.mkdirSync(TMP, { recursive: true });
    const dir = await Deno.makeTempDir({ dir: TMP, prefix: "io-" });
    try {
      await new Deno.Command("sh", {
        args: [
          "-c",
          'mkfifo "$1/fifo" && ln -s /dev/zero "$1/zero"',
          "sh",
          dir,
        ],
      }).output();
      Deno.writeTextFileSync(`${dir}/big`, "x".repeat(1025));
      Deno.writeTextFileSync(`${dir}/small`, "KEY=value\n");
      Deno.mkdirSync(`${dir}/folder`);
      const cases: [string, string][] = [
        ["fifo", "it is not a regular file"],
        ["zero", "it is not a regular file"],
        ["big", "it is larger than 1024 bytes"],
        ["folder", "is a directory"],
      ];
      for (const [name, message] of cases) {
        await t.step(name, async () => {
          await assert.rejects(
            readTextFile(`${dir}/${name}`, { limit: 1024 }),
            new Error(message),
          );
        });
      }
      assert.equal(
        await readTextFile(`${dir}/small`, { limit: 1024 }),
        "KEY=value\n",
      );
      assert.equal(await readTextFile(`${dir}/missing`), undefined);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
