import assert from "node:assert/strict";
import { nearest } from "./spelling.ts";

Deno.test("nearest() finds a word within two edits, ignoring case", () => {
  assert.equal(nearest("OLAMA", ["ollama", "groq"]), "ollama");
  assert.equal(nearest("grq", ["ollama", "groq"]), "groq");
  assert.equal(nearest("mistral", ["ollama", "groq"]), undefined);
  assert.equal(nearest("x", [], 2), undefined);
});
