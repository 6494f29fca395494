import assert from "node:assert/strict";
import { ClientGone } from "./replies.ts";
import { eventBody, lifeOf, pushedBody } from "./serving.ts";

const text = (bytes: Uint8Array | undefined) => new TextDecoder().decode(bytes);

Deno.test("pushedBody() waits while the client reads behind, and ends when its writer does", async () => {
  let sent = 0;
  const body = pushedBody(
    async (send) => {
      for (let i = 0; i < 10; i++) {
        await send(`${i}`);
        sent++;
      }
    },
    () => assert.fail("not cancelled"),
    2,
  );
  await new Promise((resolve) => setTimeout(resolve, 10));
  // Nobody reads: two events wait, and the writer with the second.
  assert.equal(sent, 1);
  assert.equal(await new Response(body).text(), "0123456789");
  assert.equal(sent, 10);
});

Deno.test("pushedBody() tells its writer that the client left, and sends nothing after", async () => {
  let cancelled = 0;
  let afterwards: Promise<void> | undefined;
  let go!: () => void;
  const body = pushedBody(
    async (send) => {
      await send("first");
      await new Promise<void>((resolve) => go = resolve);
      afterwards = send("second");
      await afterwards;
    },
    () => void cancelled++,
    1,
  );
  const reader = body.getReader();
  assert.equal(text((await reader.read()).value), "first");
  await reader.cancel();
  go();
  await new Promise((resolve) => setTimeout(resolve, 1));
  assert.equal(cancelled, 1);
  await afterwards;
});

Deno.test("pushedBody() breaks off when its writer throws", async () => {
  const body = pushedBody(async (send) => {
    await send("first");
    throw new Error("a fault");
  }, () => {});
  await assert.rejects(new Response(body).text(), { message: "a fault" });
});

Deno.test("eventBody() makes its events as the client reads them, and ends them when it leaves", async () => {
  let made = 0;
  let ended = false;
  let cancelled = false;
  const events = (async function* () {
    try {
      for (let i = 0;; i++) {
        made++;
        yield `${i}`;
      }
    } finally {
      ended = true;
    }
  })();
  const reader = eventBody(events, () => cancelled = true).getReader();
  assert.equal(text((await reader.read()).value), "0");
  assert.equal(text((await reader.read()).value), "1");
  await reader.cancel();
  assert.deepEqual([cancelled, ended], [true, true]);
  assert.ok(made <= 3);
});

Deno.test("lifeOf() aborts when the client leaves or the server stops, each with its reason", () => {
  const client = new AbortController();
  const closing = new AbortController();
  const request = new Request("http://127.0.0.1/", { signal: client.signal });
  {
    using life = lifeOf(request, closing.signal);
    client.abort();
    assert.ok(life.signal.reason instanceof ClientGone);
  }
  const other = new Request("http://127.0.0.1/");
  using life = lifeOf(other, closing.signal);
  closing.abort(new Error("stopping"));
  assert.equal(life.signal.reason.message, "stopping");
  using late = lifeOf(other, closing.signal);
  assert.equal(late.signal.reason.message, "stopping");
});
