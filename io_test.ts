import assert from "node:assert/strict";
import { denoIo, fileOutput } from "./io.ts";

const canRead = (await Deno.permissions.query({ name: "read", path: "." }))
  .state === "granted";

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

Deno.test({
  name: "denoIo().readTextFile() returns undefined for a missing file" +
    (canRead ? "" : " (ignored: needs --allow-read; run `deno task test`)"),
  ignore: !canRead,
  async fn() {
    const io = denoIo();
    assert.equal(await io.readTextFile("testdata/no-such.env"), undefined);
    assert.match(await io.readTextFile("deno.json") ?? "", /"openai"/);
  },
});

Deno.test({
  name: "denoIo().readTextFile() reports other failures, such as a directory" +
    (canRead ? "" : " (ignored: needs --allow-read; run `deno task test`)"),
  ignore: !canRead,
  async fn() {
    await assert.rejects(denoIo().readTextFile("testdata"));
  },
});
