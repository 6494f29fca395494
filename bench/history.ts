/**
 * The history at scale, for `deno task bench`: a generated history of
 * 100,000 conversations (200,000 turns of realistic length; 10,000 in
 * `--quick`), and the installed command's `--history`, `--search` and
 * one-shot save on it, side by side with an empty history in the same run;
 * the database's size per 1,000 conversations, and `--import`'s rate.
 *
 * @module
 */
import { History } from "../src/history/store.ts";
import type { Exchange } from "../src/history/conversation.ts";
import { median, medianRatio, table } from "./stats.ts";

/** What the scale rows need from the bench: a command to time, and how. */
export interface ScaleBench {
  /** The installed gpt4o. */
  command: string;
  /** A folder of the bench's own for the databases. */
  dir: string;
  /** The local server's URL that answers a one-shot question. */
  baseURL: string;
  /** The one-shot's answer, as printed. */
  answer: string;
  runs: number;
  quick: boolean;
}

/** A seeded generator, so that every run builds the same history. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Words as text has them: a few very common, most rare (Zipf), from a
 * vocabulary of 20,000; `court` and `certiorari` among them, at known
 * ranks, for the search to find.
 */
function wordsOf(next: () => number) {
  const common = (
    "the of and to a in is that for it as with was on be by this are or " +
    "from at an which can have not but they you more their has one will " +
    "court case law appeal judge state federal rights review decision"
  ).split(" ");
  const vocabulary = [...common];
  for (let i = vocabulary.length; i < 20_000; i++) {
    let word = "";
    for (let n = 3 + Math.floor(next() * 7); n > 0; n--) {
      word += "abcdefghijklmnopqrstuvwxyz"[Math.floor(next() * 26)];
    }
    vocabulary.push(word);
  }
  vocabulary[5_000] = "certiorari";
  return (count: number) => {
    const words = [];
    for (let i = 0; i < count; i++) {
      // Zipf: the rank's chance falls as 1/rank.
      const rank = Math.floor(Math.exp(next() * Math.log(vocabulary.length)));
      words.push(vocabulary[Math.min(rank, vocabulary.length) - 1]);
    }
    return words.join(" ");
  };
}

/** `count` conversations of two turns each: a prompt of ~40 words, an answer of ~300. */
export function* conversations(count: number, seed = 1) {
  const next = random(seed);
  const text = wordsOf(next);
  const start = Date.UTC(2024, 0, 1);
  for (let i = 0; i < count; i++) {
    const at = new Date(start + i * 60_000 * 7);
    const turn = (): Exchange => ({
      system: "You are a helpful assistant.",
      prompt: `${text(20 + Math.floor(next() * 40))}?`,
      model: "gpt-4o",
      endpoint: "api.openai.com/v1",
      answer: text(150 + Math.floor(next() * 300)),
      outcome: "answered",
      started: at,
      finished: at,
      usage: { prompt_tokens: 120, completion_tokens: 400, total_tokens: 520 },
    });
    yield { title: "", turns: [turn(), turn()] };
  }
}

