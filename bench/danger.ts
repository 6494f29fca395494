/**
 * The danger check of a shell command, for `deno task bench`: the time it
 * takes a command of its test sets once the parser is loaded (median and
 * p99; the target is under 5 ms), and how long loading `src/shell/danger.ts`
 * and its parser takes in a fresh process.
 *
 * `deno run bench/danger.ts --load` is that fresh process: it prints the
 * milliseconds of the import. Nothing here imports the check statically, so
 * that the import is timed from nothing.
 *
 * @module
 */
import { DESTRUCTIVE, EVERYDAY } from "../testdata/shell/sets.ts";
import { median, percentile } from "./stats.ts";

/** The target of the issue: a check under 5 ms a command. */
const TARGET_MS = 5;

/** How long the import of the check takes in this process. */
async function loadMs(): Promise<number> {
  const started = performance.now();
  await import("../src/shell/danger.ts");
  return performance.now() - started;
}

if (import.meta.main && Deno.args[0] === "--load") {
  console.log((await loadMs()).toFixed(3));
}

/** Prints the danger check's row. */
export async function dangerBench(
  { quick }: { quick: boolean },
): Promise<void> {
  const root = new URL("..", import.meta.url).pathname;
  const loads = [];
  for (let round = 0; round < (quick ? 3 : 11); round++) {
    const { code, stdout, stderr } = await new Deno.Command("deno", {
      args: ["run", "--cached-only", "--quiet", "bench/danger.ts", "--load"],
      cwd: root,
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (code !== 0) {
      throw new Error(
        `bench/danger.ts --load failed (exit ${code}): ${
          new TextDecoder().decode(stderr).trim()
        }`,
      );
    }
    loads.push(Number(new TextDecoder().decode(stdout)));
  }

  const { dangerOf } = await import("../src/shell/danger.ts");
  const commands = [...DESTRUCTIVE, ...EVERYDAY];
  // Warm up: the first calls compile the code.
  for (const command of commands) dangerOf(command, "bash");
  const times: number[] = [];
  const rounds = quick ? 3 : 20;
  for (let round = 0; round < rounds; round++) {
    for (const command of commands) {
      const started = performance.now();
      dangerOf(command, "bash");
      times.push(performance.now() - started);
    }
  }
  const p99 = percentile(times, 0.99);
  console.log(
    `\nThe danger check of a shell command (src/shell/danger.ts, ` +
      `${commands.length} commands of testdata/shell/, ${rounds} rounds): ` +
      `${median(times).toFixed(3)} ms a command (median), ` +
      `${p99.toFixed(3)} ms at p99, the slowest ` +
      `${Math.max(...times).toFixed(3)} ms (target: under ${TARGET_MS} ms: ` +
      `${p99 < TARGET_MS ? "met" : "NOT met"}). Loading it and its parser ` +
      `takes ${median(loads).toFixed(1)} ms (median of ${loads.length} fresh ` +
      "processes); a run that does not check a command never loads it.",
  );
}
