import assert from "node:assert/strict";
import {
  DESTRUCTIVE as destructive,
  EVERYDAY as everyday,
} from "../../testdata/shell/sets.ts";
import { testWith } from "../../testdata/permissions.ts";
import { dangerOf, MAX_DEPTH } from "./danger.ts";

/** The reasons `command` gives, as bash. */
const reasons = (command: string) =>
  dangerOf(command, "bash").map((danger) => danger.reason);

Deno.test("the test sets are the issue's size: 60 destructive commands or more, 200 everyday ones or more", () => {
  assert.ok(destructive.length >= 60, `${destructive.length} destructive`);
  assert.ok(everyday.length >= 200, `${everyday.length} everyday`);
  assert.equal(
    new Set(destructive).size,
    destructive.length,
    "a destructive command twice",
  );
  assert.equal(
    new Set(everyday).size,
    everyday.length,
    "an everyday command twice",
  );
});

Deno.test("every destructive command of the test set is flagged", () => {
  const missed = destructive.filter((command) => reasons(command).length === 0);
  assert.deepEqual(missed, [], `not flagged:\n${missed.join("\n")}`);
});

Deno.test("at most 2% of the everyday commands of the test set are flagged", () => {
  const flagged = everyday.flatMap((command) => {
    const found = reasons(command);
    return found.length ? [`${command}  →  ${found.join("; ")}`] : [];
  });
  if (flagged.length) {
    console.log(`flagged everyday commands:\n${flagged.join("\n")}`);
  }
  assert.ok(
    flagged.length <= everyday.length * 0.02,
    `${flagged.length} of ${everyday.length} flagged:\n${flagged.join("\n")}`,
  );
});

