import assert from "node:assert/strict";
import {
  ENTRY,
  install,
  INSTALLED_DENO_FLAGS,
  type InstallIo,
  layoutOf,
  pathAdvice,
  posixCommand,
  windowsCommand,
} from "./install.ts";
import { runFlags } from "./permissions.ts";

const TMP = new URL("../../.tmp/", import.meta.url).pathname;

const canRunSh = (await Deno.permissions.query({ name: "run", command: "sh" }))
      .state === "granted" &&
  (await Deno.permissions.query({ name: "write", path: TMP })).state ===
    "granted" &&
  Deno.build.os !== "windows";

/** A test that runs the POSIX command with `sh`, in a folder of its own. */
function shTest(name: string, fn: (dir: string) => Promise<void>) {
  Deno.test({
    name: canRunSh
      ? name
      : `${name} (ignored: needs sh and --allow-write=.tmp; run \`deno task test\`)`,
    ignore: !canRunSh,
    async fn() {
      Deno.mkdirSync(TMP, { recursive: true });
      const dir = await Deno.makeTempDir({ dir: TMP, prefix: "install-" });
      try {
        await fn(dir);
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    },
  });
}

/** A stand-in for `deno` that prints its arguments, one per line. */
function fakeDeno(path: string): string {
  Deno.writeTextFileSync(path, `#!/bin/sh\nprintf '%s\\n' "$@"\n`, {
    mode: 0o755,
  });
  Deno.chmodSync(path, 0o755);
  return path;
}

/** Where `sh` is, found once: a test may give the command another PATH. */
const SH = canRunSh
  ? new TextDecoder().decode(
    (await new Deno.Command("sh", { args: ["-c", "command -v sh"] }).output())
      .stdout,
  ).trim()
  : "sh";

async function sh(
  script: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const { code, stdout, stderr } = await new Deno.Command(SH, {
    args: [script, ...args],
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

shTest(
  "the installed command is the launcher, given the Deno that installed it, the installed flags and the bundle, whatever its folder's name",
  async (root) => {
    // A folder name a shell would split, expand or end a quote at.
    const dir = `${root}/o'brien's $HOME "deno" \`x\``;
    Deno.mkdirSync(dir);
    const deno = fakeDeno(`${dir}/deno`);
    const program = `${dir}/gpt4o.js`;
    Deno.writeTextFileSync(program, "");
    const script = `${dir}/gpt4o`;
    const text = posixCommand({ deno, program });
    const launcher = Deno.readTextFileSync(
      new URL("./gpt4o.sh", import.meta.url),
    );
    assert.ok(text.endsWith(launcher.slice(launcher.indexOf("\n") + 1)));
    Deno.writeTextFileSync(script, text);
    const env = { HOME: "/home/ada" };
    const args = ["-a", "cat.png", "it's"];
    const { code, stdout, stderr } = await sh(script, args, env);
    assert.deepEqual({ code, stderr }, { code: 0, stderr: "" });
    assert.deepEqual(stdout.split("\n").slice(0, -1), [
      "run",
      ...INSTALLED_DENO_FLAGS,
      ...runFlags(
        (name) => (env as Record<string, string>)[name],
        "linux",
        args,
      ),
      program,
      ...args,
    ]);
  },
);

shTest(
  "the installed command says to install again when its program is gone",
  async (dir) => {
    const script = `${dir}/gpt4o`;
    Deno.writeTextFileSync(
      script,
      posixCommand({
        deno: fakeDeno(`${dir}/deno`),
        program: `${dir}/gone.js`,
      }),
    );
    assert.deepEqual(await sh(script, ["Hi"], { HOME: "/h" }), {
      code: 2,
      stdout: "",
      stderr: `gpt4o: ${dir}/gone.js is missing: run \`deno task install\` ` +
        "again in a gpt4o clone\n",
    });
  },
);

shTest(
  "the installed command falls back to the deno on PATH, and says when there is none",
  async (dir) => {
    const program = `${dir}/gpt4o.js`;
    Deno.writeTextFileSync(program, "");
    const script = `${dir}/gpt4o`;
    Deno.writeTextFileSync(
      script,
      posixCommand({ deno: `${dir}/gone/deno`, program }),
    );
    Deno.mkdirSync(`${dir}/path`);
    fakeDeno(`${dir}/path/deno`);
    const found = await sh(script, ["Hi"], {
      HOME: "/h",
      PATH: `${dir}/path`,
    });
    assert.equal(found.code, 0);
    assert.equal(found.stdout.split("\n").at(-2), "Hi");
    assert.deepEqual(
      await sh(script, ["Hi"], { HOME: "/h", PATH: `${dir}/nowhere` }),
      {
        code: 2,
        stdout: "",
        stderr: "gpt4o: there is no deno on PATH (and the Deno it was " +
          "installed with is gone): install Deno, then run `deno task " +
          "install` again\n",
      },
    );
  },
);

Deno.test("layoutOf() installs under DENO_INSTALL_ROOT, else ~/.deno, as deno install does", () => {
  assert.deepEqual(
    layoutOf(
      (name) => ({ DENO_INSTALL_ROOT: "/opt/deno", HOME: "/h" })[name],
      "linux",
    ),
    {
      root: "/opt/deno",
      bin: "/opt/deno/bin",
      command: "/opt/deno/bin/gpt4o",
      lib: "/opt/deno/lib/gpt4o",
      program: "/opt/deno/lib/gpt4o/gpt4o.js",
      launcher: "/opt/deno/lib/gpt4o/launch.js",
    },
  );
  assert.equal(
    layoutOf((name) => ({ USERPROFILE: "C:\\Users\\ada" })[name], "windows")
      .command,
    "C:\\Users\\ada\\.deno\\bin\\gpt4o.cmd",
  );
  assert.throws(
    () => layoutOf(() => undefined, "linux"),
    new Error("cannot tell where to install: set DENO_INSTALL_ROOT (or HOME)"),
  );
});

Deno.test("the Windows command runs the launcher with the Deno that installed it", () => {
  assert.equal(
    windowsCommand({
      deno: "C:\\deno\\deno.exe",
      program: "C:\\r\\lib\\gpt4o\\gpt4o.js",
      launcher: "C:\\r\\lib\\gpt4o\\launch.js",
    }),
    "@echo off\r\n" +
      '"C:\\deno\\deno.exe" run --no-prompt --no-config --no-lock --no-remote ' +
      "--no-npm --allow-env=GPT4O_HISTORY,XDG_DATA_HOME,HOME,APPDATA,GPT4O_CONFIG,XDG_CONFIG_HOME " +
      '--allow-read "--allow-run=C:\\deno\\deno.exe" "C:\\r\\lib\\gpt4o\\launch.js" ' +
      "--no-config --no-lock --no-remote --no-npm " +
      '"C:\\r\\lib\\gpt4o\\gpt4o.js" %*\r\n',
  );
});

Deno.test("pathAdvice() says how to put the folder on PATH, only when it is not", async (t) => {
  await t.step("on PATH, with or without a trailing slash", () => {
    assert.equal(
      pathAdvice("/h/.deno/bin", "/usr/bin:/h/.deno/bin/"),
      undefined,
    );
    assert.equal(
      pathAdvice("C:\\h\\.deno\\bin", "C:\\x;C:\\h\\.deno\\bin", "windows"),
      undefined,
    );
  });
  await t.step("not on PATH, or no PATH at all", () => {
    const line =
      '/h/.deno/bin is not on your PATH: add  export PATH="/h/.deno/bin:$PATH"  ' +
      "to ~/.profile (or your shell's rc file), then open a new terminal";
    assert.equal(
      pathAdvice("/h/.deno/bin", "/usr/bin:/h/.deno", "linux"),
      line,
    );
    assert.equal(pathAdvice("/h/.deno/bin", undefined, "linux"), line);
    assert.match(
      pathAdvice("C:\\h\\.deno\\bin", "C:\\x", "windows")!,
      /^C:\\h\\\.deno\\bin is not on your PATH: add it in Settings/,
    );
  });
});

/** An install run in-process: every `deno` it would run is recorded. */
function fakeInstallIo(
  env: Record<string, string>,
  fail?: string,
): InstallIo & { ran: string[][]; out: string[]; err: string[] } {
  const ran: string[][] = [];
  const out: string[] = [];
  const err: string[] = [];
  return {
    ran,
    out,
    err,
    env: (name) => env[name],
    deno(args) {
      ran.push(args);
      const failed = fail !== undefined && args.includes(fail);
      return Promise.resolve({
        code: failed ? 1 : 0,
        stdout: "",
        stderr: failed ? "warning\nerror: it broke\n" : "",
      });
    },
    execPath: "/usr/bin/deno",
    stdout: (line) => void out.push(line),
    stderr: (line) => void err.push(line),
  };
}

Deno.test("install builds, checks the bundle, writes with write access to its two places only, and says where", async () => {
  const io = fakeInstallIo({ DENO_INSTALL_ROOT: "/r", PATH: "/usr/bin" });
  assert.equal(await install(["install"], io, "linux"), 0);
  assert.deepEqual(io.ran.map((args) => args.slice(0, 2)), [
    ["run", "--quiet"],
    ["bundle", "--quiet"],
    ["run", "--quiet"],
    ["run", ...INSTALLED_DENO_FLAGS.slice(0, 1)],
    ["run", "--no-prompt"],
  ]);
  const [clean, bundle, minify] = io.ran;
  assert.deepEqual(clean.slice(2, 4), ["--no-prompt", "--allow-write=dist"]);
  assert.equal(clean.at(-1), "--clean");
  assert.ok(bundle.includes("--code-splitting"), "chunks load when needed");
  assert.ok(minify.includes("--minify-whitespace"));
  assert.ok(minify.includes("--minify-identifiers"));
  assert.ok(!minify.some((arg) => /^--minify(-syntax)?$/.test(arg)));
  assert.ok(minify.includes("--define:process=undefined"));
  assert.ok(
    !bundle.includes("--minify"),
    "deno bundle's minifier drops `using`",
  );
  const write = io.ran[4];
  assert.deepEqual(write.slice(2, 4), [
    "--allow-read=dist,/r/bin,/r/lib/gpt4o",
    "--allow-write=/r/bin,/r/lib/gpt4o",
  ]);
  assert.deepEqual(write.slice(-3), ["--write", "/r", "/usr/bin/deno"]);
  assert.deepEqual(io.out, [
    "installed /r/bin/gpt4o",
    "  it runs /r/lib/gpt4o/gpt4o.js with /usr/bin/deno",
    '/r/bin is not on your PATH: add  export PATH="/r/bin:$PATH"  to ~/.profile ' +
    "(or your shell's rc file), then open a new terminal",
  ]);
  assert.deepEqual(io.err, []);
});

Deno.test("install stops at a failed step with one line naming it", async () => {
  const io = fakeInstallIo({ HOME: "/h" }, "--minify-whitespace");
  assert.equal(await install(["install"], io, "linux"), 1);
  assert.deepEqual(io.err, ["install failed: minify failed: error: it broke"]);
  assert.equal(io.ran.length, 3, "nothing was written");
});

Deno.test("uninstall removes with write access to the command's two places only", async () => {
  const io = fakeInstallIo({ HOME: "/h" });
  assert.equal(await install(["uninstall"], io, "linux"), 0);
  assert.deepEqual(io.ran.length, 1);
  assert.deepEqual(io.ran[0].slice(-2), ["--remove", "/h/.deno"]);
  assert.deepEqual(io.out, [
    "removed /h/.deno/bin/gpt4o and /h/.deno/lib/gpt4o",
  ]);
});

Deno.test("compile builds the binary with the permissions of this environment, never a prompt", async () => {
  const io = fakeInstallIo({ HOME: "/home/ada" });
  assert.equal(
    await install(["compile", "--target", "x86_64-apple-darwin"], io, "linux"),
    0,
  );
  assert.deepEqual(io.ran, [[
    "compile",
    ...runFlags((name) => ({ HOME: "/home/ada" })[name], "linux"),
    "--output",
    "gpt4o",
    "--target",
    "x86_64-apple-darwin",
    ENTRY,
  ]]);
  assert.ok(io.ran[0].includes("--no-prompt"));
});
