/**
 * `deno task bench [--quick]`: times whole processes against a local
 * OpenAI-compatible server, the commands alternating run by run, and prints
 * medians with ratios against a baseline from the same run.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { VERSION as SDK_VERSION } from "openai/version";
import { ANSWER } from "../testdata/fixtures.ts";
import { bigCount, now, PIECE, startServer } from "../testdata/server.ts";
import { runFlags } from "../src/launch/permissions.ts";
import { median, medianRatio, table } from "./stats.ts";
import { historyScale } from "./history.ts";
import { watchPeakMemory } from "./memory.ts";
import { serveBench } from "./serve.ts";
import { dangerBench } from "./danger.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    quick: { type: "boolean", default: false },
    runs: { type: "string" },
  },
});
const quick = values.quick;
const runs = Number(values.runs ?? (quick ? 3 : 21));
const root = new URL("..", import.meta.url).pathname;

await using server = startServer();

interface Command {
  name: string;
  cmd: string;
  args: string[];
  env?: Record<string, string>;
}

interface Outcome {
  ms: number;
  stdout: string;
  peakKiB: number;
}

/**
 * Every run saves its exchange, as a user's does, into a history folder of
 * the bench's own.
 */
const DATA_ENV = { XDG_DATA_HOME: `${root}bench/.data` };
/**
 * The flags the start task's launcher gives main.ts in this environment,
 * and `env`, for a command line of `args`.
 */
function launched(
  env: Record<string, string> = {},
  args: string[] = [],
): string[] {
  const all: Record<string, string> = {
    ...Deno.env.toObject(),
    ...DATA_ENV,
    GPT4O_CONFIG: "off",
    ...env,
  };
  return [
    "--cached-only",
    ...runFlags((name) => all[name], Deno.build.os, args),
  ];
}
const TASK_FLAGS = launched();

/**
 * What every timed command gets: the server, a key, the history folder, and
 * no config file of the machine's (a row that wants one names it).
 */
function projectEnv(baseURL: string): Record<string, string> {
  return {
    OPENAI_BASE_URL: baseURL,
    OPENAI_API_KEY: "sk-bench",
    NO_COLOR: "1",
    GPT4O_CONFIG: "off",
    ...DATA_ENV,
  };
}

/**
 * A config file as a heavy user keeps one: 20 providers of their own (with
 * headers and keys in GPT4O_* variables), 20 roles and an alias; the default
 * model stays the demo's. Written under bench/.data/, private.
 */
function benchConfig(): string {
  const path = `${DATA_ENV.XDG_DATA_HOME}/config.toml`;
  const providers = Array.from(
    { length: 20 },
    (_, i) =>
      `[providers.p${i}]\nbase_url = "http://127.0.0.1:9/p${i}/v1"\n` +
      `key_env = "GPT4O_P${i}_KEY"\nmodel = "m${i}"\n` +
      `headers = { "X-Team" = "team ${i}" }\n`,
  );
  const roles = Array.from(
    { length: 20 },
    (_, i) =>
      `[roles.r${i}]\nsystem = "You are role ${i}. Answer briefly."\nmodel = "p${i}:m"\n`,
  );
  Deno.mkdirSync(DATA_ENV.XDG_DATA_HOME, { recursive: true });
  Deno.writeTextFileSync(
    path,
    [...providers, ...roles, '[aliases]\nfast = ["p0:", "p1:"]\n'].join("\n"),
    { mode: 0o600 },
  );
  Deno.chmodSync(path, 0o600);
  return path;
}
const CONFIG_ENV = { GPT4O_CONFIG: benchConfig() };

/**
 * Runs one command to its end, `stdin` piped to it; fails loudly unless it
 * answered correctly.
 */