/** Runs the installed command to its end; fails loudly unless it exits 0. */
async function timed(
  bench: ScaleBench,
  args: string[],
  history: string,
): Promise<number> {
  const started = performance.now();
  const { code, stderr } = await new Deno.Command(bench.command, {
    args,
    env: {
      OPENAI_BASE_URL: bench.baseURL,
      OPENAI_API_KEY: "sk-bench",
      NO_COLOR: "1",
      GPT4O_CONFIG: "off",
      GPT4O_HISTORY: history,
    },
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).output();
  const ms = performance.now() - started;
  if (code !== 0) {
    throw new Error(
      `gpt4o ${args.join(" ")} failed (exit ${code}): ${
        new TextDecoder().decode(stderr).trim()
      }`,
    );
  }
  return ms;
}

/** Prints the scale rows. */
export async function historyScale(bench: ScaleBench): Promise<void> {
  const count = bench.quick ? 10_000 : 100_000;
  const empty = `${bench.dir}/empty.db`;
  const full = `${bench.dir}/full.db`;
  for (const path of [empty, full]) {
    await Deno.remove(path).catch(() => {});
    History.open(path).close();
  }
  // The big history, built in batches of one transaction each.
  const built = performance.now();
  {
    using history = History.open(full);
    let batch = [];
    for (const conversation of conversations(count)) {
      batch.push(conversation);
      if (batch.length === 1000) {
        history.import(batch);
        batch = [];
      }
    }
    if (batch.length) history.import(batch);
  }
  const buildSeconds = (performance.now() - built) / 1000;
  const size = Deno.statSync(full).size;

  // --import's rate, through the installed command: an export of its own.
  const sample = bench.quick ? 1_000 : 5_000;
  const exportFile = `${bench.dir}/export.json`;
  {
    const sampleDb = `${bench.dir}/sample.db`;
    await Deno.remove(sampleDb).catch(() => {});
    {
      using history = History.open(sampleDb);
      history.import([...conversations(sample, 2)]);
    }
    const file = await Deno.open(exportFile, {
      write: true,
      create: true,
      truncate: true,
    });
    const child = new Deno.Command(bench.command, {
      args: ["--export"],
      env: { GPT4O_HISTORY: sampleDb, GPT4O_CONFIG: "off", NO_COLOR: "1" },
      stdout: "piped",
      stderr: "null",
    }).spawn();
    await child.stdout.pipeTo(file.writable);
    if (!(await child.status).success) throw new Error("--export failed");
    await Deno.remove(sampleDb);
  }
  const importSeconds = [];
  for (let round = 0; round < (bench.quick ? 1 : 3); round++) {
    const into = `${bench.dir}/import.db`;
    await Deno.remove(into).catch(() => {});
    importSeconds.push(
      await timed(bench, ["--import", exportFile], into) / 1000,
    );
    await Deno.remove(into);
  }
  await Deno.remove(exportFile);

  const rows: [string, string[], string][] = [
    ["--history", ["--history"], empty],
    ["--history", ["--history"], full],
    ["--search certiorari", ["--search", "certiorari"], full],
    [
      "--search court appeal (common words)",
      ["--search", "court appeal"],
      full,
    ],
    ['--search "federal court"', ["--search", '"federal court"'], full],
    ["a one-shot question, saved", ["Why?"], empty],
    ["a one-shot question, saved", ["Why?"], full],
  ];
  const times = rows.map(() => [] as number[]);
  for (let round = 0; round < bench.runs; round++) {
    for (let i = 0; i < rows.length; i++) {
      const at = (round + i) % rows.length;
      const [, args, path] = rows[at];
      times[at].push(await timed(bench, args, path));
    }
  }
  const base = times[0];
  const [historyFull, , , , , saveEmpty, saveFull] = times;
  const thousands = count / 1000;
  console.log(
    `\nThe history at scale (installed gpt4o; ${
      count.toLocaleString("en-US")
    } conversations, ${(2 * count).toLocaleString("en-US")} turns of ` +
      `about 40 and 300 words, built in ${buildSeconds.toFixed(1)} s):\n`,
  );
  console.log(table(
    ["command", "history", "median", "× empty --history"],
    rows.map(([name, , path], i) => [
      name,
      path === empty ? "empty" : `${thousands}k conversations`,
      `${median(times[i]).toFixed(1)} ms`,
      `${medianRatio(times[i], base).toFixed(2)}×`,
    ]),
  ));
  const historyRatio = medianRatio(historyFull, base);
  const searchRatio = Math.max(
    ...[2, 3, 4].map((i) => medianRatio(times[i], base)),
  );
  const saveRatio = medianRatio(saveFull, saveEmpty);
  const met = (ok: boolean) => ok ? "met" : "NOT met";
  console.log(
    `\n--history on ${thousands}k conversations: ${
      historyRatio.toFixed(2)
    }× the empty history's (target: at most 1.5×): ${
      met(historyRatio <= 1.5)
    }. ` +
      `The slowest --search: ${searchRatio.toFixed(2)}× the empty ` +
      `--history (target: at most 3×): ${met(searchRatio <= 3)}. A ` +
      `one-shot's save into it: ${saveRatio.toFixed(2)}× a save into the ` +
      `empty one (target: at most 1.2×): ${met(saveRatio <= 1.2)}. The ` +
      `database takes ${(size / thousands / 1e6).toFixed(2)} MB per 1,000 ` +
      `conversations (${(size / 1e6).toFixed(0)} MB in all); --import adds ` +
      `${
        Math.round(sample / median(importSeconds)).toLocaleString("en-US")
      } conversations a second (${sample.toLocaleString("en-US")} ` +
      "exported ones, attachments none).",
  );
  for (const path of [empty, full]) await Deno.remove(path).catch(() => {});
}
