/**
 * What a plain command does that cannot be undone: a table from the
 * program's name to the reasons its words give, one rule a program (or a
 * family of them); git's are `src/shell/git.ts`'s, the databases'
 * `src/shell/databases.ts`'s. Commands that run another command (`sudo`,
 * `xargs`, `bash -c`) are `src/shell/runners.ts`'s.
 *
 * @module
 */
import { DATABASES } from "./databases.ts";
import { git } from "./git.ts";
import { Options, type Rule, shown, subcommand } from "./words.ts";

/** Where writing is harmless: the null device and the terminal's streams. */
const HARMLESS = new Set([
  "/dev/null",
  "/dev/stdout",
  "/dev/stderr",
  "/dev/stdin",
  "/dev/tty",
  "/dev/zero",
]);

/** A whole disk or partition, or a device that stands for one. */
const DISK =
  /^\/dev\/(sd[a-z]|hd[a-z]|vd[a-z]|xvd[a-z]|nvme\d|mmcblk\d|disk\d|rdisk\d|md\d|dm-\d|loop\d|mapper\/|disk\/)/;

/** The system's own folders, where a write or a change of mode reaches everything. */
const SYSTEM_FOLDERS = new Set([
  "bin",
  "boot",
  "dev",
  "etc",
  "lib",
  "lib64",
  "opt",
  "root",
  "sbin",
  "srv",
  "usr",
  "var",
  "home",
  "*",
]);

/**
 * The reason a write to `path` gives (`shownAs` the command's piece that
 * writes it): a raw disk, a file of /etc or /boot, a file overwritten
 * (appending elsewhere is no danger), or nothing for /dev/null and the
 * terminal.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { writing } from "./rules.ts";
 * assert.equal(writing("out.txt", false, "> out.txt"), "overwrites a file (> out.txt)");
 * assert.equal(writing("log", true, ">> log"), undefined);
 * assert.equal(writing("/etc/hosts", true, ">> /etc/hosts"), "writes into /etc (>> /etc/hosts)");
 * ```
 */
export function writing(
  path: string,
  append: boolean,
  shownAs: string,
): string | undefined {
  if (HARMLESS.has(path) || /^\/dev\/fd\/\d+$/.test(path)) return undefined;
  if (DISK.test(path)) return `writes a raw disk (${shown(shownAs)})`;
  const top = /^\/(etc|boot)(\/|$)/.exec(path);
  if (top) return `writes into /${top[1]} (${shown(shownAs)})`;
  return append ? undefined : `overwrites a file (${shown(shownAs)})`;
}

/** Whether `path` is `/`, `/*` or one of the system's own folders. */
function isSystemFolder(path: string): boolean {
  const trimmed = path.replace(/\/+$/, "");
  if (trimmed === "" && path.startsWith("/")) return true;
  const match = /^\/([^/]+)(\/\*)?$/.exec(trimmed);
  return match !== null && SYSTEM_FOLDERS.has(match[1]);
}

/** A signal word as `kill -9` and `pkill -KILL` take it, else undefined. */
function signalOf(word: string | undefined): string | undefined {
  return word !== undefined && /^-(\d+|(SIG)?[A-Z][A-Z0-9+-]*)$/.test(word)
    ? word
    : undefined;
}

/** A `removes packages` rule for a manager whose subcommand names removal. */
function removesBy(...subs: string[]): Rule {
  return (words, name) => {
    const [sub] = subcommand(words, "oct");
    return sub !== undefined && subs.includes(sub)
      ? `removes packages (${name} ${sub})`
      : undefined;
  };
}

/** `chmod -R`, `chown -R`, `chgrp -R`, and any of them on a system folder. */
function changesBy(what: string): Rule {
  return (words, name) => {
    const options = new Options(words);
    if (options.has("-R", "--recursive")) {
      return `changes ${what} recursively (${name} -R)`;
    }
    const folder = options.operands.slice(1).find(isSystemFolder);
    return folder === undefined
      ? undefined
      : `changes ${what} of ${shown(folder)} (${
        shown(`${name} ${words.join(" ")}`)
      })`;
  };
}

