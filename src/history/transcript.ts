/**
 * The history as text: the lines of `--history` and the transcript of
 * `--show`, and their JSON; loaded only when they are asked for.
 *
 * @module
 */
import { columns } from "../text/columns.ts";
import {
  type ConversationSummary,
  type Exchange,
  messagesOf,
  type ToolMessage,
  type Turns,
} from "./conversation.ts";
import type { History } from "./store.ts";
import type { SearchHit } from "./search.ts";
import type { ConversationRef } from "../cli/history_options.ts";
import { conversationToContinue } from "./use.ts";
import { cut, flatten } from "../text/line.ts";
import { describe } from "../files/attachments.ts";
import { describeOptions } from "../config/sampling.ts";
import type { Execution } from "./executions.ts";

/** Local time as `2026-11-27 23:14`. */
function localTime(date: Date): string {
  const two = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${
    two(date.getDate())
  } ${two(date.getHours())}:${two(date.getMinutes())}`;
}

/** The longest title `--history` shows, in characters. */
const TITLE_WIDTH = 60;

/** The longest snippet `--search` shows, in characters. */
const SNIPPET_WIDTH = 100;

/**
 * The lines of `--search`: for each conversation found, best first, its id,
 * local time of the last update and title, then the snippet of its best
 * match (the match between « and »), indented.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatSearch } from "./transcript.ts";
 * const updated = new Date(2026, 10, 27, 23, 14).toISOString();
 * assert.equal(
 *   formatSearch([{
 *     id: 12, title: "courts", created: updated, updated,
 *     snippet: "a petition for «certiorari»\nis filed", score: 1.5,
 *   }], "certiorari"),
 *   "12  2026-11-27 23:14  courts\n    a petition for «certiorari» is filed",
 * );
 * assert.equal(formatSearch([], "xyz"), 'no conversation holds "xyz"');
 * ```
 */
export function formatSearch(hits: SearchHit[], words: string): string {
  if (hits.length === 0) return `no conversation holds "${flatten(words)}"`;
  const heads = columns(
    hits.map((hit) => [
      String(hit.id),
      localTime(new Date(hit.updated)),
      cut(flatten(hit.title), TITLE_WIDTH),
    ]),
    [0],
  );
  return hits.map((hit, i) =>
    `${heads[i]}\n    ${cut(flatten(hit.snippet), SNIPPET_WIDTH)}`
  ).join("\n");
}

/**
 * The lines of `--history`, one per conversation, in columns: id, local
 * time of the last update, model, turns and title (cut to 60 characters).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatList } from "./transcript.ts";
 * const updated = new Date(2026, 10, 27, 23, 14).toISOString();
 * assert.equal(
 *   formatList([{ id: 12, created: updated, updated, model: "gpt-4o", turns: 3, title: "hello" }]),
 *   "12  2026-11-27 23:14  gpt-4o  3 turns  hello",
 * );
 * assert.equal(formatList([]), "no conversations yet");
 * ```
 */
export function formatList(summaries: ConversationSummary[]): string {
  if (summaries.length === 0) return "no conversations yet";
  const rows = summaries.map((summary) => [
    String(summary.id),
    localTime(new Date(summary.updated)),
    flatten(summary.model),
    `${summary.turns} ${summary.turns === 1 ? "turn" : "turns"}`,
    cut(flatten(summary.title), TITLE_WIDTH),
  ]);
  return columns(rows, [0, 3]).join("\n");
}

/**
 * A conversation as a readable transcript: a header (id, model, endpoint,
 * first and last time), the system message, then each prompt (quoted with
 * `> `, its attachments named), its sampling options, and answer, how a turn ended when it was not answered, and its token
 * usage when known. The system message, model or endpoint are shown again
 * where a turn changes them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatTranscript } from "./transcript.ts";
 * const at = new Date(2026, 10, 27, 23, 14);
 * const turn = {
 *   system: "Be brief.", prompt: "hi", model: "gpt-4o", endpoint: "api.openai.com/v1",
 *   answer: "Hel", outcome: "interrupted" as const, started: at, finished: at,
 * };
 * assert.equal(
 *   formatTranscript({ id: 7, model: "gpt-4o", system: "Be brief.", turns: [turn] }),
 *   [
 *     "conversation 7  gpt-4o  api.openai.com/v1  2026-11-27 23:14",
 *     "system: Be brief.",
 *     "",
 *     "> hi",
 *     "",
 *     "Hel",
 *     "[interrupted]",
 *   ].join("\n"),
 * );
 * ```
 */
export function formatTranscript(conversation: Turns): string {
  return transcriptParts(conversation).map(({ text }) => text).join("\n");
}

/**
 * A transcript's parts in order: its lines of text, and each answer as its
 * own part (`answer: true`), for a terminal to render as markdown.
 */
export function transcriptParts(
  conversation: Turns,
): { text: string; answer?: true }[] {
  const { turns } = conversation;
  if (turns.length === 0) {
    return [{
      text:
        `conversation ${conversation.id}  ${conversation.model}  (no turns)`,
    }];
  }
  const first = turns[0];
  const last = turns[turns.length - 1];
  const from = localTime(first.started);
  const to = localTime(last.finished);
  const parts: { text: string; answer?: true }[] = [];
  const say = (...lines: string[]) =>
    lines.forEach((text) => parts.push({ text }));
  say(
    `conversation ${conversation.id}  ${conversation.model}  ${last.endpoint}  ${
      from === to ? from : `${from} – ${to}`
    }`,
  );
  let [system, model, endpoint] = [
    undefined as string | undefined,
    conversation.model,
    last.endpoint,
  ];
  for (const turn of turns) {
    if (turn.system !== system) {
      system = turn.system;
      say(`system: ${system}`);
    }
    if (turn.model !== model || turn.endpoint !== endpoint) {
      [model, endpoint] = [turn.model, turn.endpoint];
      say(`(${model}  ${endpoint})`);
    }
    say(
      "",
      ...turn.prompt.split("\n").map((line) => `> ${line}`),
      ...(turn.attachments ?? []).map((each) =>
        `> [attached: ${describe(each)}]`
      ),
      "",
    );
    const options = turn.options && describeOptions(turn.options);
    if (options) say(`[options: ${options}]`);
    say(...toolLines(turn.toolMessages ?? []));
    if (turn.answer !== "") parts.push({ text: turn.answer, answer: true });
    if (turn.outcome !== "answered") {
      const error = turn.error === undefined || turn.error === turn.outcome
        ? ""
        : `: ${turn.error}`;
      say(`[${turn.outcome}${error}]`);
    }
    const usage = tokensLine(turn.usage);
    if (usage !== undefined) say(usage);
    say(...executionLines(turn.executions ?? []));
  }
  return parts;
}

/**
 * What became of the command a turn proposed (`-e`), a decision a line:
 * the command as it stood (`$ `, and its later lines indented), what was
 * decided, a run's exit code, and the danger check's reasons.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { executionLines } from "./transcript.ts";
 * const at = new Date();
 * assert.deepEqual(
 *   executionLines([
 *     { command: "rm -rf build", shell: "bash", danger: ["removes files (rm)"], decision: "described", at },
 *     { command: "ls -la\npwd", shell: "bash", danger: [], decision: "executed", exitCode: 0, at },
 *   ]),
 *   [
 *     "$ rm -rf build  (described; ⚠ removes files (rm))",
 *     "$ ls -la",
 *     "  pwd  (executed, exit 0)",
 *   ],
 * );
 * ```
 */
export function executionLines(executions: Execution[]): string[] {
  return executions.flatMap(({ command, danger, decision, exitCode }) => {
    const what = decision === "executed"
      ? `executed, exit ${exitCode ?? "unknown"}`
      : decision === "printed"
      ? "printed, not run"
      : decision;
    const note = [what, ...danger.map((reason) => `⚠ ${reason}`)].join("; ");
    const lines = command.split("\n").map((line, i) =>
      `${i === 0 ? "$" : " "} ${line}`
    );
    lines[lines.length - 1] += `  (${note})`;
    return lines;
  });
}

/** The most characters of a tool call's arguments or result a transcript shows. */
const TOOL_SHOWN = 100;

/**
 * A turn's tool rounds, a line per call: the tool, its arguments, and the
 * beginning of its result.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { toolLines } from "./transcript.ts";
 * assert.deepEqual(
 *   toolLines([
 *     { role: "assistant", content: null, tool_calls: [{
 *       id: "c1", type: "function",
 *       function: { name: "read_text_file", arguments: '{"path":"a.txt"}' },
 *     }] },
 *     { role: "tool", tool_call_id: "c1", content: "hello\nnotes" },
 *   ]),
 *   ['[tool read_text_file {"path":"a.txt"}: hello notes (11 characters)]'],
 * );
 * ```
 */
export function toolLines(messages: ToolMessage[]): string[] {
  const results = new Map(
    messages.flatMap((message) =>
      message.role === "tool" ? [[message.tool_call_id, message.content]] : []
    ),
  );
  return messages.flatMap((message) =>
    message.role === "assistant"
      ? message.tool_calls.map((call) => {
        const result = results.get(call.id);
        const args = cut(flatten(call.function.arguments), TOOL_SHOWN);
        return `[tool ${flatten(call.function.name)} ${args}: ${
          result === undefined
            ? "no result"
            : `${
              cut(flatten(result.replace(/\s+/g, " ")), TOOL_SHOWN)
            } (${result.length} ${
              result.length === 1 ? "character" : "characters"
            })`
        }]`;
      })
      : []
  );
}

function tokensLine(usage: Exchange["usage"]): string | undefined {
  const parts = (
    [
      ["prompt_tokens", "prompt"],
      ["completion_tokens", "completion"],
      ["total_tokens", "total"],
    ] as const
  ).flatMap(([key, name]) =>
    usage?.[key] === undefined ? [] : [`${usage[key]} ${name}`]
  );
  return parts.length === 0 ? undefined : `[tokens: ${parts.join(", ")}]`;
}

/**
 * What `--history` or `--show <id>` prints, as text or, with `json`, as JSON:
 * the latest `historyLimit` conversations (default 20), or one with its
 * messages in the OpenAI format.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { History } from "./store.ts";
 * import { browse } from "./transcript.ts";
 * using history = History.open(":memory:");
 * const at = new Date("2026-11-27T23:14:00Z");
 * history.save({
 *   system: "Be brief.", prompt: "Hi", model: "gpt-4o", endpoint: "api.openai.com/v1",
 *   answer: "Hello!", outcome: "answered", started: at, finished: at,
 * });
 * assert.equal(browse(history, { show: 1, json: true }), JSON.stringify({
 *   id: 1,
 *   model: "gpt-4o",
 *   messages: [
 *     { role: "system", content: "Be brief." },
 *     { role: "user", content: "Hi" },
 *     { role: "assistant", content: "Hello!" },
 *   ],
 * }, null, 2) + "\n");
 * ```
 *
 * @throws {HistoryError} for an unknown id.
 */
export function browse(
  history: History,
  { show, json, historyLimit }: {
    show?: ConversationRef;
    json: boolean;
    historyLimit?: number;
  },
): string {
  if (show === undefined) {
    const summaries = history.list(historyLimit);
    return json
      ? `${JSON.stringify(summaries, null, 2)}\n`
      : `${formatList(summaries)}\n`;
  }
  const conversation = conversationToContinue(history, show);
  if (!json) return `${formatTranscript(conversation)}\n`;
  const { id, model } = conversation;
  return `${
    JSON.stringify({ id, model, messages: messagesOf(conversation) }, null, 2)
  }\n`;
}