Deno.test("a command's reasons are exact, each once, in the order found", async (t) => {
  const cases: [string, string[]][] = [
    // the name normalised
    ["rm x", ["removes files (rm)"]],
    ["/bin/rm -rf x", ["removes files (rm -rf)"]],
    ["/usr/bin/rm -r -f x", ["removes files (rm -rf)"]],
    ["\\rm -fr x", ["removes files (rm -rf)"]],
    ["'rm' -R x", ["removes files (rm -r)"]],
    ['"r"m --recursive --force x', ["removes files (rm -rf)"]],
    ["rm --force x", ["removes files (rm -f)"]],
    ["./rm -rf x", []],
    ["rm -rf a; rm -rf b", ["removes files (rm -rf)"]],
    // everywhere in the tree
    ["true && rm a || echo b", ["removes files (rm)"]],
    ["ls | rm -r x &", ["removes files (rm -r)"]],
    ["(cd x; rm y)", ["removes files (rm)"]],
    ["{ rm y; }", ["removes files (rm)"]],
    ["echo $(rm -f y)", ["removes files (rm -f)"]],
    ["echo `rm y`", ["removes files (rm)"]],
    ["cat <(rm y)", ["removes files (rm)"]],
    ["if rm y; then :; fi", ["removes files (rm)"]],
    ["while true; do rm y; done", ["removes files (rm)"]],
    ["for i in 1; do rm y; done", ["removes files (rm)"]],
    ["case a in a) rm y;; esac", ["removes files (rm)"]],
    ["f() { rm y; }", ["removes files (rm)"]],
    ["coproc rm y", ["removes files (rm)"]],
    ["! rm y", ["removes files (rm)"]],
    ["a=$(rm y)", ["removes files (rm)"]],
    ["cat <<EOF\n$(rm y)\nEOF", ["removes files (rm)"]],
    ["cat <<'EOF'\n$(rm y)\nEOF", []],
    // text run again
    ["bash -c 'rm -r y'", ["removes files (rm -r)"]],
    ["sh -xc 'rm y'", ["removes files (rm)"]],
    ["eval 'rm y'", ["removes files (rm)"]],
    ["su -c 'rm y'", ["runs as root (su)", "removes files (rm)"]],
    ["watch 'rm y'", ["removes files (rm)"]],
    ["env -S 'rm y'", ["removes files (rm)"]],
    ["echo 'rm y' | bash", ["removes files (rm)"]],
    ["bash <<< 'rm y'", ["removes files (rm)"]],
    ["ssh -p 22 host rm -rf /srv", ["removes files (rm -rf) over ssh"]],
    ["ssh host", []],
    ["trap 'rm y' EXIT", ["removes files (rm)"]],
    ["trap - EXIT", []],
    // wrappers
    ["sudo rm y", ["runs as root (sudo)", "removes files (rm)"]],
    ["sudo -u www-data -H rm y", ["runs as root (sudo)", "removes files (rm)"]],
    ["sudo FOO=1 rm y", ["runs as root (sudo)", "removes files (rm)"]],
    ["doas -u root rm y", ["runs as root (doas)", "removes files (rm)"]],
    ["env FOO=1 rm y", ["removes files (rm)"]],
    ["env -i -- FOO=1 rm y", ["removes files (rm)"]],
    ["nice -n 5 rm y", ["removes files (rm)"]],
    ["nohup rm y", ["removes files (rm)"]],
    ["time rm y", ["removes files (rm)"]],
    ["timeout -s KILL 5 rm y", ["removes files (rm)"]],
    ["xargs -n 1 -P 4 rm", ["removes files (rm)"]],
    ["find . -exec rm {} \\; -print", ["removes files (rm)"]],
    ["find . -execdir rm -f {} +", ["removes files (rm -f)"]],
    ["find . -ok rm {} \\;", ["removes files (rm)"]],
    ["find . -name x -delete", ["removes files (find -delete)"]],
    ["command rm y", ["removes files (rm)"]],
    ["command -v rm", []],
    ["builtin rm y", ["removes files (rm)"]],
    ["exec rm y", ["removes files (rm)"]],
    ["stdbuf -oL rm y", ["removes files (rm)"]],
    ["chroot /mnt rm y", ["removes files (rm)"]],
    ["busybox rm y", ["removes files (rm)"]],
    ["watch -x rm y", ["removes files (rm)"]],
    ["sudo sudo rm y", ["runs as root (sudo)", "removes files (rm)"]],
    // commands it cannot see
    ["$CMD y", ["runs a command it cannot see ($CMD)"]],
    ["${CMD} y", ["runs a command it cannot see (${CMD})"]],
    ["$(which rm) y", ["runs a command it cannot see ($(which rm))"]],
    ["sudo $CMD", [
      "runs as root (sudo)",
      "runs a command it cannot see ($CMD)",
    ]],
    ["xargs $CMD", ["runs a command it cannot see ($CMD)"]],
    ['bash -c "$SCRIPT"', ["runs a command it cannot see ($SCRIPT)"]],
    ["eval $X", ["runs a command it cannot see ($X)"]],
    ["echo $CMD", []],
    // writing files
    ["echo x > out.txt", ["overwrites a file (> out.txt)"]],
    ["echo x 2> err.txt", ["overwrites a file (2> err.txt)"]],
    ["echo x >| out.txt", ["overwrites a file (>| out.txt)"]],
    ["echo x &> out.txt", ["overwrites a file (&> out.txt)"]],
    ["echo x >& out.txt", ["overwrites a file (>& out.txt)"]],
    [":> out.txt", ["overwrites a file (> out.txt)"]],
    ['echo x > "$LOG"', ["overwrites a file (> $LOG)"]],
    ["{ echo x; } > out.txt", ["overwrites a file (> out.txt)"]],
    ["echo x >> log", []],
    ["echo x &>> log", []],
    ["echo x > /dev/null 2>&1", []],
    ["echo x 2>/dev/null >/dev/stderr 1>&2 3>&-", []],
    ["echo x > /dev/tty", []],
    ["echo x >> /etc/hosts", ["writes into /etc (>> /etc/hosts)"]],
    ["echo x > /boot/grub.cfg", ["writes into /boot (> /boot/grub.cfg)"]],
    ["cat img > /dev/sdb", ["writes a raw disk (> /dev/sdb)"]],
    ["cat img > /dev/nvme0n1", ["writes a raw disk (> /dev/nvme0n1)"]],
    ["ls | tee out.txt", ["overwrites a file (tee out.txt)"]],
    ["ls | tee -a out.txt", []],
    ["ls | tee /dev/null", []],
    ["ls | tee -a /etc/x", ["writes into /etc (tee -a /etc/x)"]],
    ["mv a b", ["may overwrite files (mv)"]],
    ["mv -n a b", []],
    ["mv --no-clobber a b", []],
    ["cp a b", []],
    ["cp -rf a b", []],
    ["cp --remove-destination a b", [
      "replaces files (cp --remove-destination)",
    ]],
    ["cp a.img /dev/sdc", ["writes a raw disk (cp … /dev/sdc)"]],
    ["ln -s a b", []],
    ["ln -sf a b", ["replaces files with links (ln -sf)"]],
    ["ln --force a b", ["replaces files with links (ln -f)"]],
    ["rmdir empty", []],
    ["unlink x", ["removes files (unlink)"]],
    ["shred x", ["destroys files (shred)"]],
    ["truncate -s 0 x", ["empties files (truncate)"]],
    // disks
    ["dd if=/dev/zero of=/dev/sda", ["writes a raw disk (dd of=/dev/sda)"]],
    ["dd if=a of=b", ["overwrites a file (dd of=b)"]],
    ["dd if=/dev/sda bs=1M count=1", []],
    ["mkfs.ext4 /dev/sda1", ["formats a disk (mkfs.ext4)"]],
    ["mkfs -t ext4 /dev/sda1", ["formats a disk (mkfs)"]],
    ["fdisk /dev/sda", ["changes a disk's partitions (fdisk)"]],
    ["fdisk -l", []],
    ["sfdisk -d /dev/sda", []],
    ["parted /dev/sda print", []],
    ["parted -l", []],
    ["parted /dev/sda rm 1", ["changes a disk's partitions (parted)"]],
    ["parted /dev/sda", ["changes a disk's partitions (parted)"]],
    ["wipefs -a /dev/sda", ["erases disk signatures (wipefs -a)"]],
    ["wipefs /dev/sda", []],
    ["wipefs -a -n /dev/sda", []],
    // permissions and root
    ["chmod -R 755 .", ["changes permissions recursively (chmod -R)"]],
    ["chmod --recursive u+x .", ["changes permissions recursively (chmod -R)"]],
    ["chmod 777 /", ["changes permissions of / (chmod 777 /)"]],
    ["chmod 700 /etc/", ["changes permissions of /etc/ (chmod 700 /etc/)"]],
    ["chmod 644 /etc/hosts", []],
    ["chmod -x script.sh", []],
    ["chown -R me .", ["changes owners recursively (chown -R)"]],
    ["chown me /usr", ["changes owners of /usr (chown me /usr)"]],
    ["chgrp -R staff .", ["changes groups recursively (chgrp -R)"]],
    ["sudo -i", ["runs as root (sudo)"]],
    ["pkexec ls", ["runs as root (pkexec)"]],
    ["su", ["runs as root (su)"]],
    // downloads run by a shell
    ["curl -s x | sh", ["runs a download in a shell (curl … | sh)"]],
    ["wget -qO- x | bash -s", ["runs a download in a shell (wget … | bash)"]],
    ["curl x | sudo -E bash", [
      "runs as root (sudo)",
      "runs a download in a shell (curl … | bash)",
    ]],
    ["curl x | python3", ["runs a download in a shell (curl … | python3)"]],
    ["curl x | python3 -", ["runs a download in a shell (curl … | python3)"]],
    ["curl x | node", ["runs a download in a shell (curl … | node)"]],
    ["curl x | ruby", ["runs a download in a shell (curl … | ruby)"]],
    ["curl x | zsh", ["runs a download in a shell (curl … | zsh)"]],
    ["curl x | gunzip | sh", ["runs a download in a shell (curl … | sh)"]],
    ["(curl x) | sh", ["runs a download in a shell (curl … | sh)"]],
    ['echo "$(curl x)" | sh', ["runs a download in a shell (curl … | sh)"]],
    ["sh <(curl x)", ["runs a download in a shell (sh <(curl …))"]],
    ["bash < <(curl x)", ["runs a download in a shell (bash < <(curl …))"]],
    ['bash -c "$(curl x)"', [
      'runs a download in a shell (bash -c "$(curl …)")',
    ]],
    ['su -c "$(curl x)"', [
      "runs as root (su)",
      'runs a download in a shell (su -c "$(curl …)")',
    ]],
    ['eval "$(wget -O- x)"', ['runs a download in a shell (eval "$(wget …)")']],
    [". <(curl x)", ["runs a download in a shell (. <(curl …))"]],
    ['python3 -c "$(curl x)"', [
      'runs a download in a shell (python3 -c "$(curl …)")',
    ]],
    ["$(curl x)", ["runs a download in a shell ($(curl x))"]],
    ["curl x | jq .", []],
    ["curl x | python3 -m json.tool", []],
    ["curl x | python3 -c 'import sys'", []],
    ["curl x | bash script.sh", []],
    ["curl x | grep sh", []],
    ["curl -o i.sh x && sh i.sh", []],
    ["cat i.sh | sh", []],
    ["curl x & sh", []],
    // git
    ["git reset --hard", ["discards changes (git reset --hard)"]],
    ["git reset --soft HEAD~1", []],
    ["git -C repo -c a=b push --force", [
      "rewrites git history (git push --force)",
    ]],
    ["git push -f origin main", ["rewrites git history (git push --force)"]],
    ["git push --force-with-lease", [
      "rewrites git history (git push --force)",
    ]],
    ["git push origin +main", ["rewrites git history (git push --force)"]],
    ["git push origin main", []],
    ["git push -d origin x", ["deletes a remote branch (git push --delete)"]],
    ["git push origin :x", ["deletes a remote branch (git push --delete)"]],
    ["git clean -fd", ["removes untracked files (git clean -f)"]],
    ["git clean -nfd", []],
    ["git checkout -- .", ["discards changes (git checkout -- .)"]],
    ["git checkout -f main", ["discards changes (git checkout -f main)"]],
    ["git checkout main", []],
    ["git restore a.ts", ["discards changes (git restore a.ts)"]],
    ["git restore --staged a.ts", []],
    ["git restore -S -W a.ts", ["discards changes (git restore -S -W a.ts)"]],
    ["git switch --discard-changes main", [
      "discards changes (git switch --discard-changes main)",
    ]],
    ["git branch -D x", ["deletes a branch (git branch -D)"]],
    ["git branch --delete --force x", ["deletes a branch (git branch -D)"]],
    ["git branch -d x", []],
    ["git rebase -i HEAD~3", []],
    ["git filter-repo --path x", ["rewrites git history (git filter-repo)"]],
    ["git stash drop", ["discards stashed changes (git stash drop)"]],
    ["git stash pop", []],
    // processes and the machine
    ["kill 1", ["kills processes (kill)"]],
    ["kill -9 1", ["kills processes (kill -9)"]],
    ["kill -KILL 1", ["kills processes (kill -KILL)"]],
    ["kill -s TERM 1", ["kills processes (kill)"]],
    ["kill -l", []],
    ["kill -0 1", []],
    ["killall -9 node", ["kills processes (killall -9)"]],
    ["pkill -f x", ["kills processes (pkill)"]],
    ["shutdown now", ["shuts the machine down (shutdown)"]],
    ["shutdown -r now", ["restarts the machine (shutdown -r)"]],
    ["shutdown -c", []],
    ["halt", ["shuts the machine down (halt)"]],
    ["init 6", ["restarts the machine (init 6)"]],
    ["init 3", []],
    ["systemctl poweroff", ["shuts the machine down (systemctl poweroff)"]],
    ["systemctl --user stop app", ["stops services (systemctl stop app)"]],
    ["systemctl restart app", []],
    ["service x stop", ["stops services (service x stop)"]],
    ["service x restart", []],
    // packages
    ["apt remove x", ["removes packages (apt remove)"]],
    ["apt-get -y purge x", ["removes packages (apt-get purge)"]],
    ["apt install x", []],
    ["dpkg --purge x", ["removes packages (dpkg -r)"]],
    ["dpkg -l", []],
    ["dnf remove x", ["removes packages (dnf remove)"]],
    ["pacman -R x", ["removes packages (pacman -R)"]],
    ["pacman -S x", []],
    ["brew remove x", ["removes packages (brew remove)"]],
    ["npm uninstall --global x", ["removes packages (npm uninstall -g)"]],
    ["npm uninstall x", []],
    ["pip3 uninstall x", ["removes packages (pip3 uninstall)"]],
    ["python -m pip uninstall x", ["removes packages (pip uninstall)"]],
    ["snap remove x", ["removes packages (snap remove)"]],
    // schedules, databases, sync
    ["crontab -r", ["removes the crontab (crontab -r)"]],
    ["crontab -u bob -r", ["removes the crontab (crontab -r)"]],
    ["crontab -l", []],
    ["crontab -e", []],
    ["psql -c 'drop database x'", ["drops a database (DROP DATABASE)"]],
    ["psql --command='DROP SCHEMA s CASCADE'", [
      "drops a database (DROP DATABASE)",
    ]],
    ["psql -d db -c 'SELECT 1'", []],
    ["mysql -e 'TRUNCATE TABLE t'", ["empties a table (TRUNCATE)"]],
    ["mysql --execute 'DELETE FROM t'", [
      "deletes every row (DELETE FROM without WHERE)",
    ]],
    ["mysql -e 'DELETE FROM t WHERE id = 1'", []],
    ["sqlite3 a.db 'DROP TABLE t'", ["drops a table (DROP TABLE)"]],
    ["sqlite3 a.db \"SELECT 'drop table'\"", []],
    ["psql <<'SQL'\nDROP TABLE t;\nSQL", ["drops a table (DROP TABLE)"]],
    ["psql <<< 'drop database x'", ["drops a database (DROP DATABASE)"]],
    ["echo 'drop table t' | sqlite3 a.db", ["drops a table (DROP TABLE)"]],
    ["echo 'SELECT 1' | psql", []],
    ["echo flushdb | redis-cli", [
      "empties a Redis database (redis-cli flushdb)",
    ]],
    ["dropdb x", ["drops a database (dropdb)"]],
    ["redis-cli flushall", ["empties a Redis database (redis-cli flushall)"]],
    ["redis-cli get flushall", [
      "empties a Redis database (redis-cli flushall)",
    ]],
    ["redis-cli get key", []],
    ["rsync -a --delete a/ b/", [
      "deletes files at the destination (rsync --delete)",
    ]],
    ["rsync -a --del a/ b/", [
      "deletes files at the destination (rsync --delete)",
    ]],
    ["rsync -a a/ b/", []],
    // the rest of the issue's table
    ["history -c", ["clears the shell history (history -c)"]],
    ["history 10", []],
    ["docker system prune", ["removes Docker data (docker system prune)"]],
    ["docker image prune -a", ["removes Docker data (docker image prune)"]],
    ["docker rm -f x", ["removes running containers (docker rm -f)"]],
    ["docker container rm --force x", [
      "removes running containers (docker rm -f)",
    ]],
    ["docker volume rm x", ["removes Docker volumes (docker volume rm)"]],
    ["docker -H tcp://h rm x", []],
    ["podman system prune", ["removes Docker data (podman system prune)"]],
    ["kubectl delete pod x", ["deletes Kubernetes resources (kubectl delete)"]],
    ["kubectl --namespace prod delete deploy x", [
      "deletes Kubernetes resources (kubectl delete)",
    ]],
    ["kubectl get pods", []],
    ["terraform destroy", ["destroys infrastructure (terraform destroy)"]],
    ["terraform apply -destroy", [
      "destroys infrastructure (terraform destroy)",
    ]],
    ["tofu destroy", ["destroys infrastructure (tofu destroy)"]],
    ["terraform plan", []],
    ["iptables -F", ["removes firewall rules (iptables -F)"]],
    ["iptables -t nat --flush", ["removes firewall rules (iptables -F)"]],
    ["iptables -L", []],
    ["ufw disable", ["turns the firewall off (ufw disable)"]],
    ["userdel bob", ["deletes a user (userdel)"]],
    ["curl -o /etc/x u", ["writes into /etc (curl -o /etc/x)"]],
    ["wget --output-document /boot/x u", [
      "writes into /boot (wget --output-document /boot/x)",
    ]],
    ["curl -o x u", []],
    ["aws s3 rb s3://b --force", ["deletes cloud resources (aws … rb)"]],
    ["aws dynamodb delete-table --table-name t", [
      "deletes cloud resources (aws … delete-table)",
    ]],
    ["gsutil rm -r gs://b", ["deletes cloud resources (gsutil … rm)"]],
    ["az vm delete -n x", ["deletes cloud resources (az … delete)"]],
    ["aws s3 cp a s3://b", []],
    ["passwd", ["changes a password (passwd)"]],
    ["mkswap /dev/sda2", ["formats a disk (mkswap)"]],
    // fork bombs
    [":(){ :|:& };:", ["a fork bomb (:)"]],
    ["b(){ b | b & }; b", ["a fork bomb (b)"]],
    ["f() { f & }; f", ["a fork bomb (f)"]],
    ["f() { echo x; f; }", []],
    ["f() { g | g; }", []],
    // reasons of several commands, in order, each once
    [
      "sudo rm -rf /var/x && curl -s x | bash && rm -rf /y > log",
      [
        "runs as root (sudo)",
        "removes files (rm -rf)",
        "runs a download in a shell (curl … | bash)",
        "overwrites a file (> log)",
      ],
    ],
  ];
  for (const [command, expected] of cases) {
    await t.step(
      JSON.stringify(command),
      () => assert.deepEqual(reasons(command), expected),
    );
  }
});

