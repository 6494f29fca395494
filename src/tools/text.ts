/**
 * What the user and the model read of tool servers, calls and results: a
 * server's sandbox in a listing, a call's arguments on one line, a result's
 * text, cut where it must be.
 *
 * @module
 */
import type { ToolServer } from "../config/file.ts";
import { TOOL_RESULT_CHARS } from "./limits.ts";

/**
 * How a listing names a server's sandbox: what a module may reach, or that
 * a program or a URL is not sandboxed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { describeServer } from "./text.ts";
 * assert.equal(
 *   describeServer({
 *     name: "git", kind: "command", target: "uvx", args: ["mcp-server-git"],
 *     grants: { read: [], write: [], net: [], env: [], run: [] },
 *     env: {}, headers: {}, allow: [],
 *   }),
 *   "NOT sandboxed: runs uvx mcp-server-git as you",
 * );
 * ```
 */
export function describeServer(server: ToolServer): string {
  if (server.kind === "command") {
    return `NOT sandboxed: runs ${
      [server.target, ...server.args].join(" ")
    } as you`;
  }
  if (server.kind === "url") return `remote, at ${urlShown(server.target)}`;
  const granted = Object.entries(server.grants)
    .filter(([, list]) => list.length)
    .map(([name, list]) => `${name} ${list.join(", ")}`);
  return `sandboxed: ${
    granted.length ? granted.join("; ") : "nothing granted"
  }`;
}

/** A URL as a listing shows it: no credentials, no query. */
function urlShown(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return "a URL that cannot be parsed";
  }
}

/**
 * The text a tool's result gives the model: its text parts, a note for each
 * other kind, or its structured content; at most {@linkcode TOOL_RESULT_CHARS}.
 */
export function resultText(result: {
  content?: unknown;
  structuredContent?: unknown;
}): string {
  const parts = Array.isArray(result.content) ? result.content : [];
  const texts = parts.map((part) => {
    const { type, text, mimeType, resource } = part as {
      type?: string;
      text?: string;
      mimeType?: string;
      resource?: { text?: string; uri?: string };
    };
    if (type === "text" && typeof text === "string") return text;
    if (type === "resource" && typeof resource?.text === "string") {
      return resource.text;
    }
    return `[${type ?? "content"}${mimeType ? ` ${mimeType}` : ""}${
      resource?.uri ? ` ${resource.uri}` : ""
    }, not shown to the model]`;
  });
  let text = texts.join("\n");
  if (text === "" && result.structuredContent !== undefined) {
    text = JSON.stringify(result.structuredContent);
  }
  return text.length > TOOL_RESULT_CHARS
    ? `${text.slice(0, TOOL_RESULT_CHARS)}\n[… ${
      text.length - TOOL_RESULT_CHARS
    } more characters left out]`
    : text;
}

/** The most characters of one argument's value that the consent prompt shows. */
const ARGUMENT_SHOWN = 80;

/**
 * A call's arguments as the consent prompt shows them: every key, each
 * value shortened on its own (so that a long one cannot push another out of
 * sight), or the text itself, shortened, when it is not a JSON object.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { argumentsShown } from "./text.ts";
 * assert.equal(
 *   argumentsShown(JSON.stringify({ content: "x".repeat(300), path: "/root/.bashrc" })),
 *   `{"content":"${"x".repeat(79)}… (300 characters)","path":"/root/.bashrc"}`,
 * );
 * ```
 */
export function argumentsShown(text: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text || "{}");
  } catch {
    return oneLine(text);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return oneLine(text);
  }
  const entries = Object.entries(parsed).map(([key, value]) => {
    const whole = typeof value === "string" ? value : JSON.stringify(value);
    const shown = whole.length > ARGUMENT_SHOWN
      ? `${whole.slice(0, ARGUMENT_SHOWN - 1)}… (${characters(whole.length)})`
      : whole;
    return `${JSON.stringify(key)}:${
      typeof value === "string" || whole.length > ARGUMENT_SHOWN
        ? JSON.stringify(shown)
        : shown
    }`;
  });
  return oneLine(`{${entries.join(",")}}`, Infinity);
}

/** `1 character`, `2 characters`. */
export function characters(count: number): string {
  return `${count} ${count === 1 ? "character" : "characters"}`;
}

/** A text on one line without control characters, shortened to `most` characters. */
export function oneLine(text: string, most = 200): string {
  const line = text.replace(/\s+/g, " ")
    // deno-lint-ignore no-control-regex
    .replace(/[\x00-\x1f\x7f-\x9f]/g, "").trim();
  return line.length > most ? `${line.slice(0, most - 1)}…` : line;
}
