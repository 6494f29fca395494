/**
 * The renderer warmed up while the program waits for the server: samples of
 * every construct rendered into nothing, one per macrotask, so that the
 * first answer's lines find their code compiled (the grammars, the regular
 * expressions).
 *
 * @module
 */

/**
 * A sample of every construct, in small steps (the prose first: an answer
 * begins with it), one per language for code, for {@linkcode warmUpWith}.
 */
export const SAMPLES = [
  "Plain words.\n",
  "# H\n",
  "## H\n",
  "A **b** *i* ~~d~~.<br>e\n",
  "`c` [l](https://example.com).\n",
  "- a\n  1. b\n- [x] c\n",
  "> q\n\n---\n",
  "| a | b |\n|---|--:|\n| 1 | 2<br>3 |\n",
  "A line in pro",
  ...["ts", "js", "python", "sh", "json", "go", "rust", "sql", "html", "css"]
    .map((language) => `\`\`\`${language}\nx = f("s", 1); // c\n\`\`\`\n`),
];

/** How far {@linkcode warmUpWith} has gone through each list of samples. */
const warmed = new WeakMap<readonly string[], number>();
/** The step of {@linkcode warmUpWith} that is waiting its turn, if any. */
let warming: { cancel(): void } | undefined;
/** Whether a step of {@linkcode warmUpWith} is rendering now. */
let inStep = false;

function stop(): void {
  warming?.cancel();
  warming = undefined;
}

/**
 * Told each piece of an answer the renderer takes: the first with text
 * stops the warm-up (a step's own pieces do not).
 */
export function answerText(text: string): void {
  if (warming && !inStep && text) stop();
}

/** Where {@linkcode warmUpWith} runs its next step. */
export type Schedule = (step: () => void) => { cancel(): void };

const nextMacrotask: Schedule = (step) => {
  const timer = setTimeout(step, 0);
  return { cancel: () => clearTimeout(timer) };
};

/**
 * Renders `samples` with `render`, one per macrotask. The answer's first
 * text stops it ({@linkcode answerText}), so that no step stands between two
 * deltas (what is still cold then compiles when first needed); a delta that
 * arrives during a step waits for that step alone. Disposing stops it too;
 * the next call goes on where it stopped.
 */
export function warmUpWith(
  render: (sample: string) => void,
  { samples = SAMPLES, schedule = nextMacrotask }: {
    samples?: readonly string[];
    schedule?: Schedule;
  } = {},
): Disposable {
  const step = () => {
    warming = undefined;
    const done = warmed.get(samples) ?? 0;
    warmed.set(samples, done + 1);
    inStep = true;
    try {
      render(samples[done]);
    } finally {
      inStep = false;
    }
    if (done + 1 < samples.length) warming = schedule(step);
  };
  stop();
  if ((warmed.get(samples) ?? 0) < samples.length) warming = schedule(step);
  return { [Symbol.dispose]: stop };
}
