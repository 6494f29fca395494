/**
 * The `gpt4o` command: what `deno task install` bundles and `deno task
 * compile` builds. It is the program as `main.ts` runs it, but for a run with
 * no prompt at a terminal, which opens the chat rather than asking the demo's
 * question.
 *
 * @module
 */
import { main } from "../../main.ts";
import { denoIo } from "../io/io.ts";

Deno.exit(await main(denoIo(), "command"));