Deno.test("a command the parser rejects is flagged, with what it found besides", async (t) => {
  const cases: [string, string[]][] = [
    ["echo 'unterminated", ["cannot be parsed (unterminated single quote)"]],
    ['echo "unterminated', ["cannot be parsed (unterminated double quote)"]],
    ["ls |", ["cannot be parsed (expected command after '|')"]],
    ["if true; then ls", ["cannot be parsed (expected 'fi' to close 'if')"]],
    ["echo $(ls", ["cannot be parsed (unterminated command substitution)"]],
    ["rm -rf x && (", [
      "cannot be parsed (expected command in subshell)",
      "removes files (rm -rf)",
    ]],
    ["bash -c 'echo \"x'", ["cannot be parsed (unterminated double quote)"]],
    ["ls )", ["cannot be parsed (unexpected token ')')"]],
  ];
  for (const [command, expected] of cases) {
    await t.step(
      JSON.stringify(command),
      () => assert.deepEqual(reasons(command), expected),
    );
  }
});

Deno.test(`text is parsed again ${MAX_DEPTH} shells deep; deeper is flagged as unknown`, () => {
  const nest = (depth: number) => {
    let command = "ls";
    for (let i = 0; i < depth; i++) command = `eval ${JSON.stringify(command)}`;
    return command;
  };
  assert.deepEqual(reasons(nest(MAX_DEPTH)), []);
  assert.deepEqual(reasons(nest(MAX_DEPTH + 1)), [
    "cannot be parsed (shells nested too deeply)",
  ]);
  assert.deepEqual(
    reasons('bash -c "bash -c \'bash -c \\"rm x\\"\'"'),
    ["removes files (rm)"],
  );
});

