/**
 * `gpt4o --serve` for `deno task bench`: the server started as a process
 * (the installed command, or main.ts with the launcher's flags) on the
 * bench's local upstream, then the time it adds to a non-streamed request
 * on loopback (requests through it and straight to the upstream,
 * alternating), many streams at once with every delta checked to arrive in
 * order (the bench fails otherwise), and the server's peak memory all
 * along.
 *
 * @module
 */
import type { FakeServer } from "../testdata/server.ts";
import { watchPeakMemory } from "./memory.ts";
import { median, table } from "./stats.ts";

/** What the serve rows need from the bench. */
export interface ServeBench {
  /** The command that starts the program, and its arguments before the program's. */
  command: string;
  args: string[];
  /** The environment every timed command gets, the upstream's URL in it. */
  env: (baseURL: string) => Record<string, string>;
  upstream: FakeServer;
  /** Where the program runs from. */
  cwd: string;
  quick: boolean;
}

const ms = (value: number) => `${value.toFixed(2)} ms`;

/** The question every request asks. */
const BODY = { messages: [{ role: "user", content: "Who decides?" }] };

/** Starts the server on a free port and returns its address, once it says it. */
async function started(bench: ServeBench, concurrency: number) {
  const child = new Deno.Command(bench.command, {
    args: [
      ...bench.args,
      "--serve",
      "--port",
      "0",
      "--concurrency",
      String(concurrency),
    ],
    cwd: bench.cwd,
    env: bench.env(bench.upstream.url("ok")),
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const peak = watchPeakMemory(child.pid);
  const reader = child.stderr.getReader();
  const decoder = new TextDecoder();
  let said = "";
  let url: string | undefined;
  while ((url = said.match(/serving (http:\S+)/)?.[1]) === undefined) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`--serve did not start: ${said}`);
    said += decoder.decode(value, { stream: true });
  }
  const rest = (async () => {
    let text = said.slice(said.indexOf("\n") + 1);
    for (let read; !(read = await reader.read()).done;) {
      text += decoder.decode(read.value, { stream: true });
    }
    return text;
  })();
  return {
    url,
    async stop(): Promise<number> {
      child.kill("SIGTERM");
      const { code } = await child.status;
      const stderr = await rest;
      if (code !== 0 || stderr.trim()) {
        throw new Error(`--serve stopped with ${code}: ${stderr.trim()}`);
      }
      return await peak.stop();
    },
  };
}

/** The time of one non-streamed request to `baseURL`, in ms; its answer checked. */
async function timed(baseURL: string, expected: string): Promise<number> {
  const start = performance.now();
  const response = await fetch(`${baseURL}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ ...BODY, model: "gpt-4o" }),
  });
  const text = await response.text();
  const ms = performance.now() - start;
  if (response.status !== 200 || JSON.parse(text).id !== expected) {
    throw new Error(`a request to ${baseURL} failed: ${text.slice(0, 200)}`);
  }
  return ms;
}

/**
 * One stream of `deltas` deltas through the server, each checked to come in
 * order (`1 `, `2 `, …), whole, and then `[DONE]`.
 */
async function streamed(url: string, deltas: number): Promise<void> {
  const response = await fetch(`${url}v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ ...BODY, model: "gpt-4o", stream: true }),
  });
  const events = (await response.text()).split("\n\n").filter(Boolean);
  const contents = events.slice(0, -1).map((event) =>
    JSON.parse(event.slice("data: ".length)).choices[0]?.delta?.content ?? ""
  ).filter(Boolean);
  const expected = Array.from({ length: deltas }, (_, i) => `${i + 1} `);
  if (
    events.at(-1) !== "data: [DONE]" ||
    contents.join("|") !== expected.join("|")
  ) {
    throw new Error(
      `a stream through --serve lost or reordered deltas: ${contents.length} of ${deltas} came, ending ${
        JSON.stringify(events.at(-1))
      }`,
    );
  }
}

/** Prints the serve rows; throws when a stream lost or reordered a delta. */
export async function serveBench(bench: ServeBench): Promise<void> {
  const requests = bench.quick ? 20 : 200;
  const streams = bench.quick ? 20 : 100;
  const deltas = bench.quick ? 50 : 200;
  const server = await started(bench, streams);
  const direct = bench.upstream.url("ok");
  const via = `${server.url}v1`;
  const id = "chatcmpl-Dq3mXb8eTf2Lk9PzRw7YhN4cVa1sU";
  // Warm both paths first (connections, the JIT's work on the server's
  // code): what is measured is a server that has been answering.
  for (let i = 0; i < 100; i++) {
    await timed(direct, id);
    await timed(via, id);
  }
  const straight: number[] = [];
  const through: number[] = [];
  for (let i = 0; i < requests; i++) {
    if (i % 2) {
      straight.push(await timed(direct, id));
      through.push(await timed(via, id));
    } else {
      through.push(await timed(via, id));
      straight.push(await timed(direct, id));
    }
  }
  const added = median(through.map((time, i) => time - straight[i]));
  const upstream = bench.upstream.url("stream-endless", deltas);
  // The streams go to a server of their own, whose upstream streams.
  const streaming = await started({
    ...bench,
    env: () => bench.env(upstream),
  }, streams);
  const began = performance.now();
  await Promise.all(
    Array.from({ length: streams }, () => streamed(streaming.url, deltas)),
  );
  const seconds = (performance.now() - began) / 1000;
  const peakKiB = await server.stop();
  const streamPeakKiB = await streaming.stop();
  const mib = (kib: number) => kib ? `${(kib / 1024).toFixed(1)} MiB` : "-";
  console.log(
    `\n--serve on loopback (${requests} non-streamed requests, alternating):\n`,
  );
  console.log(table(
    ["path", "median", "peak RSS of the server"],
    [
      ["straight to the upstream", ms(median(straight)), ""],
      ["through gpt4o --serve", ms(median(through)), mib(peakKiB)],
    ],
  ));
  console.log(
    `\nThe server adds a median ${ms(added)} to a request (target: at most ` +
      `2 ms): ${added <= 2 ? "met" : "NOT met"}. ${streams} streams at once, ` +
      `${deltas} deltas each 10 ms apart, every delta in order: ` +
      `${seconds.toFixed(2)} s in all, the server's peak RSS ` +
      `${mib(streamPeakKiB)}.`,
  );
}
