/**
 * The models a server lists (`GET /models`): each id with the day the server
 * says it retires, as `--models` and `/models` print them, and, after a
 * failure that says the model is not served, the nearest of them, in its
 * line. Loaded only for those.
 *
 * @module
 */
import type { Io } from "../io/io.ts";
import type { Target } from "../config/plan.ts";
import type { ListedModel, Request, Server } from "../exchange/request.ts";
import { columns } from "../text/columns.ts";
import { distance } from "../text/spelling.ts";

/**
 * The fields servers give a model's retirement in, the first that holds a
 * date taken: Unix seconds, or an ISO date.
 */
export const RETIREMENT_FIELDS = [
  "retirement_date",
  "shutdown_date",
  "expires_at",
  "deprecation_date",
  "deprecated_at",
] as const;

/** The most models a failure suggests. */
export const MOST_SUGGESTED = 3;

/**
 * A model as a server's list gives it, its retirement read from the first of
 * {@linkcode RETIREMENT_FIELDS} that holds a date.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { listedModel } from "./models.ts";
 * const listed = [
 *   { id: "gpt-4o-2024-05-13", shutdown_date: 1792713600 },
 *   { id: "m", deprecation_date: "2027-01-31T00:00:00Z" },
 *   { id: "n", expires_at: null },
 * ].map(listedModel);
 * assert.deepEqual(listed, [
 *   { id: "gpt-4o-2024-05-13", retires: "2026-10-23" },
 *   { id: "m", retires: "2027-01-31" },
 *   { id: "n" },
 * ]);
 * ```
 */
export function listedModel(model: { id: string }): ListedModel {
  for (const field of RETIREMENT_FIELDS) {
    const day = dayOf((model as Record<string, unknown>)[field]);
    if (day) return { id: model.id, retires: day };
  }
  return { id: model.id };
}

/** Unix seconds or an ISO date as `YYYY-MM-DD`, or `undefined` for anything else. */
function dayOf(value: unknown): string | undefined {
  if (typeof value === "number") {
    const date = new Date(value * 1000);
    const year = date.getUTCFullYear();
    return Number.isFinite(value) && year >= 2000 && year <= 9999
      ? date.toISOString().slice(0, 10)
      : undefined;
  }
  if (typeof value !== "string") return undefined;
  const day = /^(\d{4}-\d{2}-\d{2})(?:$|[T ])/.exec(value)?.[1];
  // A day that does not exist (2026-02-30) is no date.
  return day && Date.parse(`${day}T00:00:00Z`) &&
      new Date(`${day}T00:00:00Z`).toISOString().startsWith(day)
    ? day
    : undefined;
}

/**
 * `--models`' listing: the ids sorted, one a line, each with the day it
 * retires (or retired, before `today`) where the server says.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatModels } from "./models.ts";
 * assert.equal(
 *   formatModels([
 *     { id: "gpt-4o" },
 *     { id: "gpt-4o-2024-05-13", retires: "2026-10-23" },
 *     { id: "gpt-4-0314", retires: "2024-06-13" },
 *   ], new Date("2026-01-01")),
 *   "gpt-4-0314         retired 2024-06-13\n" +
 *     "gpt-4o\n" +
 *     "gpt-4o-2024-05-13  retires 2026-10-23\n",
 * );
 * ```
 */