Deno.test("a reason shows the command's pieces on one line, at most 40 characters, its controls neutralised", () => {
  const found = reasons(
    "echo x > $'\\x1b]0;pwned\\x07\\x1b[2J'; $'\\x1b[31m'cmd; echo > " +
      "a".repeat(60),
  );
  assert.deepEqual(found, [
    "overwrites a file (> ]0;pwned [2J)",
    "overwrites a file (> aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa…)",
  ]);
  for (const reason of reasons(`$'\\x1b'x`)) {
    // deno-lint-ignore no-control-regex
    assert.doesNotMatch(reason, /[\x00-\x1f\x7f-\x9f]/);
  }
});

Deno.test("sh, zsh and fish are parsed as bash; fish's and, or and not run the command after them", () => {
  for (const shell of ["sh", "zsh", "fish"] as const) {
    assert.deepEqual(dangerOf("ls && rm -rf x", shell), [
      { reason: "removes files (rm -rf)" },
    ]);
  }
  assert.deepEqual(dangerOf("make; and rm -rf build; or not rm y", "fish"), [
    { reason: "removes files (rm -rf)" },
    { reason: "removes files (rm)" },
  ]);
});

Deno.test("PowerShell and cmd commands are checked by their own table", () => {
  assert.deepEqual(dangerOf("Remove-Item -Recurse C:\\x", "powershell"), [
    { reason: "removes files (Remove-Item)" },
  ]);
  assert.deepEqual(dangerOf("rd /s /q build", "cmd"), [
    { reason: "removes folders (rd /s)" },
  ]);
  assert.deepEqual(dangerOf("rm -rf x", "cmd"), []);
});

