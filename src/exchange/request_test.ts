import assert from "node:assert/strict";
import { CutOffError, RefusalError } from "./answer.ts";
import { InterruptedError } from "../errors.ts";
import { outcomeOf } from "./request.ts";

Deno.test("outcomeOf() tells how an exchange ended, for the history", () => {
  assert.equal(outcomeOf("stop"), "answered");
  assert.equal(outcomeOf(null), "answered");
  assert.equal(outcomeOf("length"), "cut off");
  assert.equal(outcomeOf("content_filter"), "filtered");
  assert.equal(outcomeOf(undefined, new InterruptedError()), "interrupted");
  assert.equal(outcomeOf(undefined, new RefusalError("no")), "refused");
  assert.equal(outcomeOf(undefined, new CutOffError()), "cut off");
  assert.equal(outcomeOf(undefined, new TypeError("reset")), "failed");
});
