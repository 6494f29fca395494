import assert from "node:assert/strict";
import { Secrets } from "../io/redact.ts";
import { historyTest, tempFolder } from "../../testdata/harness.ts";
import { logout, signInFolder, SignInStore } from "./tokens.ts";
import { UsageError } from "../cli/usage_error.ts";

const TOKENS = {
  access_token: "at-0123456789abcdef",
  refresh_token: "rt-0123456789abcdef",
  token_type: "Bearer",
};

historyTest(
  "a sign-in is written whole to a 0600 file in a 0700 folder, masked, and read back only for its URL",
  async () => {
    await using temp = await tempFolder();
    const folder = signInFolder(`${temp.dir}/history.db`);
    assert.equal(folder, `${temp.dir}/oauth`);
    const secrets = new Secrets();
    const store = new SignInStore(folder, "notion", "https://a.test/", secrets);
    assert.deepEqual(store.read(), { url: "https://a.test/" });
    store.save({ tokens: TOKENS, port: 4711 });
    assert.equal(Deno.statSync(folder).mode! & 0o777, 0o700);
    assert.equal(Deno.statSync(store.path!).mode! & 0o777, 0o600);
    assert.deepEqual([...Deno.readDirSync(folder)].map((each) => each.name), [
      "notion.json",
    ]);
    assert.equal(secrets.redact(TOKENS.refresh_token), "[redacted]");
    // Read afresh, by another run: its secrets are masked as they are read.
    const later = new Secrets();
    const read = new SignInStore(folder, "notion", "https://a.test/", later);
    assert.deepEqual(read.read(), {
      url: "https://a.test/",
      tokens: TOKENS,
      port: 4711,
    });
    assert.equal(later.redact(TOKENS.access_token), "[redacted]");
    // Forgotten parts leave the file.
    read.save({ tokens: undefined });
    assert.deepEqual(JSON.parse(Deno.readTextFileSync(store.path!)), {
      url: "https://a.test/",
      port: 4711,
    });
    // Another URL under the same name gets none of it.
    const moved = new SignInStore(folder, "notion", "https://b.test/", later);
    assert.deepEqual(moved.read(), { url: "https://b.test/" });
    // A folder others may read is made private when a sign-in is written.
    Deno.chmodSync(folder, 0o755);
    moved.save({ tokens: TOKENS });
    assert.equal(Deno.statSync(folder).mode! & 0o777, 0o700);
  },
);

Deno.test("--logout takes a server's name, never a path", () => {
  const io = { stdout: { write() {} }, stderr: { write() {} } };
  for (const name of ["../history", "a/b", "", "-x"]) {
    assert.throws(
      // deno-lint-ignore no-explicit-any
      () => logout(io as any, { path: "/x/history.db", ownFolder: true }, name),
      UsageError,
    );
  }
});
