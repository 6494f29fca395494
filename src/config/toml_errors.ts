/**
 * A TOML syntax error of the config file in words a user knows. smol-toml
 * says where the parser stopped and what it expected there ("invalid
 * value", "illegal character in key"); the line it stopped on says what was
 * meant: a string without quotes, `:` for `=`, a table header not closed, a
 * setting set twice, a list without its `]`.
 *
 * @module
 */

/** What smol-toml's `TomlError` tells: its message, and where, from 1. */
export interface TomlProblem {
  message: string;
  line: number;
  column: number;
}

/** The line to name and what to say of it. */
export interface Explained {
  line: number;
  says: string;
}

/**
 * The frequent TOML mistakes explained, with the line to name (where a list
 * that is never closed began, rather than the end of the file); `undefined`
 * for a mistake without words of its own here.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { explainToml } from "./toml_errors.ts";
 * assert.deepEqual(
 *   explainToml('model = gpt-4o\n', {
 *     message: "Invalid TOML document: invalid value\n\n1:  model = gpt-4o\n",
 *     line: 1,
 *     column: 9,
 *   }),
 *   { line: 1, says: 'strings need quotes: model = "gpt-4o"' },
 * );
 * ```
 */
export function explainToml(
  text: string,
  problem: TomlProblem,
): Explained | undefined {
  const lines = text.split(/\r?\n/);
  const what = problem.message.split("\n")[0]
    .replace(/^Invalid TOML document: /, "");
  const line = lines[problem.line - 1] ?? "";
  const at = { lines, line, index: problem.line - 1, column: problem.column };
  const says = (said: string | undefined) =>
    said === undefined ? undefined : { line: problem.line, says: said };
  if (what === "invalid value") {
    // A value wanted after a list's last comma, lines later: it is not closed.
    const opener = openBracket(text, problem);
    if (opener && opener.line < problem.line) return notClosed(opener);
    return says(invalidValue(at));
  }
  if (what.startsWith("trying to redefine")) return says(setTwice(at));
  if (what === "illegal character in key") return says(badKey(at));
  if (what === "expected end of table array declaration") {
    return says(
      `the table header ${line.trim()} is not closed: end it with ]]`,
    );
  }
  if (what === "control characters are not allowed in strings") {
    return says(controlCharacter(at));
  }
  if (what === "unfinished string") {
    return says(
      "the string is never closed: end it with the quotes it " +
        "began with (\"\"\" or ''')",
    );
  }
  if (what === "expected comma or end of structure") {
    return unclosed(text, problem, at);
  }
  if (what.startsWith("each key-value declaration must be followed")) {
    return says(somethingFollows(at));
  }
  if (/escape/.test(what)) {
    return says(
      'a backslash in "…" begins an escape such as \\n or \\t: write \\\\ ' +
        "for a backslash, or use '…', in which a backslash is just one",
    );
  }
  return undefined;
}

/** Where the parser stopped: the text, its line, and the column from 1. */
interface At {
  lines: string[];
  line: string;
  /** The line's index in `lines`. */
  index: number;
  column: number;
}