export function formatModels(
  models: readonly ListedModel[],
  today: Date,
): string {
  const day = today.toISOString().slice(0, 10);
  const rows = models.toSorted((a, b) => a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
    .map(({ id, retires }) =>
      retires === undefined
        ? [id, ""]
        : [id, `${retires < day ? "retired" : "retires"} ${retires}`]
    );
  return columns(rows).map((line) => `${line}\n`).join("");
}

/**
 * The family of a model's id: the id without a date, version or tag at its
 * end (`gpt-4o-2024-05-13`, `gpt-4-0613`, `claude-3-opus-20240229`,
 * `o1-preview`, `llama3:latest`).
 */
function familyOf(id: string): string {
  let family = id.toLowerCase();
  for (;;) {
    const shorter = family.replace(
      /(?::[^:/]*|-\d{4}-\d{2}-\d{2}|-\d{8}|-\d{4}|-latest|-preview)$/,
      "",
    );
    if (shorter === family || shorter === "") return family;
    family = shorter;
  }
}

/**
 * The models of `ids` nearest to `wanted`, at most `most`: first its family's
 * own name (`gpt-4o` for `gpt-4o-2024-05-13`), then the family's other
 * versions, then names a few edits away, each group the nearest first.
 * `wanted` itself is never one of them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { nearestModels } from "./models.ts";
 * const ids = ["gpt-4o-mini", "gpt-4o-2024-11-20", "o4-mini", "gpt-4o", "gpt-4o-2024-08-06"];
 * assert.deepEqual(nearestModels("gpt-4o-2024-05-13", ids), [
 *   "gpt-4o",
 *   "gpt-4o-2024-08-06",
 *   "gpt-4o-2024-11-20",
 * ]);
 * assert.deepEqual(nearestModels("gpt-5o", ids), ["gpt-4o"]);
 * assert.deepEqual(nearestModels("whisper-1", ids), []);
 * ```
 */
export function nearestModels(
  wanted: string,
  ids: readonly string[],
  most = MOST_SUGGESTED,
): string[] {
  const name = wanted.toLowerCase();
  const family = familyOf(wanted);
  const edits = Math.max(2, Math.floor(name.length / 4));
  const ranked: [number, number, string][] = [];
  for (const id of new Set(ids)) {
    const lower = id.toLowerCase();
    if (lower === name) continue;
    const d = distance(name, lower);
    const group = lower === family
      ? 0
      : familyOf(id) === family
      ? 1
      : d <= edits
      ? 2
      : undefined;
    if (group !== undefined) ranked.push([group, d, id]);
  }
  return ranked
    .sort((a, b) => a[0] - b[0] || a[1] - b[1] || (a[2] < b[2] ? -1 : 1))
    .slice(0, most)
    .map(([, , id]) => id);
}

/**
 * `line`, the failure of `request` that says its model is not served (not
 * found, or retired), with the nearest models the server lists
 * ({@linkcode nearestModels}, none retired already) as `-m` takes them,
 * asked of it then, once, on the same connection: one line still. A listing
 * that fails, is interrupted or takes longer than the request's timeout, or
 * that has nothing near, leaves `line` as it is.
 */
export async function withNearestModels(
  io: Io,
  server: Server,
  request: Pick<Request, "target" | "timeoutSeconds">,
  line: string,
  today: Date = new Date(),
): Promise<string> {
  const { target } = request;
  const listed = await quickList(io, server, target, request.timeoutSeconds);
  const day = today.toISOString().slice(0, 10);
  const near = nearestModels(
    target.model,
    (listed ?? [])
      .filter(({ retires }) => retires === undefined || retires >= day)
      .map(({ id }) => id),
  );
  const prefix = target.provider === undefined ? "" : `${target.provider}:`;
  return `${line}${didYouMean(near.map((id) => `${prefix}${id}`))}`;
}

/**
 * What a failure's line ends with to suggest `names`, the nearest first:
 * nothing for none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { didYouMean } from "./models.ts";
 * assert.equal(didYouMean(["gpt-4o", "gpt-4o-mini", "o4-mini"]), "; did you mean gpt-4o, gpt-4o-mini or o4-mini?");
 * assert.equal(didYouMean(["gpt-4o", "gpt-4o-mini"]), "; did you mean gpt-4o or gpt-4o-mini?");
 * assert.equal(didYouMean(["gpt-4o"]), "; did you mean gpt-4o?");
 * assert.equal(didYouMean([]), "");
 * ```
 */
export function didYouMean(names: readonly string[]): string {
  if (names.length === 0) return "";
  const last = names.at(-1)!;
  const list = names.length === 1
    ? last
    : `${names.slice(0, -1).join(", ")} or ${last}`;
  return `; did you mean ${list}?`;
}

/**
 * The server's models, or `undefined` when the listing fails, is interrupted
 * or takes longer than `seconds`; asked once, not retried.
 */
async function quickList(
  io: Io,
  server: Server,
  target: Target,
  seconds: number,
): Promise<ListedModel[] | undefined> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), seconds * 1000);
  using _ = io.onInterrupt(() => abort.abort());
  try {
    return await server.models(io, target, {
      signal: abort.signal,
      maxRetries: 0,
    });
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}
