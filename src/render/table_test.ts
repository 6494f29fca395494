import assert from "node:assert/strict";
import type { Tokens } from "marked";
import { table } from "./table.ts";
import type { Span } from "./spans.ts";

const cell = (text: string): Tokens.TableCell => ({
  text,
  tokens: [{ type: "text", raw: text, text }],
  header: false,
  align: null,
});

const textOf = (row: Span[]) => row.map((span) => span.text).join("");

Deno.test("table() lays out 150,000 rows: no spread of them overflows the stack", () => {
  const token: Tokens.Table = {
    type: "table",
    raw: "",
    align: [null, "right"],
    header: [cell("a"), cell("b")],
    rows: Array.from(
      { length: 150_000 },
      (_, i) => [cell("x"), cell(String(i))],
    ),
  };
  const rows = table(token, 40);
  assert.equal(rows.length, 150_004);
  assert.deepEqual(rows.slice(0, 4).map(textOf), [
    "┌─────┬────────┐",
    "│ a   │      b │",
    "├─────┼────────┤",
    "│ x   │      0 │",
  ]);
  assert.deepEqual(rows.slice(-2).map(textOf), [
    "│ x   │ 149999 │",
    "└─────┴────────┘",
  ]);
});