const removesFiles: Rule = (words, name) => {
  const options = new Options(words);
  const flags = (options.has("-r", "-R", "--recursive") ? "r" : "") +
    (options.has("-f", "--force") ? "f" : "");
  return `removes files (${name}${flags ? ` -${flags}` : ""})`;
};

const kills: Rule = (words, name) => {
  if (name === "kill" && (words[0] === "-0" || words.join(" ") === "-s 0")) {
    return undefined;
  }
  const signal = signalOf(words[0]);
  if (
    signal === undefined && (name === "kill" || name === "killall") &&
    new Options(words, { takes: "sn" }).has("-l", "-L", "--list", "--table")
  ) return undefined;
  return `kills processes (${name}${signal ? ` ${signal}` : ""})`;
};

const partitions: Rule = (words, name) => {
  const options = new Options(words);
  const lists = options.has("-l", "--list", "-d", "--dump", "-p", "--print");
  return lists ? undefined : `changes a disk's partitions (${name})`;
};

const docker: Rule = (all, name) => {
  const [sub, words] = subcommand(all, "Hc", ["host", "context", "config"]);
  const [object] = subcommand(words);
  const options = new Options(words);
  if (sub === "system" && object === "prune" || object === "prune") {
    return `removes Docker data (${name} ${sub} prune)`;
  }
  if (sub === "prune") return `removes Docker data (${name} prune)`;
  if (
    (sub === "rm" || sub === "container" && object === "rm") &&
    options.has("-f", "--force")
  ) return `removes running containers (${name} rm -f)`;
  if (sub === "volume" && (object === "rm" || object === "remove")) {
    return `removes Docker volumes (${name} volume rm)`;
  }
  if (
    sub === "compose" && object === "down" && options.has("-v", "--volumes")
  ) {
    return `removes Docker volumes (${name} compose down -v)`;
  }
  return undefined;
};

const systemctl: Rule = (words) => {
  const [sub, rest] = subcommand(words, "HMnopst", ["host", "machine"]);
  switch (sub) {
    case "poweroff":
    case "halt":
      return `shuts the machine down (systemctl ${sub})`;
    case "reboot":
    case "kexec":
    case "soft-reboot":
      return `restarts the machine (systemctl ${sub})`;
    case "stop":
    case "disable":
    case "mask":
    case "kill":
    case "isolate":
      return `stops services (${shown(`systemctl ${sub} ${rest.join(" ")}`)})`;
  }
  return undefined;
};

const npm: Rule = (words, name) => {
  const [sub] = subcommand(words);
  const removes = ["uninstall", "un", "unlink", "remove", "rm", "r"];
  return sub !== undefined && removes.includes(sub) &&
      new Options(words).has("-g", "--global")
    ? `removes packages (${name} ${sub} -g)`
    : undefined;
};

/** The words of a `parted` script that only show the disk. */
const PARTED_READS = new Set([
  "print",
  "p",
  "free",
  "unit",
  "s",
  "b",
  "kb",
  "mb",
  "gb",
  "tb",
  "%",
  "cyl",
  "chs",
  "compact",
  "help",
]);

/** `curl -o FILE` and `wget -O FILE`: a download saved into /etc, /boot or a disk. */
function savesTo(...options: string[]): Rule {
  return (words, name) => {
    const at = words.findIndex((word) => options.includes(word));
    const path = at < 0 ? undefined : words[at + 1];
    return path === undefined || path === "-"
      ? undefined
      : writing(path, true, `${name} ${words[at]} ${path}`);
  };
}

/** A cloud's command line: a word that deletes (`delete`, `rm`, `delete-stack`). */
function cloud(...deletes: string[]): Rule {
  return (words, name) => {
    const word = words.find((each) =>
      deletes.includes(each) || each.startsWith("delete-")
    );
    return word === undefined
      ? undefined
      : `deletes cloud resources (${shown(`${name} … ${word}`)})`;
  };
}

