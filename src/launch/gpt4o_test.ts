import assert from "node:assert/strict";
import { keyVariables, runFlags } from "./permissions.ts";
import { lacking, testWith } from "../../testdata/permissions.ts";

const TMP = new URL("../../.tmp/", import.meta.url).pathname;
const LAUNCHER = new URL("./gpt4o.sh", import.meta.url).pathname;

/** Where `sh` is: a test may give the launcher an empty PATH. */
const SH = lacking({ name: "run", command: "sh" }).length
  ? "sh"
  : new TextDecoder().decode(
    (await new Deno.Command("sh", { args: ["-c", "command -v sh"] }).output())
      .stdout,
  ).trim();

const withSh = testWith(
  { name: "run", command: "sh" },
  { name: "read", path: "." },
  { name: "write", path: ".tmp" },
);

/**
 * A test that runs the launcher with `sh` in a folder of its own, its
 * `deno` a stand-in that prints its arguments, one per line.
 */
function launcherTest(
  name: string,
  fn: (launched: Launched) => Promise<void>,
) {
  withSh(name, async () => {
    if (Deno.build.os === "windows") return;
    Deno.mkdirSync(TMP, { recursive: true });
    const dir = await Deno.makeTempDir({ dir: TMP, prefix: "launcher-" });
    try {
      const deno = `${dir}/deno`;
      Deno.writeTextFileSync(deno, `#!/bin/sh\nprintf '%s\\n' "$@"\n`);
      Deno.chmodSync(deno, 0o755);
      const program = `${dir}/main.ts`;
      Deno.writeTextFileSync(program, "");
      await fn(new Launched(dir, deno, program));
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}

class Launched {
  constructor(
    readonly dir: string,
    readonly deno: string,
    readonly program: string,
  ) {}

  /** What `sh gpt4o.sh DENO --cached-only PROGRAM ...args` runs. */
  async run(args: string[], env: Record<string, string>) {
    const { code, stdout, stderr } = await new Deno.Command(SH, {
      args: [LAUNCHER, this.deno, "--cached-only", this.program, ...args],
      clearEnv: true,
      env,
    }).output();
    const decoder = new TextDecoder();
    return {
      code,
      stdout: decoder.decode(stdout),
      stderr: decoder.decode(stderr),
    };
  }

  /** Holds what the launcher runs to what runFlags() decides for the same. */
  async runsAsRunFlags(
    args: string[],
    env: Record<string, string>,
    config?: string,
  ) {
    const { code, stdout, stderr } = await this.run(args, env);
    assert.equal(stderr, "");
    assert.equal(code, 0);
    assert.deepEqual(
      stdout.split("\n").slice(0, -1),
      [
        "run",
        "--cached-only",
        ...runFlags((name) => env[name], "linux", args, {
          deno: this.deno,
          ...(config === undefined ? {} : { config }),
        }),
        this.program,
        ...args,
      ],
      `${JSON.stringify(env)} ${JSON.stringify(config ?? "")} ${
        JSON.stringify(args)
      }`,
    );
  }
}

launcherTest(
  "the launcher grants the same flags as runFlags(), for every environment",
  async (launched) => {
    const cases: Record<string, string>[] = [
      { HOME: "/home/ada" },
      { HOME: "/home/ada/" },
      { HOME: "  /home/ada  " },
      { HOME: "/home/ada", XDG_DATA_HOME: "/data" },
      { HOME: "/home/ada", XDG_DATA_HOME: "relative/data" },
      { HOME: "/home/ada", XDG_DATA_HOME: " " },
      { HOME: "/home/a b", XDG_DATA_HOME: "/x y/" },
      { GPT4O_HISTORY: "/any/folder/file.db", HOME: "/home/ada" },
      { GPT4O_HISTORY: " /any/folder/file.db " },
      { GPT4O_HISTORY: "notes/h.db" },
      { GPT4O_HISTORY: "h.db" },
      { GPT4O_HISTORY: "/h.db" },
      { GPT4O_HISTORY: "off", HOME: "/home/ada" },
      { GPT4O_HISTORY: "OFF" },
      { GPT4O_HISTORY: "", HOME: "/home/ada" },
      { HOME: "/home/c,d" },
      { GPT4O_HISTORY: "/a,b/h.db" },
      { GPT4O_HISTORY: "/it's/h.db" },
      {},
      { HOME: "/home/ada", XDG_CONFIG_HOME: "/cfg" },
      { HOME: "/home/ada", XDG_CONFIG_HOME: "relative" },
      { HOME: "/home/ada", GPT4O_CONFIG: " /etc/gpt4o.toml " },
      { HOME: "/home/ada", GPT4O_CONFIG: "off" },
      { HOME: "/home/ada", GPT4O_CONFIG: "mine.toml" },
      { GPT4O_CONFIG: "/a,b/config.toml", GPT4O_HISTORY: "off" },
      { GPT4O_HISTORY: "off" },
    ];
    for (const env of cases) {
      await launched.runsAsRunFlags(["-m", "x", "a b"], env);
    }
  },
);

launcherTest(
  "the launcher grants the files the command line names, as runFlags() does",
  async (launched) => {
    const env = { HOME: "/home/ada" };
    const lines: string[][] = [
      ["-a", "cat.png", "-f", "src/", "what is it"],
      ["--attach=a b.png", "--file", "notes.md", "-fREADME.md", "-ax.pdf"],
      ["-a", "https://example.com/cat.png", "-a", "HTTP://x/y.gif"],
      ["--schema", "@schema.json", "--schema={}", "--schema=@s2.json"],
      ["--schema", "{}", "-a", "a,b.png", "-a", ""],
      ["--chat", "-m", "-a", "--", "-a", "after.png"],
      ["-s", "-f", "-a"],
      ["--import", "old.json"],
      ["--import=new.json"],
      ["--import", "-"],
      ["--serve", "--port", "0"],
      ["-a", "--serve", "--", "--serve"],
      ["--", "--serve"],
    ];
    for (const args of lines) await launched.runsAsRunFlags(args, env);
  },
);

launcherTest(
  "the launcher lets a run with tools start its deno and the config's programs, and read its key_env variables, as runFlags() does",
  async (launched) => {
    const env = { HOME: launched.dir };
    const path = `${launched.dir}/.config/gpt4o/config.toml`;
    Deno.mkdirSync(`${launched.dir}/.config/gpt4o`, { recursive: true });
    const configs = [
      '[mcp.files]\nmodule = "npm:x"\n[mcp.git]\ncommand = "uvx"\n',
      'tools = ["git"]\n[mcp.git]\n  command = "uvx"\n[mcp.b]\ncommand="git"\n',
      '[roles.r]\ntools = ["a"]\n[mcp.a]\ncommand = "a,b"\n',
      'tools_x = 1\n[mcp.a]\ncommand = "two words"\ncommand = "uvx\\\\x"\n',
      '[providers.az]\nkey_env = "AZURE_OPENAI_API_KEY"\r\n[providers.b]\n' +
      'key_env="GROQ_API_KEY"\n[providers.c]\n  key_env = "2BAD"\n' +
      '[providers.d]\nkey_env = "A-B"\n[providers.e]\nkey_env = "AZURE_OPENAI_API_KEY"',
    ];
    const lines = [["-T", "files", "Hi"], ["--list-tools"], ["-Tall"], ["Hi"]];
    for (const config of configs) {
      Deno.writeTextFileSync(path, config);
      for (const args of lines) {
        await launched.runsAsRunFlags(args, env, config);
      }
    }
    assert.deepEqual(keyVariables(configs.at(-1)), ["AZURE_OPENAI_API_KEY"]);
  },
);

launcherTest(
  "the launcher lets a run with tools start the browser a sign-in opens: BROWSER when it is one command, else xdg-open, as runFlags() does",
  async (launched) => {
    const browsers = [
      undefined,
      "firefox",
      " /usr/bin/firefox ",
      "firefox %s",
      "firefox:chromium",
      "a,b",
      "*",
      "it's",
      "a\\b",
      "x[1]",
    ];
    for (const BROWSER of browsers) {
      const env = { HOME: launched.dir, ...(BROWSER ? { BROWSER } : {}) };
      await launched.runsAsRunFlags(["-T", "files", "Hi"], env);
      await launched.runsAsRunFlags(["Hi"], env);
    }
    assert.deepEqual(
      runFlags((name) => ({ BROWSER: "firefox" })[name], "linux", ["-T", "x"], {
        deno: "/opt/deno",
      }).filter((flag) => flag.startsWith("--allow-run")),
      ["--allow-run=/opt/deno,firefox"],
    );
  },
);

launcherTest(
  "the launcher lets a run with -e, --execute or --chat start the user's shell ($SHELL as it is set, else sh), and no other run, as runFlags() does",
  async (launched) => {
    const shells = [
      undefined,
      "/bin/bash",
      " /usr/bin/zsh ",
      "fish",
      "",
      "  ",
      "/opt/a,b/sh",
      "/home/a b/bin/sh",
    ];
    const lines = [
      ["-e", "list the files"],
      ["--execute", "list the files"],
      ["-ve", "list"],
      ["-xhe", "list"],
      ["--chat"],
      ["-me", "Hi"],
      ["-a", "-e", "Hi"],
      ["--", "-e"],
      ["Hi"],
      ["-T", "files", "-e", "list"],
    ];
    for (const SHELL of shells) {
      const env = {
        HOME: launched.dir,
        ...(SHELL === undefined ? {} : { SHELL }),
      };
      for (const args of lines) await launched.runsAsRunFlags(args, env);
    }
    const granted = (args: string[], env: Record<string, string>) =>
      runFlags((name) => env[name], "linux", args, { deno: "/opt/deno" })
        .filter((flag) => /^--(allow-run|quiet)/.test(flag));
    assert.deepEqual(granted(["-e", "x"], { SHELL: "/bin/zsh" }), [
      "--allow-run=/bin/zsh",
    ]);
    assert.deepEqual(granted(["--chat"], {}), ["--allow-run=sh"]);
    assert.deepEqual(granted(["x"], { SHELL: "/bin/zsh" }), []);
    assert.deepEqual(
      granted(["-T", "x", "-e", "y"], { SHELL: "/bin/zsh", BROWSER: "w3m" }),
      ["--allow-run=/opt/deno,w3m,/bin/zsh", "--quiet"],
    );
  },
);

launcherTest(
  "the launcher gives a shell's completion no network, no writing and no program to start, as runFlags() does",
  async (launched) => {
    const env = { HOME: launched.dir };
    const path = `${launched.dir}/.config/gpt4o/config.toml`;
    Deno.mkdirSync(`${launched.dir}/.config/gpt4o`, { recursive: true });
    const config = 'tools = ["git"]\n[mcp.git]\ncommand = "uvx"\n';
    Deno.writeTextFileSync(path, config);
    const lines = [
      ["--complete", "roles"],
      ["--complete=conversations"],
      ["--completions", "bash"],
      ["--completions=fish"],
    ];
    for (const args of lines) {
      await launched.runsAsRunFlags(args, env, config);
      assert.deepEqual(
        runFlags((name) => env[name as "HOME"], "linux", args, {
          deno: launched.deno,
          config,
        }).filter((flag) => /^--allow-(net|write|run)/.test(flag)),
        [],
        args.join(" "),
      );
    }
    // Not when the option comes later: the launcher reads the first word.
    await launched.runsAsRunFlags(["Hi", "--complete"], env, config);
  },
);

launcherTest(
  "--print shows what the launcher would run, starting with the deno it found on PATH",
  async (launched) => {
    const { code, stdout } = await new Deno.Command(SH, {
      args: [LAUNCHER, "--print", "deno", launched.program, "Hi"],
      clearEnv: true,
      env: { HOME: "/home/ada", PATH: launched.dir },
    }).output();
    assert.equal(code, 0);
    const words = new TextDecoder().decode(stdout).split("\n").slice(0, -1);
    assert.deepEqual(words, [
      launched.deno,
      "run",
      ...runFlags((name) => ({ HOME: "/home/ada" })[name], "linux", ["Hi"]),
      launched.program,
      "Hi",
    ]);
  },
);

launcherTest(
  "the launcher says in one line when it is given no program, or no deno can be found",
  async (launched) => {
    const none = await new Deno.Command(SH, {
      args: [LAUNCHER, "deno"],
      clearEnv: true,
    }).output();
    assert.deepEqual(
      [none.code, new TextDecoder().decode(none.stderr)],
      [
        2,
        "gpt4o.sh: give the deno to run and the program, e.g. sh gpt4o.sh deno main.ts\n",
      ],
    );
    const noDeno = await new Deno.Command(SH, {
      args: [LAUNCHER, "deno", launched.program, "Hi"],
      clearEnv: true,
      env: { PATH: `${launched.dir}/nowhere` },
    }).output();
    assert.deepEqual(
      [noDeno.code, new TextDecoder().decode(noDeno.stderr)],
      [
        2,
        "gpt4o: there is no deno on PATH (and the Deno it was installed with " +
        "is gone): install Deno, then run `deno task install` again\n",
      ],
    );
  },
);

const PROBE =
  new URL("../../testdata/permission_probe.ts", import.meta.url).pathname;

const withDeno = testWith(
  { name: "run", command: "sh" },
  { name: "run", command: "deno" },
  { name: "write", path: ".tmp" },
  { name: "env", variable: "PATH" },
);

withDeno(
  "the launcher runs the program with the history folder the environment names now, and no other",
  async () => {
    if (Deno.build.os === "windows") return;
    Deno.mkdirSync(TMP, { recursive: true });
    const dir = await Deno.makeTempDir({ dir: TMP, prefix: "launcher-" });
    try {
      const mine = `${dir}/mine`;
      const other = `${dir}/other`;
      const { code, stdout } = await new Deno.Command(SH, {
        args: [LAUNCHER, "deno", PROBE, mine, other, ".env"],
        clearEnv: true,
        env: {
          PATH: Deno.env.get("PATH") ?? "",
          GPT4O_HISTORY: `${mine}/h.db`,
          OPENAI_API_KEY: "sk-probe",
        },
      }).output();
      assert.equal(code, 0);
      assert.deepEqual(JSON.parse(new TextDecoder().decode(stdout)), {
        states: {
          [mine]: { read: "granted", write: "granted" },
          [other]: { read: "prompt", write: "prompt" },
          ".env": { read: "granted", write: "prompt" },
        },
        env: "granted",
        net: "granted",
        run: "prompt",
      });
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);

withDeno(
  "the launcher runs a shell's --complete with the config file and the history to read, and no network, writing or program",
  async () => {
    if (Deno.build.os === "windows") return;
    Deno.mkdirSync(TMP, { recursive: true });
    const dir = await Deno.makeTempDir({ dir: TMP, prefix: "launcher-" });
    try {
      const history = `${dir}/history`;
      const config = `${dir}/config.toml`;
      // Tools on for every run: a question could start sh, a Tab may not.
      Deno.writeTextFileSync(
        config,
        'tools = ["x"]\n[mcp.x]\ncommand = "sh"\n',
      );
      const { code, stdout } = await new Deno.Command(SH, {
        args: [LAUNCHER, "deno", PROBE, "--complete", history, config],
        clearEnv: true,
        env: {
          PATH: Deno.env.get("PATH") ?? "",
          GPT4O_HISTORY: `${history}/h.db`,
          GPT4O_CONFIG: config,
        },
      }).output();
      assert.equal(code, 0);
      assert.deepEqual(JSON.parse(new TextDecoder().decode(stdout)), {
        states: {
          [history]: { read: "granted", write: "prompt" },
          [config]: { read: "granted", write: "prompt" },
        },
        env: "granted",
        net: "prompt",
        run: "prompt",
      });
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);

withDeno(
  "the launcher becomes the program: SIGTERM reaches it and its exit code is the launcher's",
  async () => {
    if (Deno.build.os === "windows") return;
    const child = new Deno.Command(SH, {
      args: [LAUNCHER, "deno", PROBE, "wait"],
      clearEnv: true,
      env: { PATH: Deno.env.get("PATH") ?? "", GPT4O_HISTORY: "off" },
      stdout: "piped",
    }).spawn();
    const reader = child.stdout.pipeThrough(new TextDecoderStream())
      .getReader();
    let text = (await reader.read()).value ?? ""; // the probe is up
    child.kill("SIGTERM");
    for (let next; !(next = await reader.read()).done;) text += next.value;
    const { code } = await child.status;
    assert.equal(code, 143);
    assert.match(text, /got SIGTERM\n$/);
  },
);
