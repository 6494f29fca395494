import assert from "node:assert/strict";
import { Activity, DELAY_MS, FRAME_MS, FRAMES } from "./activity.ts";

/** An output that records, and a timer whose ticks the test runs. */
function staged() {
  const written: string[] = [];
  const pending: { ms: number; tick: () => void; cancelled: boolean }[] = [];
  return {
    written,
    pending,
    out: { write: (text: string) => void written.push(text) },
    timer: (ms: number, tick: () => void) => {
      const entry = { ms, tick, cancelled: false };
      pending.push(entry);
      return () => void (entry.cancelled = true);
    },
    /** Runs the latest tick that is still due. */
    tick() {
      const next = pending.findLast((each) => !each.cancelled);
      assert.ok(next, "a tick is due");
      next.cancelled = true;
      next.tick();
    },
  };
}

Deno.test("Activity shows nothing before its delay, then a frame every FRAME_MS, each over the last", () => {
  const stage = staged();
  using _ = new Activity(stage.out, { color: false, timer: stage.timer });
  assert.deepEqual(stage.written, []);
  assert.deepEqual(stage.pending.map((each) => each.ms), [DELAY_MS]);
  for (let i = 0; i < FRAMES.length + 1; i++) stage.tick();
  assert.deepEqual(stage.written, [
    ...FRAMES.map((frame) => `\r${frame}`),
    `\r${FRAMES[0]}`,
  ]);
  assert.deepEqual(
    stage.pending.slice(1).map((each) => each.ms),
    Array(FRAMES.length + 1).fill(FRAME_MS),
  );
});

Deno.test("Activity.stop() erases what it showed, once, and no tick stays due", () => {
  const stage = staged();
  const activity = new Activity(stage.out, {
    color: false,
    timer: stage.timer,
  });
  stage.tick();
  activity.stop();
  activity.stop();
  assert.deepEqual(stage.written, [`\r${FRAMES[0]}`, "\r\x1b[2K"]);
  assert.equal(stage.pending.every((each) => each.cancelled), true);
});

Deno.test("Activity stopped before its delay writes nothing at all", () => {
  const stage = staged();
  const activity = new Activity(stage.out, {
    color: false,
    timer: stage.timer,
  });
  activity[Symbol.dispose]();
  assert.deepEqual(stage.written, []);
  assert.equal(stage.pending[0].cancelled, true);
});

Deno.test("Activity dims its frames when colors are on, through the output's style", () => {
  const stage = staged();
  const styled: string[] = [];
  using _ = new Activity(
    {
      write: () => assert.fail("frames are the program's own"),
      style: (code) => void styled.push(code),
    },
    { color: true, timer: stage.timer },
  );
  stage.tick();
  assert.deepEqual(styled, [`\r\x1b[2m${FRAMES[0]}\x1b[22m`]);
});

Deno.test("Activity whose output fails stops quietly: no tick is due and nothing is erased", () => {
  const stage = staged();
  let writes = 0;
  const activity = new Activity({
    write: () => {
      writes++;
      throw new Error("stderr is closed");
    },
  }, { color: false, timer: stage.timer });
  stage.tick();
  activity.stop();
  assert.equal(writes, 1);
  assert.equal(stage.pending.filter((each) => !each.cancelled).length, 0);
});