/** The modules a run loads at its start: `entry`'s static imports, followed. */
async function loadedAtStart(entry: string): Promise<string[]> {
  const { code, stdout } = await new Deno.Command("deno", {
    args: ["info", "--json", entry],
    stderr: "inherit",
  }).output();
  assert.equal(code, 0);
  const graph = JSON.parse(new TextDecoder().decode(stdout)) as {
    modules: {
      specifier: string;
      dependencies?: { code?: { specifier: string }; isDynamic?: boolean }[];
    }[];
    redirects: Record<string, string>;
  };
  const bySpecifier = new Map(
    graph.modules.map((each) => [each.specifier, each]),
  );
  const resolved = (specifier: string) =>
    graph.redirects[specifier] ?? specifier;
  const seen = new Set<string>();
  const visit = (specifier: string) => {
    if (seen.has(specifier)) return;
    seen.add(specifier);
    for (const dependency of bySpecifier.get(specifier)?.dependencies ?? []) {
      if (dependency.code && !dependency.isDynamic) {
        visit(resolved(dependency.code.specifier));
      }
    }
  };
  visit(new URL(`../../${entry}`, import.meta.url).href);
  return [...seen];
}

testWith({ name: "run", command: "deno" }, { name: "read", path: "." })(
  "no module a run loads at its start imports the parser or src/shell/",
  async () => {
    for (const entry of ["main.ts", "src/launch/command.ts"]) {
      const loaded = await loadedAtStart(entry);
      assert.ok(
        loaded.some((specifier) => specifier.includes("openai")),
        entry,
      );
      assert.deepEqual(
        loaded.filter((specifier) => /unbash|\/src\/shell\//.test(specifier)),
        [],
        entry,
      );
    }
  },
);

/** Every TypeScript file of the project, by its path from the root. */
async function* sources(dir = "."): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    const path = dir === "." ? entry.name : `${dir}/${entry.name}`;
    if (
      entry.isDirectory && !entry.name.startsWith(".") &&
      !["coverage", "dist", "node_modules"].includes(entry.name)
    ) {
      yield* sources(path);
    } else if (entry.isFile && path.endsWith(".ts")) yield path;
  }
}

testWith({ name: "read", path: "." })(
  "src/shell/danger.ts is the only module that imports the parser",
  async () => {
    const importers = [];
    for await (const path of sources()) {
      if (
        /\bfrom\s+["']unbash["']|import\(\s*["']unbash["']/.test(
          await Deno.readTextFile(path),
        )
      ) {
        importers.push(path);
      }
    }
    assert.deepEqual(importers, ["src/shell/danger.ts"]);
  },
);