/** Every program with a rule, by its name. */
export const RULES: Readonly<Record<string, Rule>> = {
  ...DATABASES,
  rm: removesFiles,
  unlink: () => "removes files (unlink)",
  shred: (_, name) => `destroys files (${name})`,
  wipe: (_, name) => `destroys files (${name})`,
  srm: (_, name) => `destroys files (${name})`,
  truncate: () => "empties files (truncate)",
  tee: (words) => {
    const options = new Options(words);
    const append = options.has("-a", "--append");
    return options.operands.flatMap((path) =>
      writing(path, append, `tee ${append ? "-a " : ""}${path}`) ?? []
    );
  },
  mv: (words) => {
    const options = new Options(words);
    return options.has("-n", "--no-clobber") ||
        options.value("--update") === "none"
      ? undefined
      : "may overwrite files (mv)";
  },
  cp: (words) => {
    const options = new Options(words, { longTakes: ["target-directory"] });
    const target = options.value("-t", "--target-directory") ??
      options.operands.at(-1);
    const disk = target !== undefined && DISK.test(target)
      ? writing(target, false, `cp … ${target}`)
      : undefined;
    return options.has("--remove-destination")
      ? ["replaces files (cp --remove-destination)", ...(disk ? [disk] : [])]
      : disk;
  },
  ln: (words) => {
    const options = new Options(words);
    return options.has("-f", "--force")
      ? `replaces files with links (ln -${
        options.has("-s", "--symbolic") ? "sf" : "f"
      })`
      : undefined;
  },
  dd: (words) => {
    const target = words.find((word) => word.startsWith("of="))?.slice(3);
    return target === undefined
      ? undefined
      : writing(target, false, `dd of=${target}`);
  },
  mke2fs: (_, name) => `formats a disk (${name})`,
  mkswap: (_, name) => `formats a disk (${name})`,
  mkdosfs: (_, name) => `formats a disk (${name})`,
  mkntfs: (_, name) => `formats a disk (${name})`,
  fdisk: partitions,
  sfdisk: partitions,
  cfdisk: partitions,
  gdisk: partitions,
  sgdisk: partitions,
  parted: (words) => {
    const options = new Options(words, { takes: "a" });
    if (options.has("-l", "--list")) return undefined;
    const script = options.operands.slice(1);
    return script.length > 0 &&
        script.every((word) => PARTED_READS.has(word.toLowerCase()))
      ? undefined
      : "changes a disk's partitions (parted)";
  },
  wipefs: (words) => {
    const options = new Options(words, { takes: "ot" });
    return options.has("-a", "--all", "-o", "--offset") &&
        !options.has("-n", "--no-act")
      ? "erases disk signatures (wipefs -a)"
      : undefined;
  },
  blkdiscard: () => "discards a disk's data (blkdiscard)",
  chmod: changesBy("permissions"),
  chown: changesBy("owners"),
  chgrp: changesBy("groups"),
  kill: kills,
  killall: kills,
  pkill: kills,
  skill: kills,
  xkill: kills,
  shutdown: (words) => {
    const options = new Options(words);
    if (options.has("-c")) return undefined;
    return options.has("-r", "--reboot")
      ? "restarts the machine (shutdown -r)"
      : "shuts the machine down (shutdown)";
  },
  reboot: () => "restarts the machine (reboot)",
  halt: () => "shuts the machine down (halt)",
  poweroff: () => "shuts the machine down (poweroff)",
  init: (words) =>
    words[0] === "0"
      ? "shuts the machine down (init 0)"
      : words[0] === "6"
      ? "restarts the machine (init 6)"
      : undefined,
  telinit: (words) =>
    words[0] === "0"
      ? "shuts the machine down (telinit 0)"
      : words[0] === "6"
      ? "restarts the machine (telinit 6)"
      : undefined,
  systemctl,
  service: (words) =>
    words[1] === "stop"
      ? `stops services (${shown(`service ${words.slice(0, 2).join(" ")}`)})`
      : undefined,
  apt: removesBy("remove", "purge", "autoremove", "autopurge"),
  "apt-get": removesBy("remove", "purge", "autoremove", "autopurge"),
  aptitude: removesBy("remove", "purge"),
  dpkg: (words) =>
    new Options(words).has("-r", "-P", "--remove", "--purge")
      ? "removes packages (dpkg -r)"
      : undefined,
  yum: removesBy("remove", "erase", "autoremove"),
  dnf: removesBy("remove", "erase", "autoremove"),
  microdnf: removesBy("remove"),
  zypper: removesBy("remove", "rm"),
  pacman: (words) =>
    new Options(words).has("-R", "--remove")
      ? "removes packages (pacman -R)"
      : undefined,
  apk: removesBy("del"),
  brew: removesBy("uninstall", "remove", "rm"),
  snap: removesBy("remove"),
  flatpak: removesBy("uninstall", "remove"),
  gem: removesBy("uninstall"),
  cargo: removesBy("uninstall"),
  pip: removesBy("uninstall"),
  pip3: removesBy("uninstall"),
  pipx: removesBy("uninstall", "uninstall-all"),
  conda: removesBy("remove", "uninstall"),
  npm,
  pnpm: npm,
  yarn: (words) =>
    words[0] === "global" && words[1] === "remove"
      ? "removes packages (yarn global remove)"
      : undefined,
  crontab: (words) => {
    const options = new Options(words, { takes: "u" });
    if (options.has("-r")) return "removes the crontab (crontab -r)";
    return options.operands.length > 0 && !options.has("-l", "-e")
      ? `replaces the crontab (${shown(`crontab ${options.operands[0]}`)})`
      : undefined;
  },
  rsync: (words) => {
    const options = new Options(words, { takes: "efBT" });
    const found = [];
    if ([...options.long.keys()].some((name) => name.startsWith("del"))) {
      found.push("deletes files at the destination (rsync --delete)");
    }
    if (options.has("--remove-source-files")) {
      found.push("removes the source files (rsync --remove-source-files)");
    }
    return found;
  },
  history: (words) =>
    new Options(words).has("-c")
      ? "clears the shell history (history -c)"
      : undefined,
  git,
  docker,
  podman: docker,
  "docker-compose": (words) =>
    words[0] === "down" && new Options(words).has("-v", "--volumes")
      ? "removes Docker volumes (docker-compose down -v)"
      : undefined,
  kubectl: (words) =>
    subcommand(words, "ns", [
        "namespace",
        "context",
        "kubeconfig",
        "cluster",
        "user",
      ])[0] ===
        "delete"
      ? "deletes Kubernetes resources (kubectl delete)"
      : undefined,
  helm: (words) => {
    const [sub] = subcommand(words, "n", ["namespace", "kube-context"]);
    return sub !== undefined &&
        ["uninstall", "delete", "del", "un"].includes(sub)
      ? `removes a Helm release (helm ${sub})`
      : undefined;
  },
  terraform: (words, name) =>
    words.includes("destroy") || words.includes("-destroy")
      ? `destroys infrastructure (${name} destroy)`
      : undefined,
  iptables: (words, name) =>
    new Options(words, { takes: "t" }).has(
        "-F",
        "--flush",
        "-X",
        "--delete-chain",
      )
      ? `removes firewall rules (${name} -F)`
      : undefined,
  nft: (words) =>
    words.includes("flush") ? "removes firewall rules (nft flush)" : undefined,
  ufw: (words) =>
    words[0] === "disable" || words[0] === "reset"
      ? `turns the firewall off (ufw ${words[0]})`
      : undefined,
  curl: savesTo("-o", "--output"),
  wget: savesTo("-O", "--output-document"),
  aws: cloud("rm", "rb", "terminate-instances"),
  gcloud: cloud("delete"),
  az: cloud("delete"),
  gsutil: cloud("rm", "rb"),
  userdel: (_, name) => `deletes a user (${name})`,
  deluser: (_, name) => `deletes a user (${name})`,
  groupdel: (_, name) => `deletes a group (${name})`,
  passwd: () => "changes a password (passwd)",
  chpasswd: () => "changes a password (chpasswd)",
};

/** The rule for a program's name, families (`mkfs.ext4`) included. */
export function ruleOf(name: string): Rule | undefined {
  if (Object.hasOwn(RULES, name)) return RULES[name];
  if (name === "mkfs" || name.startsWith("mkfs.")) {
    return () => `formats a disk (${shown(name)})`;
  }
  if (name === "ip6tables") return RULES.iptables;
  if (name === "tofu" || name === "terragrunt") return RULES.terraform;
  if (name === "mongo") return DATABASES.mongosh;
  return undefined;
}
