import assert from "node:assert/strict";
import { IdleTimeout, IdleTimeoutError } from "./idle.ts";

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A fetch whose body sends `count` chunks `gap` ms apart, then ends or stalls. */
function trickle(count: number, gap: number, stall = false) {
  return (_input: RequestInfo | URL, init?: RequestInit) => {
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        await delay(gap);
        if (sent++ < count) return controller.enqueue(new Uint8Array([sent]));
        if (!stall) return controller.close();
        await new Promise((_, reject) =>
          init?.signal?.addEventListener(
            "abort",
            () => reject(init.signal!.reason),
          )
        );
      },
    });
    return Promise.resolve(new Response(body));
  };
}

Deno.test("IdleTimeout lets a slow body through while each gap is shorter", async () => {
  const controller = new AbortController();
  using idle = new IdleTimeout(0.1, controller);
  const response = await idle.wrap(trickle(6, 40))("http://127.0.0.1/");
  const bytes = await response.bytes();
  assert.deepEqual([...bytes], [1, 2, 3, 4, 5, 6]);
  await delay(150); // past the bound after the body ended: nothing fires
  assert.equal(controller.signal.aborted, false);
});

Deno.test("IdleTimeout aborts with IdleTimeoutError when a body stalls", async () => {
  const controller = new AbortController();
  using idle = new IdleTimeout(0.05, controller);
  const response = await idle.wrap(trickle(2, 10, true))("http://127.0.0.1/", {
    signal: controller.signal,
  });
  const started = performance.now();
  await assert.rejects(response.bytes(), new IdleTimeoutError(0.05));
  const waited = performance.now() - started;
  assert.ok(waited >= 45 && waited < 1000, `aborted after ${waited} ms`);
  assert.deepEqual(controller.signal.reason, new IdleTimeoutError(0.05));
});

Deno.test("IdleTimeout aborts when no response arrives at all", async () => {
  const controller = new AbortController();
  using idle = new IdleTimeout(0.05, controller);
  const never = (_: RequestInfo | URL, init?: RequestInit) =>
    new Promise<Response>((_, reject) =>
      init?.signal?.addEventListener("abort", () => reject(init.signal!.reason))
    );
  await assert.rejects(
    idle.wrap(never)("http://127.0.0.1/", { signal: controller.signal }),
    new IdleTimeoutError(0.05),
  );
});

Deno.test("IdleTimeout stops counting when fetch fails, while the SDK waits to retry", async () => {
  const controller = new AbortController();
  using idle = new IdleTimeout(0.03, controller);
  const refused = () => Promise.reject(new TypeError("connection refused"));
  await assert.rejects(idle.wrap(refused)("http://127.0.0.1/"), TypeError);
  await delay(60);
  assert.equal(controller.signal.aborted, false);
});

Deno.test("IdleTimeout stops counting once disposed", async () => {
  const controller = new AbortController();
  {
    using idle = new IdleTimeout(0.03, controller);
    idle.restart();
  }
  await delay(60);
  assert.equal(controller.signal.aborted, false);
});

Deno.test("IdleTimeoutError names the bound in seconds", () => {
  assert.equal(
    new IdleTimeoutError(120).message,
    "no data arrived from the server for 120 s",
  );
});

Deno.test("IdleTimeout stops counting when the SDK cancels a body to wait and retry", async () => {
  const controller = new AbortController();
  using idle = new IdleTimeout(0.03, controller);
  const response = await idle.wrap(trickle(1, 1, true))("http://127.0.0.1/");
  await response.body!.cancel(); // a 429 whose retry-after is longer than --timeout
  await delay(60);
  assert.equal(controller.signal.aborted, false);
});

Deno.test("IdleTimeout counts again from the response headers", async () => {
  const controller = new AbortController();
  using idle = new IdleTimeout(0.1, controller);
  const slow = async () => {
    await delay(60); // headers after 0.6 of the bound
    return new Response(
      new ReadableStream<Uint8Array>({
        async start(body) {
          await delay(60); // the body 0.6 of the bound after them
          body.enqueue(new Uint8Array([1]));
          body.close();
        },
      }),
    );
  };
  const response = await idle.wrap(slow)("http://127.0.0.1/", {
    signal: controller.signal,
  });
  assert.deepEqual([...await response.bytes()], [1]);
  assert.equal(controller.signal.aborted, false);
});

Deno.test("IdleTimeout clamps a bound beyond setTimeout's limit instead of firing at once", async () => {
  const controller = new AbortController();
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (...args) => void warnings.push(args.join(" "));
  try {
    using idle = new IdleTimeout(30 * 24 * 3600, controller); // 30 days
    idle.restart();
    await delay(20);
  } finally {
    console.warn = warn;
  }
  assert.equal(controller.signal.aborted, false);
  assert.deepEqual(warnings, []);
});

Deno.test("IdleTimeout with body: false leaves the body as it came, and counts from the response until disposed", async () => {
  const controller = new AbortController();
  const idle = new IdleTimeout(0.05, controller);
  const original = new Response("whole");
  const response = await idle.wrap(() => Promise.resolve(original), {
    body: false,
  })("http://127.0.0.1/");
  assert.equal(response, original);
  await delay(80); // a whole answer that does not come in time
  assert.deepEqual(controller.signal.reason, new IdleTimeoutError(0.05));

  const read = new AbortController();
  using done = new IdleTimeout(0.05, read);
  await (await done.wrap(() => Promise.resolve(new Response("whole")), {
    body: false,
  })("http://127.0.0.1/")).text();
  done[Symbol.dispose](); // read in time: the countdown stops
  await delay(80);
  assert.equal(read.signal.aborted, false);
});

Deno.test("IdleTimeout with body: false does not count the wait after an error response (the SDK may wait to retry)", async () => {
  const controller = new AbortController();
  using idle = new IdleTimeout(0.05, controller);
  await idle.wrap(
    () => Promise.resolve(new Response("{}", { status: 429 })),
    { body: false },
  )("http://127.0.0.1/");
  await delay(80);
  assert.equal(controller.signal.aborted, false);
});
