/**
 * What a git command does that cannot be undone: history rewritten, work
 * discarded, branches and stashes deleted.
 *
 * @module
 */
import { Options, type Rule, shown, subcommand } from "./words.ts";

/**
 * The reasons of `git WORDS`, its global options (`-C dir`, `-c a=b`)
 * skipped.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { git } from "./git.ts";
 * assert.equal(git(["-C", "repo", "reset", "--hard"], "git"), "discards changes (git reset --hard)");
 * assert.equal(git(["rebase", "main"], "git"), undefined);
 * ```
 */
export const git: Rule = (all) => {
  const [sub, words] = subcommand(all, "Cc", ["git-dir", "work-tree"]);
  const options = new Options(words);
  const discards = `discards changes (${
    shown(`git ${sub} ${words.join(" ")}`)
  })`;
  switch (sub) {
    case "reset":
      return options.has("--hard")
        ? "discards changes (git reset --hard)"
        : undefined;
    case "push": {
      const found = [];
      if (
        options.has("-f", "--force", "--force-with-lease", "--mirror") ||
        options.operands.some((ref) => ref.startsWith("+"))
      ) found.push("rewrites git history (git push --force)");
      if (
        options.has("-d", "--delete", "--prune") ||
        options.operands.slice(1).some((ref) => ref.startsWith(":"))
      ) found.push("deletes a remote branch (git push --delete)");
      return found;
    }
    case "clean":
      return options.has("-f", "--force") && !options.has("-n", "--dry-run")
        ? "removes untracked files (git clean -f)"
        : undefined;
    case "checkout":
      return options.has("-f", "--force") || words.includes("--") ||
          options.operands.includes(".")
        ? discards
        : undefined;
    case "restore":
      return options.has("-S", "--staged") && !options.has("-W", "--worktree")
        ? undefined
        : discards;
    case "switch":
      return options.has("-f", "--force", "--discard-changes")
        ? discards
        : undefined;
    case "branch":
      return options.has("-D") ||
          (options.has("-d", "--delete") && options.has("-f", "--force"))
        ? "deletes a branch (git branch -D)"
        : undefined;
    case "filter-branch":
    case "filter-repo":
      return `rewrites git history (git ${sub})`;
    case "stash":
      return options.operands[0] === "drop" || options.operands[0] === "clear"
        ? `discards stashed changes (git stash ${options.operands[0]})`
        : undefined;
  }
  return undefined;
};
