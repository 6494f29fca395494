import assert from "node:assert/strict";
import { testWith } from "../../testdata/permissions.ts";
import { inputsPath, KEPT_INPUTS, loadInputs, saveInput } from "./inputs.ts";

const TMP = new URL("../../.tmp/", import.meta.url).pathname;
const inTemp = testWith({ name: "write", path: ".tmp" });

function inputsTest(name: string, fn: (dir: string) => void) {
  inTemp(name, async () => {
    Deno.mkdirSync(TMP, { recursive: true });
    const dir = await Deno.makeTempDir({ dir: TMP, prefix: "inputs-" });
    try {
      fn(dir);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}

Deno.test("inputsPath() puts the inputs beside the history database", () => {
  assert.equal(
    inputsPath("/home/ada/.local/share/gpt4o/history.db"),
    "/home/ada/.local/share/gpt4o/history.db.inputs",
  );
});

inputsTest(
  "saveInput() keeps each input, lines and all, in a file of its own folder, 0600",
  (dir) => {
    const path = `${dir}/new/history.db.inputs`;
    saveInput(path, "first");
    saveInput(path, "two\nlines");
    assert.deepEqual(loadInputs(path), ["two\nlines", "first"]);
    assert.equal(Deno.statSync(path).mode! & 0o777, 0o600);
    assert.equal(Deno.statSync(`${dir}/new`).mode! & 0o777, 0o700);
  },
);

inputsTest(
  "loadInputs() skips lines that are not inputs, and offers the latest 1,000",
  (dir) => {
    const path = `${dir}/history.db.inputs`;
    const lines = Array.from(
      { length: KEPT_INPUTS + 5 },
      (_, i) => JSON.stringify(`n${i}`),
    );
    Deno.writeTextFileSync(
      path,
      ["not json", "42", '""', ...lines, ""].join("\n"),
    );
    const inputs = loadInputs(path);
    assert.equal(inputs.length, KEPT_INPUTS);
    assert.deepEqual([inputs[0], inputs.at(-1)], [`n${KEPT_INPUTS + 4}`, "n5"]);
  },
);

inputsTest(
  "saveInput() rewrites the file with the latest 1,000 once it holds twice as many",
  (dir) => {
    const path = `${dir}/history.db.inputs`;
    const lines = Array.from(
      { length: 2 * KEPT_INPUTS - 1 },
      (_, i) => JSON.stringify(`n${i}`),
    );
    Deno.writeTextFileSync(path, `${lines.join("\n")}\n`, { mode: 0o600 });
    saveInput(path, "last");
    const kept = Deno.readTextFileSync(path).split("\n").filter(Boolean);
    assert.equal(kept.length, KEPT_INPUTS);
    assert.equal(kept.at(-1), '"last"');
    assert.equal(Deno.statSync(path).mode! & 0o777, 0o600);
  },
);

inputsTest("saveInput() is quiet where it cannot write", (dir) => {
  Deno.writeTextFileSync(`${dir}/file`, "");
  saveInput(`${dir}/file/history.db.inputs`, "lost, silently");
  assert.deepEqual(loadInputs(`${dir}/file/history.db.inputs`), []);
});
