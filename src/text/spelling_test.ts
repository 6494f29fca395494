import assert from "node:assert/strict";
import { nearest, slipsIn } from "./spelling.ts";

Deno.test("nearest() finds a word within two edits, ignoring case", () => {
  assert.equal(nearest("OLAMA", ["ollama", "groq"]), "ollama");
  assert.equal(nearest("grq", ["ollama", "groq"]), "groq");
  assert.equal(nearest("mistral", ["ollama", "groq"]), undefined);
  assert.equal(nearest("x", [], 2), undefined);
});

Deno.test("nearest() counts two letters swapped as one edit", () => {
  assert.equal(nearest("histroy", ["history", "show"], 1), "history");
  assert.equal(nearest("ohistry", ["history"], 1), undefined);
  assert.equal(nearest("mdoel", ["model"], 1), "model");
});

Deno.test("slipsIn() allows one edit in a short word, two in a long one", async (t) => {
  const cases: [string, number][] = [["x", 1], ["strem", 1], ["verbose", 1], [
    "histroys",
    2,
  ], ["temprature", 2]];
  for (const [word, most] of cases) {
    await t.step(word, () => assert.equal(slipsIn(word), most));
  }
});
