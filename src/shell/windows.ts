/**
 * The danger check for PowerShell and cmd: a smaller table on the words,
 * which are split simply (quotes kept together, `;`, `|`, `&` and `&&`
 * between statements), not parsed; PowerShell's script blocks and cmd's
 * `for` bodies are read as more words of their statement.
 *
 * @module
 */
import { shown } from "./words.ts";

/** Splits `command` into statements of words, lower-cased and unquoted. */
function statementsOf(command: string): string[][] {
  const statements: string[][] = [];
  let words: string[] = [];
  let word = "";
  let quote = "";
  const endWord = () => {
    if (word) words.push(word.toLowerCase());
    word = "";
  };
  const endStatement = () => {
    endWord();
    if (words.length) statements.push(words);
    words = [];
  };
  for (let i = 0; i < command.length; i++) {
    const char = command[i];
    if (quote) {
      if (char === quote) quote = "";
      else word += char;
    } else if (char === '"' || char === "'") quote = char;
    else if (";|&\n(){}".includes(char)) endStatement();
    else if (char === ">") {
      endWord();
      const append = command[i + 1] === ">";
      if (append) i++;
      words.push(append ? ">>" : ">");
    } else if (/\s/.test(char)) endWord();
    else word += char;
  }
  endStatement();
  return statements;
}

/** PowerShell's commands and their aliases, by what they do. */
const POWERSHELL: Readonly<Record<string, string>> = {
  "remove-item": "removes files (Remove-Item)",
  ri: "removes files (Remove-Item)",
  rm: "removes files (Remove-Item)",
  rmdir: "removes files (Remove-Item)",
  rd: "removes files (Remove-Item)",
  del: "removes files (Remove-Item)",
  erase: "removes files (Remove-Item)",
  "clear-content": "empties files (Clear-Content)",
  clc: "empties files (Clear-Content)",
  "format-volume": "formats a disk (Format-Volume)",
  "clear-disk": "erases a disk (Clear-Disk)",
  "initialize-disk": "erases a disk (Initialize-Disk)",
  "remove-partition": "changes a disk's partitions (Remove-Partition)",
  "stop-computer": "shuts the machine down (Stop-Computer)",
  "restart-computer": "restarts the machine (Restart-Computer)",
  "stop-process": "kills processes (Stop-Process)",
  spps: "kills processes (Stop-Process)",
  kill: "kills processes (Stop-Process)",
  "stop-service": "stops services (Stop-Service)",
  "set-executionpolicy": "lets any script run (Set-ExecutionPolicy)",
  "uninstall-package": "removes packages (Uninstall-Package)",
  "remove-localuser": "deletes a user (Remove-LocalUser)",
  "remove-itemproperty": "deletes registry values (Remove-ItemProperty)",
};

/** cmd's commands, by what they do (`rd` and `rmdir` only with `/s`). */
const CMD: Readonly<Record<string, string>> = {
  del: "removes files (del)",
  erase: "removes files (del)",
  format: "formats a disk (format)",
  diskpart: "changes a disk's partitions (diskpart)",
  shutdown: "shuts the machine down (shutdown)",
  taskkill: "kills processes (taskkill)",
  cipher: "destroys files (cipher)",
  vssadmin: "deletes shadow copies (vssadmin)",
};

const DOWNLOADERS = new Set([
  "iwr",
  "invoke-webrequest",
  "irm",
  "invoke-restmethod",
  "curl",
  "wget",
  "curl.exe",
  "new-object",
]);

const HARMLESS_TARGETS = new Set(["$null", "nul", "con"]);

/**
 * What a PowerShell or cmd `command` would do that cannot be undone, as
 * reasons, each once.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { windowsDangersOf } from "./windows.ts";
 * assert.deepEqual(windowsDangersOf("iex (iwr https://x.example/a.ps1)", "powershell"), [
 *   "runs a download in a shell (iwr … | iex)",
 * ]);
 * assert.deepEqual(windowsDangersOf("dir /s *.txt", "cmd"), []);
 * ```
 */
export function windowsDangersOf(
  command: string,
  shell: "powershell" | "cmd",
): string[] {
  const found = new Set<string>();
  const statements = statementsOf(command);
  const downloads = statements.some((words) => DOWNLOADERS.has(words[0]));
  for (const words of statements) {
    const [name, ...rest] = words;
    if (shell === "powershell") {
      if (name === "iex" || name === "invoke-expression") {
        found.add(
          downloads
            ? "runs a download in a shell (iwr … | iex)"
            : "runs a command it cannot see (Invoke-Expression)",
        );
      }
      if (Object.hasOwn(POWERSHELL, name)) found.add(POWERSHELL[name]);
      if (
        (name === "out-file" || name === "set-content" || name === "sc") &&
        !rest.includes("-append")
      ) {
        found.add(
          `overwrites a file (${
            name === "out-file" ? "Out-File" : "Set-Content"
          })`,
        );
      }
      if (name === "start-process" && rest.includes("runas")) {
        found.add("runs as administrator (Start-Process -Verb RunAs)");
      }
    } else {
      if (Object.hasOwn(CMD, name)) {
        if (name !== "shutdown" || !rest.includes("/a")) found.add(CMD[name]);
      }
      if ((name === "rd" || name === "rmdir") && rest.includes("/s")) {
        found.add("removes folders (rd /s)");
      }
      if (name === "reg" && rest[0] === "delete") {
        found.add("deletes registry keys (reg delete)");
      }
      if (name === "powershell" || name === "pwsh") {
        const script = rest.filter((word) => !/^[-/]/.test(word)).join(" ");
        for (const reason of windowsDangersOf(script, "powershell")) {
          found.add(reason);
        }
      }
    }
    words.forEach((word, at) => {
      const target = words[at + 1];
      if (word === ">" && target && !HARMLESS_TARGETS.has(target)) {
        found.add(`overwrites a file (> ${shown(target)})`);
      }
    });
  }
  return [...found];
}
