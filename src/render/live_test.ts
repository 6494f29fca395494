import assert from "node:assert/strict";
import { brokenAt, LiveRows } from "./live.ts";
import type { Span } from "./spans.ts";
import { screenOf } from "../../testdata/screen.ts";

/** Rows of unstyled text. */
const rows = (...texts: string[]): Span[][] =>
  texts.map((text) => text ? [{ text, sgr: [] }] : []);

function live(color = false) {
  let printed = "";
  const rowsLive = new LiveRows(
    { write: (text) => void (printed += text) },
    { color, hyperlinks: color },
  );
  return {
    live: rowsLive,
    /** What was printed since the last call. */
    take: () => [printed, printed = ""][0],
  };
}

const SIZE = { width: 10, height: 24 };

Deno.test("LiveRows writes what is added to the last row after it, and rows added below it", () => {
  const { live: rows_, take } = live();
  rows_.draw(rows("one"), SIZE);
  assert.equal(take(), "one");
  rows_.draw(rows("one two"), SIZE);
  assert.equal(take(), " two");
  rows_.draw(rows("one two", "three"), SIZE);
  assert.equal(take(), "\nthree");
  rows_.draw(rows("one two", "three", "", "four"), SIZE);
  assert.equal(take(), "\n\nfour");
  rows_.draw(rows("one two", "three", "", "four"), SIZE);
  assert.equal(take(), "", "nothing changed");
  assert.equal(rows_.rows, 4);
});

Deno.test("LiveRows redraws from the first row that changed, and erases rows no longer there", async (t) => {
  const cases: [string, string[], string][] = [
    ["the last row", ["a", "b", "see"], "\r\x1b[2Ksee"],
    ["a middle row", ["a", "bee", "c"], "\r\x1b[1A\x1b[2Kbee\n\x1b[2Kc"],
    [
      "the first row",
      ["ay", "b", "c"],
      "\r\x1b[2A\x1b[2Kay\n\x1b[2Kb\n\x1b[2Kc",
    ],
    ["a row fewer", ["a", "b"], "\r\x1b[2K\x1b[1A\x1b[2Kb"],
    [
      "one row fewer, the last changed",
      ["a", "bee"],
      "\r\x1b[2K\x1b[1A\x1b[2Kbee",
    ],
    ["none left", [], "\r\x1b[2K\x1b[1A\x1b[2K\x1b[1A\x1b[2K"],
  ];
  for (const [name, next, expected] of cases) {
    await t.step(name, () => {
      const { live: rows_, take } = live();
      rows_.draw(rows("a", "b", "c"), SIZE);
      take();
      rows_.draw(rows(...next), SIZE);
      assert.equal(take(), expected);
      assert.equal(rows_.rows, next.length);
    });
  }
});

Deno.test("LiveRows keeps a finished row that is on the screen already, and erases what is in progress for one that is not", async (t) => {
  const cases: [string, string[], string[], string][] = [
    ["the same, the only one", ["one two"], ["one two"], "\n"],
    ["the same, one of two", ["one", "two"], ["one"], ""],
    ["the only one, completed", ["one"], ["one two"], " two\n"],
    [
      "one of two, grown",
      ["one", "two"],
      ["one more"],
      "\r\x1b[2K\x1b[1A\x1b[2Kone more\n",
    ],
    ["another", ["one"], ["uno"], "\r\x1b[2Kuno\n"],
    ["two, the same", ["one", "two"], ["one", "two"], "\n"],
    ["none in progress", [], ["one", "two"], "one\ntwo\n"],
  ];
  for (const [name, shown, finished, expected] of cases) {
    await t.step(name, () => {
      const { live: rows_, take } = live();
      rows_.draw(rows(...shown), SIZE);
      take();
      for (const row of rows(...finished)) rows_.final(row, SIZE.width);
      assert.equal(take(), expected);
    });
  }
  await t.step("at another width: erased", () => {
    const { live: rows_, take } = live();
    rows_.draw(rows("one", "two"), SIZE);
    take();
    rows_.final(rows("one")[0], 12);
    assert.equal(take(), "\r\x1b[2K\x1b[1A\x1b[2Kone\n");
    assert.equal(rows_.rows, 0);
  });
});

