import assert from "node:assert/strict";
import { DeadlineError, type Schedule, within } from "./deadline.ts";

/** A {@linkcode Schedule} the test fires by hand, and what it was asked. */
function timer() {
  const asked: number[] = [];
  let fire = () => {};
  let cancelled = false;
  const after: Schedule = (ms, then) => {
    asked.push(ms);
    fire = then;
    return () => void (cancelled = true);
  };
  return { after, asked, fire: () => fire(), cancelled: () => cancelled };
}

/** Work that never ends by itself, and that ignores its signal, as a stuck SDK call may. */
function stuck() {
  const given: AbortSignal[] = [];
  const work = (signal: AbortSignal) => {
    given.push(signal);
    return new Promise<string>(() => {});
  };
  return { work, given };
}

Deno.test("within() ends work that ignores its signal once its deadline passes or the run is interrupted", async (t) => {
  await t.step("the deadline", async () => {
    const clock = timer();
    const { work, given } = stuck();
    const call = within(work, 60_000, { after: clock.after });
    assert.deepEqual(clock.asked, [60_000]);
    clock.fire();
    await assert.rejects(call, new DeadlineError(60_000));
    assert.equal(given[0].aborted, true);
    assert.ok(given[0].reason instanceof DeadlineError);
    assert.equal(clock.cancelled(), true);
  });
  await t.step("Ctrl-C", async () => {
    const clock = timer();
    const run = new AbortController();
    const { work, given } = stuck();
    const call = within(work, 60_000, {
      signal: run.signal,
      after: clock.after,
    });
    const interrupted = new Error("SIGINT");
    run.abort(interrupted);
    await assert.rejects(call, interrupted);
    assert.equal(given[0].reason, interrupted);
    assert.equal(clock.cancelled(), true);
  });
  await t.step("already interrupted: the work does not start", async () => {
    const clock = timer();
    const { work, given } = stuck();
    const interrupted = new Error("SIGINT");
    await assert.rejects(
      within(work, 60_000, {
        signal: AbortSignal.abort(interrupted),
        after: clock.after,
      }),
      interrupted,
    );
    assert.deepEqual(given, []);
  });
});

Deno.test("within() gives work's own result or failure, and stops its timer", async () => {
  const clock = timer();
  assert.equal(
    await within(() => Promise.resolve("done"), 5, { after: clock.after }),
    "done",
  );
  assert.equal(clock.cancelled(), true);
  const failed = new Error("no");
  await assert.rejects(
    within(() => Promise.reject(failed), 5, { after: timer().after }),
    failed,
  );
});
