import assert from "node:assert/strict";
import {
  completes,
  grantedFolder,
  mayExecute,
  mayRead,
  namedFiles,
  PLACE_ENV,
  runFlags,
} from "./permissions.ts";

Deno.test("runFlags() grants the config file to read, and the history folder to read and write, as the environment names them now", () => {
  const flags = runFlags(
    (name) =>
      ({
        HOME: "/home/ada",
        GPT4O_CONFIG: "/etc/gpt4o.toml",
        GPT4O_HISTORY: "/data/h.db",
      })[name],
    "linux",
  );
  assert.deepEqual(flags.slice(-2), [
    "--allow-read=.env,/data,/etc/gpt4o.toml",
    "--allow-write=/data",
  ]);
  assert.equal(flags[0], "--no-prompt");
});

Deno.test("runFlags() grants no path Deno's lists cannot name, nor one history off or with no home has", () => {
  assert.deepEqual(
    runFlags((name) => ({ HOME: "/home/c,d" })[name], "linux").slice(-1),
    ["--allow-read=.env"],
  );
  assert.deepEqual(
    runFlags(
      (name) => ({ GPT4O_HISTORY: "off", GPT4O_CONFIG: "off" })[name],
      "linux",
    ).slice(-1),
    ["--allow-read=.env"],
  );
  assert.equal(grantedFolder(() => undefined, "linux"), undefined);
});

Deno.test("runFlags() grants reading the files the command line names, and nothing to write", () => {
  const flags = runFlags(
    (name) => ({ GPT4O_HISTORY: "off", GPT4O_CONFIG: "off" })[name],
    "linux",
    ["-a", "cat.png", "-f", "src", "--schema", "@s.json", "Hi"],
  );
  assert.deepEqual(flags.slice(-1), ["--allow-read=.env,cat.png,src,s.json"]);
});

Deno.test("namedFiles() finds each way of naming a file, and leaves out URLs, inline schemas, commas and what follows --", async (t) => {
  const cases: [string[], string[]][] = [
    [["-a", "a.png", "--attach", "b.pdf", "--attach=c.gif", "-ad.jpg"], [
      "a.png",
      "b.pdf",
      "c.gif",
      "d.jpg",
    ]],
    [["-f", "notes", "--file", "x.md", "--file=y.md", "-fz.md"], [
      "notes",
      "x.md",
      "y.md",
      "z.md",
    ]],
    [["--import", "old.json"], ["old.json"]],
    [["--import=new.json"], ["new.json"]],
    [["--import", "-"], []],
    [["-a", "https://x.test/a.png", "-a", "HTTP://x.test/b.png"], []],
    [["--schema", "{}", "--schema=@s.json", "--schema", "@t.json"], [
      "s.json",
      "t.json",
    ]],
    [["-a", "a,b.png", "-a", ""], []],
    [["--chat"], ["."]],
    [["-m", "gpt-4o", "--", "-a", "after.png"], []],
    [["-a"], []],
  ];
  for (const [args, expected] of cases) {
    await t.step(args.join(" "), () => {
      assert.deepEqual(namedFiles(args), expected);
    });
  }
});

Deno.test("mayRead() takes the program's own GPT4O_* variables and the others it reads, no more", () => {
  for (
    const name of [
      "GPT4O_HISTORY",
      "GPT4O_CORP_KEY",
      "OPENAI_API_KEY",
      "OLLAMA_HOST",
      "SHELL",
      ...PLACE_ENV,
    ]
  ) {
    assert.ok(mayRead(name), name);
  }
  for (
    const name of ["GPT4O", "AWS_SECRET_ACCESS_KEY", "USER", "OPENAI_LOG"]
  ) {
    assert.ok(!mayRead(name), name);
  }
});

Deno.test("runFlags() lets a run that may execute a command start the user's shell: $SHELL, else sh; on Windows PowerShell or cmd", async (t) => {
  const cases: [
    string,
    Record<string, string>,
    typeof Deno.build.os,
    string,
  ][] = [
    [
      "$SHELL as it is set",
      { SHELL: "/usr/local/bin/fish" },
      "linux",
      "/usr/local/bin/fish",
    ],
    ["sh without $SHELL", {}, "darwin", "sh"],
    [
      "pwsh in a PowerShell 7 session",
      {
        PSModulePath: "C:\\Users\\ada\\Documents\\PowerShell\\Modules;" +
          "C:\\Program Files\\PowerShell\\Modules;" +
          "c:\\program files\\powershell\\7\\Modules",
      },
      "windows",
      "pwsh",
    ],
    [
      "powershell in a Windows PowerShell session",
      {
        PSModulePath: "C:\\Users\\ada\\Documents\\WindowsPowerShell\\Modules;" +
          "C:\\Program Files\\WindowsPowerShell\\Modules;" +
          "C:\\WINDOWS\\system32\\WindowsPowerShell\\v1.0\\Modules",
      },
      "windows",
      "powershell",
    ],
    [
      "cmd (%ComSpec%) otherwise",
      {
        ComSpec: "C:\\WINDOWS\\system32\\cmd.exe",
        PSModulePath: "C:\\Program Files\\WindowsPowerShell\\Modules;" +
          "C:\\WINDOWS\\system32\\WindowsPowerShell\\v1.0\\Modules",
      },
      "windows",
      "C:\\WINDOWS\\system32\\cmd.exe",
    ],
    ["cmd.exe without %ComSpec%", {}, "windows", "cmd.exe"],
  ];
  for (const [name, env, os, shell] of cases) {
    await t.step(name, () => {
      for (const args of [["-e", "list"], ["--chat"]]) {
        assert.deepEqual(
          runFlags((name) => env[name], os, args).filter((flag) =>
            flag.startsWith("--allow-run")
          ),
          [`--allow-run=${shell}`],
        );
      }
      assert.ok(
        !runFlags((name) => env[name], os, ["Hi"]).some((flag) =>
          flag.startsWith("--allow-run")
        ),
      );
    });
  }
});

Deno.test("mayExecute() finds -e among short flags, --execute and --chat, and not a value or what follows --", async (t) => {
  const cases: [string[], boolean][] = [
    [["-e", "list"], true],
    [["--execute"], true],
    [["-ve"], true],
    [["-vxe"], true],
    [["--chat"], true],
    [["-me"], false],
    [["-Te"], false],
    [["-a", "-e"], false],
    [["--schema", "-e"], false],
    [["--", "-e"], false],
    [["--execute=1"], false],
    [["Hi"], false],
  ];
  for (const [args, may] of cases) {
    await t.step(args.join(" "), () => assert.equal(mayExecute(args), may));
  }
});

Deno.test("runFlags() gives a shell's completion the config file and the history to read, and no network, writing or program to start", () => {
  const env = (name: string) =>
    ({ HOME: "/home/ada", GPT4O_HISTORY: "/data/h.db" })[name];
  const tools = { deno: "/opt/deno", config: 'tools = ["x"]\n' };
  for (const args of [["--complete", "roles"], ["--completions", "zsh"]]) {
    assert.equal(completes(args), true);
    assert.deepEqual(runFlags(env, "linux", args, tools).slice(0, 2), [
      "--no-prompt",
      "--v8-flags=--max-semi-space-size=4",
    ]);
    assert.deepEqual(
      runFlags(env, "linux", args, tools).slice(3),
      ["--allow-read=.env,/data,/home/ada/.config/gpt4o/config.toml"],
    );
  }
  assert.equal(completes(["Hi", "--complete", "roles"]), false);
  assert.ok(runFlags(env, "linux", ["Hi"], tools).includes("--allow-net"));
});
