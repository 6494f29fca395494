/**
 * A separate process for the history tests.
 *
 * `deno run history_writer.ts save <db> <name> <count>` opens the history,
 * saves one exchange and closes it, `count` times, as that many runs of the
 * program would; the prompts are `<name> 1`, `<name> 2`…
 *
 * `deno run history_writer.ts hold <db> <ms>` takes the write lock, prints
 * `locked`, keeps it for `ms` milliseconds, then commits.
 */
import { DatabaseSync } from "node:sqlite";
import { History } from "../src/history/store.ts";

const [mode, path, ...rest] = Deno.args;
if (mode === "save") {
  const [name, count] = rest;
  for (let i = 1; i <= Number(count); i++) {
    using history = History.open(path);
    const now = new Date();
    history.save({
      system: "You are a helpful assistant.",
      prompt: `${name} ${i}`,
      model: "gpt-4o",
      endpoint: "127.0.0.1/v1",
      answer: `answer to ${name} ${i}`,
      outcome: "answered",
      started: now,
      finished: now,
    });
  }
} else if (mode === "hold") {
  const db = new DatabaseSync(path);
  db.exec("BEGIN IMMEDIATE");
  console.log("locked");
  await new Promise((resolve) => setTimeout(resolve, Number(rest[0])));
  db.exec("COMMIT");
  db.close();
} else {
  throw new Error(`unknown mode ${mode}`);
}
