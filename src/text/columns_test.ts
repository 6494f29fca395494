import assert from "node:assert/strict";
import { columns } from "./columns.ts";

Deno.test("columns() pads every column but the last, right-aligning those asked", () => {
  assert.deepEqual(columns([]), []);
  assert.deepEqual(columns([["a", "bb", ""], ["ccc", "d", "e"]], [1]), [
    "a    bb",
    "ccc   d  e",
  ]);
});

Deno.test("columns() lines up 200,000 rows: no spread of them overflows the stack", () => {
  const rows = Array.from({ length: 200_000 }, (_, i) => [String(i), "x"]);
  const lines = columns(rows, [0]);
  assert.equal(lines.length, 200_000);
  assert.deepEqual([lines[0], lines.at(-1)], ["     0  x", "199999  x"]);
});