Deno.test("LiveRows breaks a row wider than the terminal into rows that each take one, and shows the last height - 1", () => {
  const { live: rows_, take } = live();
  rows_.draw(rows("abcdefghijklmnopqrstuvwxyz"), { width: 10, height: 24 });
  assert.equal(take(), "abcdefghij\nklmnopqrst\nuvwxyz");
  rows_.draw(rows("abcdefghijklmnopqrstuvwxyz0123"), { width: 10, height: 3 });
  assert.equal(
    take(),
    "\r\x1b[2K\x1b[1A\x1b[1A\x1b[2Kklmnopqrst\n\x1b[2Kuvwxyz0123",
    "two rows of a window of three: the way up stays inside it",
  );
  rows_.final(rows("abcdefghijklmnopqrstuvwxyz0123")[0], 10);
  assert.equal(
    take(),
    "\r\x1b[2K\x1b[1A\x1b[2Kabcdefghijklmnopqrstuvwxyz0123\n",
    "finished, it is printed whole, for the terminal to wrap",
  );
});

Deno.test("LiveRows redraws at a new width from the first row in progress", () => {
  const { live: rows_, take } = live();
  rows_.draw(rows("one two", "three"), { width: 10, height: 24 });
  take();
  rows_.draw(rows("one two", "three"), { width: 20, height: 24 });
  assert.equal(take(), "\r\x1b[1A\x1b[2Kone two\n\x1b[2Kthree");
});

Deno.test("LiveRows styles each span, and reopens a style to add to it", () => {
  const { live: rows_, take } = live(true);
  const bold = (text: string): Span => ({ text, sgr: ["1"] });
  const link = { text: "site", sgr: ["4"], href: "https://example.com/" };
  rows_.draw([[{ text: "a ", sgr: [] }, bold("bo")]], SIZE);
  assert.equal(take(), "a \x1b[1mbo\x1b[0m");
  rows_.draw([[{ text: "a ", sgr: [] }, bold("bold")]], SIZE);
  assert.equal(take(), "\x1b[1mld\x1b[0m");
  rows_.final([{ text: "a ", sgr: [] }, bold("bold"), link], SIZE.width);
  assert.equal(
    take(),
    "\x1b[4m\x1b]8;;https://example.com/\x1b\\site\x1b]8;;\x1b\\\x1b[0m\n",
  );
});

Deno.test("brokenAt() breaks between characters as a terminal wraps, a wide one that does not fit going to the next row", async (t) => {
  const cases: [string, Span[], number, string[]][] = [
    ["fits", rows("abc")[0], 3, ["abc"]],
    ["narrow", rows("abcdefg")[0], 3, ["abc", "def", "g"]],
    ["wide", rows("ab日本語")[0], 3, ["ab", "日", "本", "語"]],
    [
      "across spans, keeping their styles",
      [{ text: "ab", sgr: ["1"] }, { text: "cd", sgr: [] }],
      3,
      ["abc", "d"],
    ],
    ["a control character, shown as one column", rows("a\x1bbc")[0], 2, [
      "a\x1b",
      "bc",
    ]],
  ];
  for (const [name, row, width, expected] of cases) {
    await t.step(name, () => {
      const broken = brokenAt(row, width);
      assert.deepEqual(
        broken.map((each) => each.map((span) => span.text).join("")),
        expected,
      );
      assert.equal(
        screenOf(
          broken.map((each) => each.map((span) => span.text).join("")).join(
            "\n",
          ),
          { columns: width },
        ),
        screenOf(row.map((span) => span.text).join(""), { columns: width }),
        "the terminal shows the same rows",
      );
    });
  }
  await t.step("keeps styles", () => {
    assert.deepEqual(
      brokenAt([{ text: "ab", sgr: ["1"] }, { text: "cd", sgr: [] }], 3),
      [[{ text: "ab", sgr: ["1"] }, { text: "c", sgr: [] }], [{
        text: "d",
        sgr: [],
      }]],
    );
  });
});
