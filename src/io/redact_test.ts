import assert from "node:assert/strict";
import { MASK, maskedOutput, Secrets } from "./redact.ts";

const KEY = "sk-proj-Q7vX2mLk9PzRw4YhN8cVa1sUeT3bJ6gF";

function secrets(...values: string[]): Secrets {
  const secrets = new Secrets();
  secrets.add(...values);
  return secrets;
}

Deno.test("Secrets.redact() masks the whole secret and every 12 characters of it", () => {
  const masked = secrets(KEY).redact(
    `key ${KEY}, prefix ${KEY.slice(0, 12)}…, middle ${KEY.slice(9, 30)}.`,
  );
  assert.equal(masked, `key ${MASK}, prefix ${MASK}…, middle ${MASK}.`);
});

Deno.test("Secrets.redact() leaves 11 characters of a secret, and short or empty values, alone", () => {
  const text = `the prefix ${KEY.slice(0, 11)} is fine; so is "secret"`;
  assert.equal(secrets(KEY, "secret", "").redact(text), text);
});

Deno.test("Secrets.redact() masks a secret shorter than 12 characters whole", () => {
  assert.equal(
    secrets("pa55w0rd").redact("user:pa55w0rd@host pa55w0r"),
    `user:${MASK}@host pa55w0r`,
  );
});

Deno.test("Secrets.redact() masks a secret with characters that mean something in a pattern", () => {
  assert.equal(
    secrets("a.b*c+d?e(f)g[h]").redact("x a.b*c+d?e(f)g[h] y"),
    `x ${MASK} y`,
  );
});

Deno.test("Secrets with nothing added change nothing and hold nothing back", () => {
  const none = new Secrets();
  assert.equal(none.redact(KEY), KEY);
  assert.equal(none.releasable(KEY), KEY.length);
});

Deno.test("maskedOutput() masks a secret split across writes, character by character", () => {
  let out = "";
  const output = maskedOutput({ write: (t) => void (out += t) }, secrets(KEY));
  for (const character of `Your key: ${KEY}. Done.\n`) output.write(character);
  assert.equal(out, `Your key: ${MASK}. Done.\n`);
});

Deno.test("maskedOutput() passes a batch on to the output it wraps", () => {
  const events: string[] = [];
  const output = maskedOutput({
    write: (text) => void events.push(text),
    batch(writes) {
      events.push("begin");
      writes();
      events.push("end");
    },
  }, secrets(KEY));
  output.batch?.(() => output.write(`key ${KEY}.`));
  assert.deepEqual(events, ["begin", `key ${MASK}.`, "end"]);
});

Deno.test("maskedOutput() holds back only the tail that could begin a secret", () => {
  const writes: string[] = [];
  const output = maskedOutput(
    { write: (t) => void writes.push(t) },
    secrets(KEY),
  );
  output.write("A case reaches the Court. ");
  output.write("Key: sk-pr");
  assert.deepEqual(writes, ["A case reaches the Court. ", "Key: "]);
  output.write("ize.\n"); // not the key after all: out it goes, whole
  assert.deepEqual(writes, [
    "A case reaches the Court. ",
    "Key: ",
    "sk-prize.\n",
  ]);
});

Deno.test("maskedOutput() holds a run of the key that may go on, and masks it whole", () => {
  const writes: string[] = [];
  const output = maskedOutput(
    { write: (t) => void writes.push(t) },
    secrets(KEY),
  );
  output.write(`echo ${KEY.slice(0, 20)}`);
  output.write(`${KEY.slice(20)} end\n`);
  assert.deepEqual(writes, ["echo ", `${MASK} end\n`]);
});

Deno.test("Secrets.split() masks what can be printed and holds back a tail that may begin a secret", () => {
  const all = secrets(KEY);
  const text = `key ${KEY} and ${KEY.slice(0, 12)}, then ${KEY.slice(0, 5)}`;
  const cut = all.releasable(text);
  assert.deepEqual(all.split(text), [
    all.redact(text.slice(0, cut)),
    text.slice(cut),
  ]);
  assert.deepEqual(all.split(text).at(-1), KEY.slice(0, 5));
});

Deno.test("maskedOutput() writes what it held, masked, before a style change", async (t) => {
  const cases: [string, string[], string[]][] = [
    ["a key just before it", [`Key ${KEY}`, "\x1b[0m", " done\n"], [
      "Key ",
      MASK,
      "\x1b[0m",
      " done\n",
    ]],
    ["a key's run just before it", [`Key ${KEY.slice(0, 20)}`, "\x1b[1m"], [
      "Key ",
      MASK,
      "\x1b[1m",
    ]],
    ["a tail that only may begin a key", ["Key sk-pr", "\x1b[0m", "ize\n"], [
      "Key ",
      "sk-pr",
      "\x1b[0m",
      "ize\n",
    ]],
  ];
  for (const [name, pieces, written] of cases) {
    await t.step(name, () => {
      const events: string[] = [];
      const output = maskedOutput({
        write: (text) => void events.push(text),
        style: (code) => void events.push(code),
      }, secrets(KEY));
      for (const piece of pieces) {
        if (piece.startsWith("\x1b")) output.style?.(piece);
        else output.write(piece);
      }
      assert.deepEqual(events, written);
    });
  }
});

Deno.test("Secrets.continued() leaves no 12 characters of a secret in a row however it is split, holding nothing back", async (t) => {
  const secrets = new Secrets();
  secrets.add(KEY);
  for (const size of [1, 3, 5, 11, 12, 13, 40]) {
    await t.step(`in pieces of ${size}`, () => {
      const text = `Your key is ${KEY}, and again ${KEY}.`;
      let before = "";
      let shown = "";
      for (let at = 0; at < text.length; at += size) {
        const piece = text.slice(at, at + size);
        const masked = secrets.continued(before, piece);
        if (!masked.includes(MASK)) assert.equal(masked, piece);
        shown += masked;
        before = (before + piece).slice(-11);
      }
      for (let i = 0; i + 12 <= KEY.length; i++) {
        assert.ok(!shown.includes(KEY.slice(i, i + 12)), shown);
      }
      assert.ok(shown.startsWith("Your key is "));
      assert.ok(shown.endsWith("."));
    });
  }
  await t.step("a run that ended before goes unmasked again", () => {
    assert.equal(secrets.continued("[redacted]", " and more"), " and more");
  });
});