/** A setting's name, bare or quoted. */
const NAME = /(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')/;

/** `invalid value`: most often a string without quotes. */
function invalidValue({ lines, line, index, column }: At): string {
  const before = line.slice(0, column - 1);
  const rest = line.slice(column - 1);
  const key = before.match(new RegExp(`(${NAME.source})\\s*=\\s*$`))?.[1];
  const inside = /[[{,]\s*$/.test(before) || /[[{]/.test(before);
  const value = (inside ? rest.split(/[,}\]]/)[0] : rest.replace(/\s+#.*$/, ""))
    .trim();
  const named = key ?? "name";
  if (rest.trim() === "" || rest.trimStart().startsWith("#")) {
    return `${named} has no value after "=": write ${named} = "…"`;
  }
  if (rest.startsWith("=")) {
    return `write one "=" between ${named} and its value`;
  }
  if (/^[“”„‘’]/.test(rest)) {
    const plain = value.replace(/[“”„‘’]/g, "");
    return "“ and ” are no quotes in TOML: use straight ones, " +
      shown(key, plain, lines, index, before);
  }
  if (/^(True|False|TRUE|FALSE)\b/.test(rest)) {
    return `true and false are written in lower case: ${named} = ${
      rest.slice(0, rest.match(/^\w+/)![0].length).toLowerCase()
    }`;
  }
  if (/^(null|None|nil|NULL)\b/.test(rest)) {
    return `TOML has no null: leave ${named} out to leave it unset`;
  }
  return `strings need quotes: ${shown(key, value, lines, index, before)}`;
}

/**
 * `key = "value"` as it should be written, or `"…"` in place of a value
 * that may be secret: one of a header, an env table or a key, or one that
 * looks like a token or carries a URL's password or query.
 */
function shown(
  key: string | undefined,
  value: string,
  lines: string[],
  index: number,
  before: string,
): string {
  const table =
    lines.slice(0, index + 1).findLast((each) => /^\s*\[/.test(each)) ?? "";
  const url = URL.canParse(value) ? new URL(value) : undefined;
  const secret = /headers|env/i.test(`${table} ${before}`) ||
    /key|token|secret|auth|pass|bearer|cookie/i.test(key ?? "") ||
    /(sk|pk|key|tok|api)[-_]\w{4}/i.test(value) || value.length > 60 ||
    (url
      ? Boolean(url.username || url.password || url.search)
      : /^(?=.*\d)(?=.*[a-z])\S{20,}$/i.test(value));
  const quoted = secret ? '"…"' : JSON.stringify(value);
  return key === undefined ? quoted : `${key} = ${quoted}`;
}

/** `trying to redefine`: a table declared twice, or a setting set twice. */
function setTwice({ lines, line, index, column }: At): string {
  const header = line.trim().match(/^\[+\s*([^\]]+?)\s*\]+/);
  if (header) {
    const earlier = lines.slice(0, index).findIndex((each) =>
      each.trim().match(/^\[+\s*([^\]]+?)\s*\]+/)?.[1] === header[1]
    );
    return earlier === -1
      ? `[${header[1]}] is already set above, as a setting or a dotted ` +
        "name: set each name once"
      : `the table [${header[1]}] is declared twice (first at line ` +
        `${earlier + 1}): keep one, with all its settings`;
  }
  const name = line.slice(column - 1).match(NAME)?.[0] ??
    line.trim().match(NAME)?.[0] ?? "this setting";
  // The same name earlier in the same table, after its header.
  let earlier = -1;
  for (let i = index - 1; i >= 0 && !/^\s*\[/.test(lines[i]); i--) {
    if (lines[i].trim().match(NAME)?.[0] === name) earlier = i;
  }
  const inline = column > 1 && line.slice(0, column - 1).includes("{");
  return earlier !== -1
    ? `${name} is set twice (first at line ${earlier + 1}): keep one`
    : inline
    ? `${name} is set twice in this table: keep one`
    : `${name} is already set above: set each name once`;
}

/** `illegal character in key`: no `=`, a `:`, a space, a header not closed. */
function badKey({ line }: At): string | undefined {
  const trimmed = line.trim();
  if (trimmed.startsWith("[")) {
    if (!trimmed.includes("]")) {
      return `the table header ${trimmed} is not closed: write ${trimmed}]`;
    }
    return "a table's name has no spaces: write [roles.lawyer], or quote " +
      'the part that has one: [roles."my lawyer"]';
  }
  const equals = trimmed.indexOf("=");
  const colon = trimmed.indexOf(":");
  if (colon !== -1 && (equals === -1 || colon < equals)) {
    const key = trimmed.slice(0, colon).trim().replace(/^"(.*)"$/, "$1");
    return `TOML sets a value with "=", not ":": write ${key} = …`;
  }
  if (equals === -1) {
    const [name, ...value] = trimmed.split(/\s+/);
    return value.length === 0
      ? `${name} has no "=" and no value: write ${name} = "…"`
      : `a setting needs "=" between its name and its value: write ` +
        `${name} = …`;
  }
  const name = trimmed.slice(0, equals).trim();
  if (/\s/.test(name)) {
    return `a name with a space needs quotes: "${name}" = …, or write it ` +
      `with _ (${name.replace(/\s+/g, "_")})`;
  }
  return undefined;
}

/** A control character in a string: most often a string not closed. */
function controlCharacter({ line, column }: At): string {
  if (column - 1 < line.length) {
    return "a string holds a control character: write it as an escape, " +
      "such as \\t";
  }
  const quote = line.slice(0, column - 1).match(/["']/g)?.at(-1) ?? '"';
  return `the string is not closed: end it with ${quote} on the same line ` +
    `(or use ${quote.repeat(3)} for text of several lines)`;
}

/** Something after a value or a header on its line. */
function somethingFollows({ line, column }: At): string {
  const rest = line.slice(column - 1).trimStart();
  if (rest.startsWith("//")) return "comments begin with #, not //";
  if (rest.startsWith(";")) return 'no ";" after a value: end the line there';
  if (line.trim().startsWith("[")) {
    return "only a # comment may follow a table header on its line";
  }
  if (/^["']/.test(rest)) {
    return "a setting takes one value: for several, write a list, such as " +
      'model = ["a", "b"]';
  }
  return "only a # comment may follow a value on its line: one setting a line";
}

/**
 * `expected comma or end of structure`: a comma missing between two items,
 * or a list or inline table that is never closed (named at its first line).
 */
function unclosed(
  text: string,
  problem: TomlProblem,
  { line, column }: At,
): Explained {
  const opener = openBracket(text, problem) ??
    { bracket: "[", line: problem.line };
  if (line.slice(column - 1).trim() !== "" && opener.line === problem.line) {
    const [kind, end] = opener.bracket === "{"
      ? ["inline table", "}"]
      : ["list", "]"];
    return {
      line: problem.line,
      says: `a comma is missing between two items of the ${kind} (or the ` +
        `${end} that ends it)`,
    };
  }
  return notClosed(opener);
}

/** A list or an inline table never closed, named at the line it begins. */
function notClosed(opener: { bracket: string; line: number }): Explained {
  const [kind, end] = opener.bracket === "{"
    ? ["inline table", "}"]
    : ["list", "]"];
  return {
    line: opener.line,
    says: `the ${kind} that begins here is not closed: end it with ${end}`,
  };
}

/**
 * The innermost `[` or `{` still open where the parser stopped, and its
 * line; strings and comments skipped.
 */
function openBracket(
  text: string,
  { line, column }: TomlProblem,
): { bracket: string; line: number } | undefined {
  const lines = text.split("\n");
  const end =
    lines.slice(0, line - 1).reduce((n, each) => n + each.length + 1, 0) +
    column - 1;
  const open: { bracket: string; line: number }[] = [];
  let row = 1;
  for (let i = 0; i < Math.min(end, text.length); i++) {
    const c = text[i];
    if (c === "\n") row++;
    else if (c === "#") {
      while (i + 1 < text.length && text[i + 1] !== "\n") i++;
    } else if (c === '"' || c === "'") {
      const triple = text.startsWith(c.repeat(3), i);
      const close = triple ? c.repeat(3) : c;
      let j = i + close.length;
      while (j < text.length && !text.startsWith(close, j)) {
        if (!triple && text[j] === "\n") break;
        if (c === '"' && text[j] === "\\") j++;
        if (text[j] === "\n") row++;
        j++;
      }
      // A string not closed on its line ends there; its line break counts.
      i = text.startsWith(close, j) ? j + close.length - 1 : j - 1;
    } else if (c === "[" || c === "{") open.push({ bracket: c, line: row });
    else if (c === "]" || c === "}") open.pop();
  }
  return open.at(-1);
}
