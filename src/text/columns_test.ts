import assert from "node:assert/strict";
import { columns } from "./columns.ts";

Deno.test("columns() pads every column but the last, right-aligning those asked", () => {
  assert.deepEqual(columns([]), []);
  assert.deepEqual(columns([["a", "bb", ""], ["ccc", "d", "e"]], [1]), [
    "a    bb",
    "ccc   d  e",
  ]);
});
