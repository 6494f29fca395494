import assert from "node:assert/strict";
import { median, medianRatio, percentile, table } from "./stats.ts";

Deno.test("median() takes the middle value, or the mean of the middle two", () => {
  assert.equal(median([5]), 5);
  assert.equal(median([9, 1, 5]), 5);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.throws(() => median([]), new RangeError("median() of no values"));
});

Deno.test("median() leaves its input in order", () => {
  const values = [3, 1, 2];
  median(values);
  assert.deepEqual(values, [3, 1, 2]);
});

Deno.test("percentile() takes the value of the nearest rank", () => {
  assert.equal(percentile([5], 0.99), 5);
  assert.equal(percentile([3, 1, 2, 4], 0.5), 2);
  assert.equal(percentile([3, 1, 2, 4], 0.99), 4);
  assert.equal(percentile([3, 1, 2, 4], 0), 1);
  assert.throws(
    () => percentile([], 0.5),
    new RangeError("percentile() of no values"),
  );
});

Deno.test("medianRatio() pairs runs of the same round", () => {
  assert.equal(medianRatio([200, 120, 90], [100, 100, 100]), 1.2);
  assert.equal(medianRatio([10, 20], [10, 10]), 1.5);
  assert.throws(
    () => medianRatio([1, 2], [1]),
    new RangeError("medianRatio() needs paired runs, not 2 and 1"),
  );
});

Deno.test("table() pads every column to its widest cell", () => {
  assert.equal(
    table(["command", "ms"], [["floor", "81"], ["SDK", "193.5"]]),
    [
      "| command | ms    |",
      "| ------- | ----- |",
      "| floor   | 81    |",
      "| SDK     | 193.5 |",
    ].join("\n"),
  );
});