async function time(
  command: Command,
  baseURL: string,
  expected?: string,
  stdin?: Uint8Array,
): Promise<Outcome> {
  const started = performance.now();
  const child = new Deno.Command(command.cmd, {
    args: command.args,
    cwd: root,
    env: { ...projectEnv(baseURL), ...command.env },
    stdin: stdin ? "piped" : "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const peak = watchPeakMemory(child.pid);
  if (stdin) {
    const writer = child.stdin.getWriter();
    await writer.write(stdin);
    await writer.close();
  }
  const { code, stdout, stderr } = await child.output();
  const ms = performance.now() - started;
  const text = new TextDecoder().decode(stdout);
  if (code !== 0 || (expected !== undefined && text !== expected)) {
    throw new Error(
      `${command.name} failed (exit ${code}): ${
        new TextDecoder().decode(stderr).trim() || "its output differs"
      }`,
    );
  }
  return { ms, stdout: text, peakKiB: await peak.stop() };
}

/** Runs every command `runs` times, rotating the order each round. */
async function alternate(
  commands: Command[],
  baseURL: string,
  expected: string,
): Promise<Map<string, number[]>> {
  const times = new Map(
    commands.map((command) => [command.name, [] as number[]]),
  );
  for (let round = 0; round < runs; round++) {
    for (let i = 0; i < commands.length; i++) {
      const command = commands[(round + i) % commands.length];
      const { ms } = await time(command, baseURL, expected);
      times.get(command.name)!.push(ms);
    }
  }
  return times;
}

const ms = (value: number) => `${value.toFixed(1)} ms`;
const mibOf = (kib: number) => kib ? `${(kib / 1024).toFixed(1)} MiB` : "-";
const x = (value: number) => `${value.toFixed(2)}×`;

/** The openai package in Deno's npm cache, for Node.js to import. */
async function sdkForNode(): Promise<string | undefined> {
  const info = await new Deno.Command("deno", { args: ["info", "--json"] })
    .output();
  const { npmCache } = JSON.parse(new TextDecoder().decode(info.stdout));
  const path = `${npmCache}/registry.npmjs.org/openai/${SDK_VERSION}/index.mjs`;
  try {
    await Deno.stat(path);
    return path;
  } catch {
    return undefined;
  }
}

async function nodeVersion(): Promise<string | undefined> {
  try {
    const { stdout } = await new Deno.Command("node", { args: ["--version"] })
      .output();
    return new TextDecoder().decode(stdout).trim();
  } catch {
    return undefined;
  }
}

// --- the machine --------------------------------------------------------------

const cpu = (() => {
  try {
    return Deno.readTextFileSync("/proc/cpuinfo").match(
      /model name\s*:\s*(.+)/,
    )?.[1];
  } catch {
    return undefined;
  }
})();
const node = await nodeVersion();
const sdkPath = node ? await sdkForNode() : undefined;
console.log(
  `Machine: ${
    cpu ?? Deno.build.arch
  }, ${navigator.hardwareConcurrency} cores, ` +
    `${Deno.build.os} ${Deno.osRelease()}; Deno ${Deno.version.deno}; ` +
    `Node.js ${node ?? "not installed"}; ${runs} runs per command` +
    (quick ? " (quick mode: figures are rough)" : ""),
);

// --- one non-streaming request --------------------------------------------------

const deno = (name: string, args: string[]): Command => ({
  name,
  cmd: "deno",
  args,
});
const project_task = deno("project: deno task start", [
  "task",
  "--quiet",
  "start",
]);
const project_run = deno("project: deno run main.ts (the task's command)", [
  "run",
  ...TASK_FLAGS,
  "main.ts",
]);
const sdkDemo = deno("bare SDK demo (Deno)", [
  "run",
  "--allow-net",
  "--allow-env",
  "bench/sdk_demo.ts",
]);
/** The same demo started the way `deno task start` starts: by the task runner. */
const sdkDemoTask = deno("bare SDK demo (Deno), through deno task", [
  "task",
  "--quiet",
  "--eval",
  "deno run --allow-net --allow-env bench/sdk_demo.ts",
]);
const floor = deno("bare fetch floor (Deno)", [
  "run",
  "--allow-net",
  "--allow-env",
  "bench/fetch_demo.ts",
]);
const nodePeer: Command | undefined = sdkPath
  ? {
    name: `Node.js ${node} + the same SDK`,
    cmd: "node",
    args: ["bench/node_demo.mjs"],
    env: { BENCH_OPENAI_SDK: sdkPath },
  }
  : undefined;

/**
 * The installed command, as `deno task install` makes it: a shim that runs
 * one minified bundle of the program instead of its 245 modules. Installed
 * into bench/.install/; skipped when that fails.
 */
async function installed(): Promise<string | undefined> {
  const installRoot = `${root}bench/.install`;
  const { success } = await new Deno.Command("deno", {
    args: ["task", "--quiet", "install"],
    cwd: root,
    env: { ...DATA_ENV, DENO_INSTALL_ROOT: installRoot },
    stdout: "null",
    stderr: "null",
  }).output();
  const shim = Deno.build.os === "windows" ? "gpt4o.cmd" : "gpt4o";
  return success ? `${installRoot}/bin/${shim}` : undefined;
}
const shim = await installed();
const project_installed: Command | undefined = shim
  ? {
    name: "project: installed gpt4o (deno task install)",
    cmd: shim,
    args: [],
  }
  : undefined;

const project_config = {
  ...deno("project: deno run main.ts, a 20-provider, 20-role config file", [
    "run",
    ...launched(CONFIG_ENV),
    "main.ts",
  ]),
  env: CONFIG_ENV,
};
const installed_config: Command | undefined = project_installed && {
  ...project_installed,
  name: "project: installed gpt4o, the same config file",
  env: CONFIG_ENV,
};
const oneRequest = [
  project_task,
  project_run,
  project_config,
  sdkDemoTask,
  sdkDemo,
  floor,
];
if (project_installed) {
  oneRequest.splice(3, 0, project_installed, installed_config!);
}
if (nodePeer) oneRequest.push(nodePeer);
const one = await alternate(oneRequest, server.url("ok"), `${ANSWER}\n`);
const sdkTimes = one.get(sdkDemo.name)!;
console.log("\nOne non-streaming request, whole process:\n");
console.log(table(
  [
    "command",
    "median",
    "× bare SDK",
    "× SDK via deno task",
    "× fetch floor",
    "× Node.js",
  ],
  oneRequest.map(({ name }) => {
    const times = one.get(name)!;
    return [
      name,
      ms(median(times)),
      x(medianRatio(times, sdkTimes)),
      x(medianRatio(times, one.get(sdkDemoTask.name)!)),
      x(medianRatio(times, one.get(floor.name)!)),
      nodePeer ? x(medianRatio(times, one.get(nodePeer.name)!)) : "no node",
    ];
  }),
));
if (!project_installed) {
  console.log("\n`deno task install` failed: no installed rows.");
}
if (!nodePeer) {
  console.log(
    `\nNode.js peer skipped: ${
      node
        ? "the openai package is not in Deno's npm cache"
        : "node is not installed"
    }.`,
  );
}

// --- a fallback after a refused connection -----------------------------------------

/**
 * `-m down:x,gpt-4o`, whose first provider refuses the connection, beside
 * `-m gpt-4o` alone, alternating: the difference is what falling back costs
 * beyond the second request.
 */
const fallbackCommand = project_installed ?? project_run;
const refusing = (() => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr;
  listener.close();
  return port;
})();
const fallbackConfig = `${DATA_ENV.XDG_DATA_HOME}/fallback.toml`;
Deno.writeTextFileSync(
  fallbackConfig,
  `[providers.down]\nbase_url = "http://127.0.0.1:${refusing}/v1"\n`,
  { mode: 0o600 },
);
const fallbackArgs = fallbackCommand === project_run
  ? ["run", ...launched({ GPT4O_CONFIG: fallbackConfig }), "main.ts"]
  : fallbackCommand.args;
const direct = {
  ...fallbackCommand,
  name: "-m gpt-4o",
  args: [...fallbackArgs, "-m", "gpt-4o"],
  env: { GPT4O_CONFIG: fallbackConfig },
};
const fellBack = {
  ...direct,
  name: "-m down:x,gpt-4o (down refuses)",
  args: [...fallbackArgs, "-m", "down:x,gpt-4o"],
};
const fallbackTimes = await alternate(
  [direct, fellBack],
  server.url("ok"),
  `${ANSWER}\n`,
);
const extra = median(
  fallbackTimes.get(fellBack.name)!.map((time, i) =>
    time - fallbackTimes.get(direct.name)![i]
  ),
);
console.log(
  `\nFalling back after a refused connection (${
    fallbackCommand === project_installed ? "installed gpt4o" : "main.ts"
  }): ${ms(median(fallbackTimes.get(fellBack.name)!))} against ` +
    `${ms(median(fallbackTimes.get(direct.name)!))} asking the second ` +
    `alone; it adds a median ${ms(extra)} (target: at most 50 ms): ` +
    `${extra <= 50 ? "met" : "NOT met"}.`,
);

// --- a 20,000-chunk stream --------------------------------------------------------

const chunks = quick ? 2_000 : 20_000;
const streamProject = deno("project: --stream", [
  "run",
  ...TASK_FLAGS,
  "main.ts",
  "--stream",
]);
const streamFloor = deno("bare fetch + SSE split + JSON.parse loop", [
  "run",
  "--allow-net",
  "--allow-env",
  "bench/fetch_stream.ts",
]);
const streamInstalled = project_installed
  ? {
    ...project_installed,
    name: "installed gpt4o: --stream",
    args: ["--stream"],
  }
  : undefined;
const streamSdk = deno("bare SDK stream loop (Deno)", [
  "run",
  "--allow-net",
  "--allow-env",
  "bench/sdk_stream.ts",
]);
const streamCommands = [streamProject, streamSdk, streamFloor];
if (streamInstalled) streamCommands.splice(1, 0, streamInstalled);
const streamed = await alternate(
  streamCommands,
  server.url("stream-chunks", chunks),
  `${"word ".repeat(chunks)}\n`,
);
console.log(
  `\nA ${chunks.toLocaleString("en")}-chunk stream, whole process:\n`,
);
console.log(table(
  ["command", "median", "× SDK loop", "× fetch loop"],
  streamCommands.map(({ name }) => [
    name,
    ms(median(streamed.get(name)!)),
    x(medianRatio(streamed.get(name)!, streamed.get(streamSdk.name)!)),
    x(medianRatio(streamed.get(name)!, streamed.get(streamFloor.name)!)),
  ]),
));

// --- delta-to-stdout latency ------------------------------------------------------

/** The lines a child prints, each with the time (by `now()`) it arrived. */
async function* stampedLines(stdout: ReadableStream<Uint8Array>) {
  let pending = "";
  const decoder = new TextDecoderStream() as TransformStream<
    Uint8Array,
    string
  >;
  for await (const text of stdout.pipeThrough(decoder)) {
    const arrived = now();
    const lines = (pending + text).split("\n");
    pending = lines.pop()!;
    for (const line of lines) yield { line, arrived };
  }
}

const deltas = 40;
const delays: number[] = [];
let lost = 0;
for (let round = 0; round < (quick ? 1 : 5); round++) {
  const child = new Deno.Command("deno", {
    args: ["run", ...TASK_FLAGS, "main.ts", "--stream"],
    cwd: root,
    env: projectEnv(server.url("stream-timed", deltas)),
    stdin: "null",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  let received = 0;
  for await (const { line, arrived } of stampedLines(child.stdout)) {
    if (!line) continue;
    delays.push(arrived - Number(line));
    received++;
  }
  await child.status;
  lost += deltas - received;
}
console.log(
  `\nDelta to stdout, ${deltas} deltas 25 ms apart (${delays.length} seen): ` +
    `median ${ms(median(delays))} (${x(median(delays) / 25)} the gap), ` +
    `worst ${ms(Math.max(...delays))} (${x(Math.max(...delays) / 25)}), ` +
    `${lost} lost.`,
);

// --- chat: delta to stdout, and Enter to request -----------------------------------

/**
 * The project with stdin piped, as a script drives it: `--chat` takes every
 * line as a turn; the one-shot mode reads stdin to its end, then asks. Its
 * stdout must be the timed deltas of `stream-timed`; a child that hangs is
 * stopped after a minute, and one that fails fails the bench.
 */
function piped(name: string, args: string[], baseURL: string) {
  const child = new Deno.Command("deno", {
    args: ["run", ...TASK_FLAGS, "main.ts", ...args],
    cwd: root,
    env: projectEnv(baseURL),
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(60_000),
  }).spawn();
  const stdin = child.stdin.getWriter();
  const stderr = new Response(child.stderr).text();
  const lines = stampedLines(child.stdout);
  const fail = async (what: string) => {
    const { code } = await child.status;
    return new Error(
      `${name} failed (exit ${code}): ${(await stderr).trim() || what}`,
    );
  };
  return {
    /** Writes `text`; returns when (by `now()`) it began to be written. */
    async write(text: string): Promise<number> {
      const written = now();
      await stdin.write(new TextEncoder().encode(text));
      return written;
    },
    /** Closes stdin; returns when (by `now()`) it began to close. */
    async close(): Promise<number> {
      const closed = now();
      await stdin.close();
      return closed;
    },
    /**
     * The next delta: the time it was sent and the time it arrived. The
     * blank line that parts one piped answer from the next is passed over.
     */
    async delta(): Promise<{ sent: number; arrived: number }> {
      let { done, value } = await lines.next();
      while (!done && value?.line === "") {
        ({ done, value } = await lines.next());
      }
      const sent = Number(value?.line || NaN);
      if (done || Number.isNaN(sent)) {
        throw await fail(`printed ${JSON.stringify(value?.line)}, no delta`);
      }
      return { sent, arrived: value!.arrived };
    },
    /** Waits for the exit; fails unless it was 0 with nothing more printed. */
    async end(): Promise<void> {
      const rest = (await Array.fromAsync(lines)).map(({ line }) => line);
      const { code } = await child.status;
      if (code !== 0 || rest.some(Boolean)) {
        throw await fail(`it printed ${JSON.stringify(rest)} at the end`);
      }
    },
  };
}

const turns = quick ? 4 : 7;
const turnDeltas = 10;
/**
 * How long the program is left alone before a line is written (or stdin
 * closed): enough to start, or to finish the previous turn, as a user's
 * typing allows.
 */
const idle = 500;
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** When the latest request of `stream-timed` had arrived whole at the server. */
const lastArrival = () => server.arrived.get("stream-timed")!.at(-1)!;

/**
 * The one-shot mode's request set-up: the program is given a line, left
 * `idle` ms to start and wait for the rest of stdin, and then stdin closes.
 * Returns the milliseconds from the close to the request's arrival.
 */
async function oneShotSetUp(): Promise<number> {
  const url = server.url("stream-timed", 1);
  const oneShot = piped("one-shot --stream", ["--stream"], url);
  await oneShot.write("turn 1\n");
  await delay(idle);
  const closed = await oneShot.close();
  await oneShot.delta();
  await oneShot.end();
  return lastArrival() - closed;
}

const chatDelays: number[] = [];
const enterToRequest: number[] = [];
const closeToRequest: number[] = [];
for (let round = 0; round < (quick ? 1 : 5); round++) {
  const chat = piped(
    "--chat",
    ["--chat"],
    server.url("stream-timed", turnDeltas),
  );
  for (let turn = 1; turn <= turns; turn++) {
    // A one-shot run beside each warm turn, so that both share the moment.
    if (turn > 1) closeToRequest.push(await oneShotSetUp());
    await delay(idle);
    const entered = await chat.write(`turn ${turn}\n`);
    for (let i = 0; i < turnDeltas; i++) {
      const { sent, arrived } = await chat.delta();
      chatDelays.push(arrived - sent);
    }
    if (turn > 1) enterToRequest.push(lastArrival() - entered);
  }
  await chat.close();
  await chat.end();
}
const worst = (values: number[]) => Math.max(...values);
/** A difference with its sign, e.g. `+0.4 ms`. */
const plus = (value: number) =>
  `${Number(value.toFixed(1)) < 0 ? "−" : "+"}${ms(Math.abs(value))}`;
console.log(
  `\nChat (--chat, stdin piped): ${turns} turns of ${turnDeltas} deltas 25 ms ` +
    `apart per process, each line written ${idle} ms after the previous ` +
    `answer; beside the one-shot mode in the same run:\n`,
);
console.log(table(
  [
    "from → to",
    "chat median",
    "chat worst",
    "one-shot median",
    "one-shot worst",
    "chat − one-shot",
  ],
  [
    [
      `delta sent → stdout (${chatDelays.length} and ${delays.length} deltas)`,
      ms(median(chatDelays)),
      ms(worst(chatDelays)),
      ms(median(delays)),
      ms(worst(delays)),
      plus(median(chatDelays) - median(delays)),
    ],
    [
      `line written (one-shot: stdin closed) → request in ` +
      `(turns 2–${turns}, ${enterToRequest.length} of each)`,
      ms(median(enterToRequest)),
      ms(worst(enterToRequest)),
      ms(median(closeToRequest)),
      ms(worst(closeToRequest)),
      plus(median(enterToRequest) - median(closeToRequest)),
    ],
  ],
));
const met = (ok: boolean) => ok ? "met" : "NOT met";
const setUpBeyond = median(enterToRequest) - median(closeToRequest);
console.log(
  `\nTargets: chat delta to stdout, median within 5 ms: ` +
    `${met(median(chatDelays) <= 5)}; Enter to request within 5 ms beyond ` +
    `the one-shot's set-up: ${met(setUpBeyond <= 5)}.`,
);

// --- a long piped chat: does a turn cost more as the conversation grows? -----------

/**
 * A piped chat of `count` turns, every line written at once, against a server
 * that answers at once: the gap between one request's arrival and the next is
 * the program's own work for a turn (printing the answer, saving it, sending
 * the next with all the earlier turns). Runs the installed command when there
 * is one, as a script would.
 */
async function longChat(count: number): Promise<number[]> {
  const lines = Array.from({ length: count }, (_, i) => `turn ${i + 1}\n`);
  const before = server.arrived.get("echo")?.length ?? 0;
  const [cmd, args] = shim
    ? [shim, ["--chat"]]
    : ["deno", ["run", ...TASK_FLAGS, "main.ts", "--chat"]];
  const child = new Deno.Command(cmd, {
    args,
    cwd: root,
    env: projectEnv(server.url("echo")),
    stdin: "piped",
    stdout: "null",
    stderr: "piped",
    signal: AbortSignal.timeout(120_000),
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(lines.join("")));
  await writer.close();
  const [{ code }, stderr] = await Promise.all([
    child.status,
    new Response(child.stderr).text(),
  ]);
  const arrived = server.arrived.get("echo")!.slice(before);
  if (code !== 0 || arrived.length !== count) {
    throw new Error(
      `a ${count}-turn chat failed (exit ${code}, ${arrived.length} turns ` +
        `sent): ${stderr.trim()}`,
    );
  }
  return arrived.slice(1).map((at, i) => at - arrived[i]);
}
const chatTurns = quick ? 40 : 200;
const gaps = await longChat(chatTurns);
const firstGaps = median(gaps.slice(0, 20));
const lastGaps = median(gaps.slice(-20));
console.log(
  `\nA ${chatTurns}-turn piped chat (${
    shim ? "installed gpt4o" : "main.ts"
  }, ` +
    `all lines at once, answers at once): a turn's own work, request to ` +
    `request, median of the first 20 ${ms(firstGaps)}, of the last 20 ` +
    `${ms(lastGaps)} (${x(lastGaps / firstGaps)}).`,
);

// --- rendering at a terminal ------------------------------------------------------

/** Whether util-linux's `script` is here, to give the program a terminal. */
const hasScript = await (async () => {
  try {
    const { success } = await new Deno.Command("script", {
      args: ["--version"],
      stdout: "null",
    }).output();
    return success && Deno.build.os === "linux";
  } catch {
    return false; // not installed
  }
})();

/**
 * Runs `command` in a pseudo-terminal (`script`), colors on, 80 columns,
 * and watches what reaches the screen: each time stamp (as the stamped
 * scenarios send them) the first time it shows, and the run's time and peak
 * memory. Unless `watch`, the screen goes to /dev/null: the bench, which
 * also serves the answer, spends nothing reading it. Fails unless the
 * program exits 0.
 */
async function atTerminal(
  command: Command,
  baseURL: string,
  { watch = true } = {},
) {
  const env: Record<string, string> = {
    ...Deno.env.toObject(),
    ...projectEnv(baseURL),
    TERM: "xterm-256color",
    ...command.env,
  };
  delete env.NO_COLOR;
  const quote = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;
  const started = performance.now();
  const child = new Deno.Command("script", {
    args: [
      "-qfec",
      // A prompt: the gpt4o command alone at a terminal opens the chat.
      `exec ${[command.cmd, ...command.args, "Hi"].map(quote).join(" ")}`,
      "/dev/null",
    ],
    cwd: root,
    clearEnv: true,
    env,
    stdin: "piped",
    stdout: watch ? "piped" : "null",
    stderr: "null",
  }).spawn();
  const peak = watchPeakMemory(child.pid, { child: true });
  const seen = new Map<string, number>();
  let screen = "";
  let bytes = 0;
  const decoder = new TextDecoderStream() as TransformStream<
    Uint8Array,
    string
  >;
  const screenText = watch ? child.stdout.pipeThrough(decoder) : [];
  for await (const text of screenText) {
    const arrived = now();
    bytes += text.length;
    // Keep only the end: a stamp may be split across two reads.
    screen = screen.slice(-32) + text;
    for (const [stamp] of screen.matchAll(/\d{13}\.\d{3}/g)) {
      if (!seen.has(stamp)) seen.set(stamp, arrived);
    }
  }
  const { code } = await child.status;
  const ms = performance.now() - started;
  await child.stdin.close().catch(() => {});
  if (code !== 0) {
    throw new Error(`${command.name} at a terminal failed (exit ${code})`);
  }
  const delays = [...seen].map(([stamp, arrived]) => arrived - Number(stamp));
  return { ms, delays, bytes, peakKiB: await peak.stop() };
}

const shown = project_installed ?? project_run;
const rendered = (args: string[], name = args.join(" ")): Command => ({
  ...shown,
  name,
  args: [...shown.args, ...args],
});
if (!hasScript) {
  console.log("\nRendering at a terminal: skipped (`script` is not here).");
} else {
  const pacedDelays: number[] = [];
  const markdownDelays: number[] = [];
  const lines = quick ? 200 : 2_000;
  for (let round = 0; round < (quick ? 1 : 3); round++) {
    const paced = await atTerminal(
      rendered(["--stream"]),
      server.url("stream-timed", deltas),
    );
    pacedDelays.push(...paced.delays);
    const markdown = await atTerminal(
      rendered(["--stream"]),
      server.url("markdown-timed", lines),
    );
    markdownDelays.push(...markdown.delays);
  }
  const rounds = quick ? 1 : 3;
  const markdownStamps = Array.from({ length: lines }, (_, i) => i)
    .filter((i) => ![1, 3, 6, 7, 8, 11, 12, 14, 15, 17].includes(i % 18))
    .length;
  console.log(
    `\nRendering at a terminal (${
      shown === project_installed ? "installed gpt4o" : "main.ts"
    } --stream in a pseudo-terminal, colors on, 80 columns): from a ` +
      "delta's sending to its text on the screen:\n",
  );
  const row = (name: string, delays: number[], expected: number) => [
    name,
    `${delays.length} of ${expected}`,
    ms(median(delays)),
    ms(worst(delays)),
    met(
      median(delays) <= 5 && worst(delays) <= 20 &&
        delays.length === expected,
    ),
  ];
  console.log(table(
    ["stream", "seen", "median", "worst", "target: ≤ 5 ms, worst ≤ 20 ms"],
    [
      row(
        `${deltas} deltas 25 ms apart`,
        pacedDelays,
        deltas * rounds,
      ),
      row(
        `a ${lines.toLocaleString("en")}-line markdown answer, tables and ` +
          "code, a line every 2 ms",
        markdownDelays,
        markdownStamps * rounds,
      ),
    ],
  ));

  // Rendering against printing raw, the same 1 MiB answer, alternating.
  const big = server.url("markdown-big", 1024 * 1024);
  const [renderTimes, rawTimes] = [[] as number[], [] as number[]];
  for (let round = 0; round < (quick ? 1 : 5); round++) {
    const quiet = { watch: false };
    renderTimes.push(
      (await atTerminal(rendered(["--stream"]), big, quiet)).ms,
    );
    rawTimes.push(
      (await atTerminal(rendered(["--stream", "--raw"]), big, quiet)).ms,
    );
  }
  const cost = medianRatio(renderTimes, rawTimes);
  console.log(
    `\nA 1 MiB markdown answer in 5-character deltas, whole run in a ` +
      `pseudo-terminal: rendered ${ms(median(renderTimes))}, --raw ` +
      `${ms(median(rawTimes))}: ${x(cost)} (target: at most 2×): ` +
      `${met(cost <= 2)}.`,
  );

  // Memory rendering a long answer: the document of `markdown-big` (past
  // the renderer's limit of 4 Mi characters, the rest is plain text).
  const renderSizes = quick ? [1, 4] : [1, 50];
  const renderPeaks: number[] = [];
  for (const mib of renderSizes) {
    const { peakKiB } = await atTerminal(
      rendered(["--stream"]),
      server.url("markdown-big", mib * 1024 * 1024),
    );
    renderPeaks.push(peakKiB);
  }
  const growth = renderPeaks.at(-1)! / renderPeaks[0];
  console.log(
    `\nPeak RSS rendering a markdown answer at a terminal (plain text ` +
      `past 4 Mi characters): ` +
      renderSizes.map((mib, i) => `${mib} MiB ${mibOf(renderPeaks[i])}`)
        .join(", ") +
      ` (${x(growth)}; target: at most 1.5×): ${met(growth <= 1.5)}.`,
  );
}

// --- attachments -------------------------------------------------------------------

{
  // A 20 MB image (a PNG's signature, then bytes that do not compress) and
  // 20 MB of plain text, sent by the same command.
  const size = 20 * 1000 * 1000;
  const image = `${DATA_ENV.XDG_DATA_HOME}/big.png`;
  const png = new Uint8Array(size).map((_, i) => (i * 7919 + (i >> 9)) % 251);
  png.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  Deno.mkdirSync(DATA_ENV.XDG_DATA_HOME, { recursive: true });
  Deno.writeFileSync(image, png);
  const text = new TextEncoder().encode(
    "A case reaches the Court by appeal. ".repeat(size / 36 + 1).slice(0, size),
  );
  const asked = (args: string[], name: string): Command => ({
    ...shown,
    name,
    args: [...shown.args, ...args],
  });
  const plain = asked(["Hi"], "no attachment");
  const attached = asked(["-a", image, "What is this?"], "-a the image");
  const pasted = asked(["Read this:"], "the text on stdin");
  const url = server.url("ok");
  /** From the start of the run to the request's arrival, whole, at the server. */
  const leaves = async (command: Command, stdin?: Uint8Array) => {
    const started = now();
    const outcome = await time(command, url, `${ANSWER}\n`, stdin);
    return { ...outcome, leftMs: server.arrived.get("ok")!.at(-1)! - started };
  };
  const [base, image20, text20] = [[], [], []] as {
    peakKiB: number;
    leftMs: number;
  }[][];
  for (let round = 0; round < (quick ? 1 : 5); round++) {
    base.push(await leaves(plain));
    image20.push(await leaves(attached));
    text20.push(await leaves(pasted, text));
  }
  const peak = (runs: { peakKiB: number }[]) =>
    median(runs.map((run) => run.peakKiB));
  const left = (runs: { leftMs: number }[]) =>
    median(runs.map((run) => run.leftMs));
  const above = (peak(image20) - peak(base)) / (size / 1024);
  const slower = left(image20) / left(text20);
  console.log(
    `\nA 20 MB image with -a (${
      shown === project_installed ? "installed gpt4o" : "main.ts"
    }, saved to the history): peak RSS ${mibOf(peak(image20))} against ` +
      `${mibOf(peak(base))} with no attachment, ${x(above)} the file's size ` +
      `above it (target: at most 3×): ${met(above <= 3)}; the request is ` +
      `at the server ${ms(left(image20))} after the start, against ` +
      `${ms(left(text20))} for 20 MB of text on stdin: ${x(slower)} ` +
      `(target: at most 1.5×): ${met(slower <= 1.5)}.`,
  );
}

// --- tools -------------------------------------------------------------------------

{
  // One sandboxed server, the filesystem server from npm, granted a folder
  // with one note; the test server plays a model that reads it, round after
  // round, before it answers.
  const notes = `${DATA_ENV.XDG_DATA_HOME}/notes`;
  Deno.mkdirSync(notes, { recursive: true });
  Deno.writeTextFileSync(`${notes}/court.md`, "Certiorari is granted.\n");
  const config = `${DATA_ENV.XDG_DATA_HOME}/tools.toml`;
  Deno.writeTextFileSync(
    config,
    `[mcp.files]\nmodule = "npm:@modelcontextprotocol/server-filesystem@2026.8.31"\n` +
      `args = ["${notes}"]\nallow_read = ["${notes}"]\n`,
  );
  const rounds = 5;
  const prompt = JSON.stringify({
    calls: [{
      name: "read_text_file",
      arguments: { path: `${notes}/court.md` },
    }],
    rounds,
  });
  // The note's text ends its line: so does the answer.
  const answer = `The tools said: ${
    Array(rounds).fill("Certiorari is granted.\n").join(" | ")
  }`;
  const withTools: Command = {
    ...shown,
    name: "-T files",
    args: [...shown.args, "-T", "files", "--yes", prompt],
    env: { GPT4O_CONFIG: config },
  };
  const without: Command = {
    ...shown,
    name: "no tools",
    args: [...shown.args, prompt],
    env: { GPT4O_CONFIG: config },
  };
  // The server by itself: started as the program starts it, asked to
  // initialize, then its input closed.
  const alone: Command = {
    name: "the server alone",
    cmd: "deno",
    args: [
      "run",
      "--no-prompt",
      "--no-config",
      "--quiet",
      "--ignore-env",
      "--cached-only",
      `--allow-read=${notes}`,
      "npm:@modelcontextprotocol/server-filesystem@2026.8.31",
      notes,
    ],
  };
  const initialize = new TextEncoder().encode(
    JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: {
        protocolVersion: "2025-06-18",
        capabilities: {},
        clientInfo: { name: "bench", version: "1" },
      },
    }) + "\n",
  );
  const serverAlone: number[] = [];
  const url = server.url("tools");
  const first: number[] = [];
  const plainFirst: number[] = [];
  const perRound: number[] = [];
  for (let round = 0; round < (quick ? 3 : 11); round++) {
    let started = now();
    await time(without, url, "The tools said: \n");
    plainFirst.push(server.arrived.get("tools")!.at(-1)! - started);
    started = now();
    await time(withTools, url, answer);
    const arrived = server.arrived.get("tools")!.slice(-(rounds + 1));
    first.push(arrived[0] - started);
    perRound.push((arrived[rounds] - arrived[0]) / rounds);
    serverAlone.push((await time(alone, url, undefined, initialize)).ms);
  }
  const trip = median(perRound);
  console.log(
    `\nTools (${
      shown === project_installed ? "installed gpt4o" : "main.ts"
    }, one sandboxed server: the filesystem server from npm): the first ` +
      `request reaches the server ${ms(median(first))} after the start, ` +
      `server start included, against ${ms(median(plainFirst))} without ` +
      `tools (the server by itself, started and initialized: ` +
      `${
        ms(median(serverAlone))
      }); one round trip (the model's call answered, read_text_file of ` +
      `a one-line note, the next request sent) takes ${ms(trip)} ` +
      `(median of ${rounds}-round runs; target: at most 50 ms): ` +
      `${met(trip <= 50)}.`,
  );
}

// --- a big tool result --------------------------------------------------------------

{
  // The test tool server, sandboxed, answers one call with 20 MB, or with
  // 1 KB: the whole run's time and peak memory, side by side.
  const config = `${DATA_ENV.XDG_DATA_HOME}/big_tool.toml`;
  Deno.writeTextFileSync(
    config,
    `[mcp.t]\nmodule = "${root}testdata/mcp_server.ts"\n`,
  );
  const big = 20_000_000;
  const called = (bytes: number): Command => ({
    ...shown,
    name: `a ${bytes}-byte result`,
    args: [
      ...shown.args,
      "-T",
      "t",
      "--yes",
      JSON.stringify({ calls: [{ name: "big", arguments: { bytes } }] }),
    ],
    env: { GPT4O_CONFIG: config },
  });
  // The model reads the first 100,000 characters, and a note.
  const answer = (bytes: number) =>
    `The tools said: ${"b".repeat(Math.min(bytes, 100_000))}${
      bytes > 100_000 ? `\n[… ${bytes - 100_000} more characters left out]` : ""
    }\n`;
  const url = server.url("tools");
  const [small, large] = [[], []] as Outcome[][];
  for (let round = 0; round < (quick ? 1 : 5); round++) {
    small.push(await time(called(1_000), url, answer(1_000)));
    large.push(await time(called(big), url, answer(big)));
  }
  const timeRatio = medianRatio(
    large.map((run) => run.ms),
    small.map((run) => run.ms),
  );
  const peak = (runs: Outcome[]) => median(runs.map((run) => run.peakKiB));
  console.log(
    `\nA 20 MB tool result (${
      shown === project_installed ? "installed gpt4o" : "main.ts"
    }, the test tool server, sandboxed): the whole run takes ` +
      `${ms(median(large.map((run) => run.ms)))} against ` +
      `${ms(median(small.map((run) => run.ms)))} for a 1 KB one ` +
      `(${x(timeRatio)}), and peaks at ${mibOf(peak(large))} against ` +
      `${mibOf(peak(small))} (${x(peak(large) / peak(small))}).`,
  );
}

// --- the first run on an empty Deno cache ------------------------------------------

/** Every file under `dir`: how many bytes they take. */
function bytesUnder(dir: string): number {
  let total = 0;
  for (const entry of Deno.readDirSync(dir)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) total += bytesUnder(path);
    else if (entry.isFile) total += Deno.statSync(path).size;
  }
  return total;
}

/** The npm packages a cache holds: name@version folders, scoped ones too. */
function packagesIn(npm: string): number {
  let count = 0;
  const versions = (dir: string) =>
    [...Deno.readDirSync(dir)].filter((each) => each.isDirectory).length;
  for (const entry of Deno.readDirSync(npm)) {
    if (!entry.isDirectory) continue;
    const path = `${npm}/${entry.name}`;
    count += entry.name.startsWith("@")
      ? [...Deno.readDirSync(path)].filter((each) => each.isDirectory)
        .reduce((n, each) => n + versions(`${path}/${each.name}`), 0)
      : versions(path);
  }
  return count;
}

{
  // What a new user's first `deno task start` fetches: a cache of its own,
  // the network as the user's environment reaches it.
  const fresh = `${DATA_ENV.XDG_DATA_HOME}/fresh-deno-dir`;
  await Deno.remove(fresh, { recursive: true }).catch(() => {});
  const started = performance.now();
  const { code, stderr } = await new Deno.Command("deno", {
    args: ["task", "--quiet", "start", "--version"],
    cwd: root,
    env: { DENO_DIR: fresh, NO_COLOR: "1" },
    stdout: "null",
    stderr: "piped",
  }).output();
  const seconds = (performance.now() - started) / 1000;
  if (code !== 0) {
    console.log(
      `\nFirst deno task start on an empty Deno cache: not measured (${
        new TextDecoder().decode(stderr).trim().split("\n").at(-1) ??
          `exit ${code}`
      }).`,
    );
  } else {
    const npm = `${fresh}/npm/registry.npmjs.org`;
    console.log(
      `\nFirst deno task start on an empty Deno cache: ${
        packagesIn(npm)
      } npm packages, ${(bytesUnder(fresh) / 1e6).toFixed(1)} MB in the ` +
        `cache, ${seconds.toFixed(1)} s.`,
    );
  }
  await Deno.remove(fresh, { recursive: true }).catch(() => {});
}

// --- peak memory -------------------------------------------------------------------

const sizes = quick ? [1, 8] : [1, 50, 200];
/** Median peak RSS in KiB of `command` streaming an answer of `mib` MiB. */
async function peakOf(command: Command, mib: number): Promise<number> {
  const bytes = mib * 1024 * 1024;
  const expected = `${PIECE.repeat(bigCount(bytes))}\n`;
  const samples = [];
  for (let round = 0; round < (quick ? 1 : 3); round++) {
    const { peakKiB } = await time(command, server.url("big", bytes), expected);
    samples.push(peakKiB);
  }
  return median(samples);
}
const peaks: [number, number][] = [];
for (const mib of sizes) {
  peaks.push([await peakOf(streamProject, mib), await peakOf(streamSdk, mib)]);
}
console.log("\nPeak RSS streaming an answer (VmHWM, sampled every 10 ms):\n");
console.log(table(
  ["answer", "project", "× 1 MiB", "bare SDK loop", "× 1 MiB"],
  sizes.map((mib, i) => [
    `${mib} MiB`,
    mibOf(peaks[i][0]),
    peaks[i][0] ? x(peaks[i][0] / peaks[0][0]) : "not measured",
    mibOf(peaks[i][1]),
    peaks[i][1] ? x(peaks[i][1] / peaks[0][1]) : "not measured",
  ]),
));

// --- gpt4o --serve ------------------------------------------------------------------

await serveBench({
  command: project_installed?.cmd ?? "deno",
  args: project_installed
    ? []
    : ["run", ...launched({}, ["--serve"]), "main.ts"],
  env: projectEnv,
  upstream: server,
  cwd: root,
  quick,
});
// --- the danger check of a shell command ------------------------------------------

await dangerBench({ quick });

// --- the history at scale ----------------------------------------------------------

if (project_installed) {
  await historyScale({
    command: project_installed.cmd,
    dir: DATA_ENV.XDG_DATA_HOME,
    baseURL: server.url("ok"),
    answer: `${ANSWER}\n`,
    runs: quick ? 3 : 11,
    quick,
  });
} else {
  console.log("\nThe history at scale: not measured (no installed gpt4o).");
}

await Deno.remove(DATA_ENV.XDG_DATA_HOME, { recursive: true }).catch(() => {});
