import assert from "node:assert/strict";
import { languageOf, osName, shellOf, startOf } from "./shell.ts";
import { commandOf } from "./proposal.ts";

Deno.test("shellOf() takes $SHELL as it is set, named by its last part, else sh", async (t) => {
  const cases: [Record<string, string>, string, string, string][] = [
    [{ SHELL: "/bin/bash" }, "bash", "bash", "/bin/bash"],
    [{ SHELL: " /usr/bin/zsh\n" }, "zsh", "zsh", "/usr/bin/zsh"],
    [{ SHELL: "/usr/local/bin/fish" }, "fish", "fish", "/usr/local/bin/fish"],
    [{ SHELL: "/bin/dash" }, "dash", "sh", "/bin/dash"],
    [{ SHELL: "/bin/tcsh" }, "tcsh", "sh", "/bin/tcsh"],
    [{ SHELL: "zsh" }, "zsh", "zsh", "zsh"],
    [{ SHELL: "/usr/bin/pwsh" }, "pwsh", "powershell", "/usr/bin/pwsh"],
    [{ SHELL: "" }, "sh", "sh", "sh"],
    [{}, "sh", "sh", "sh"],
  ];
  for (const [env, name, kind, program] of cases) {
    await t.step(JSON.stringify(env), () => {
      assert.deepEqual(shellOf((variable) => env[variable], "linux"), {
        name,
        kind,
        program,
      });
    });
  }
});

Deno.test("shellOf() leaves out a SHELL that .env sets, or that the run may not read", () => {
  const fromFile = Object.assign(
    (name: string) => ({ SHELL: "/tmp/evil" })[name],
    { fromFile: (name: string) => name === "SHELL" },
  );
  assert.equal(shellOf(fromFile, "linux").program, "sh");
  const refused = () => {
    throw new Deno.errors.NotCapable('Requires env access to "SHELL"');
  };
  assert.equal(shellOf(refused, "darwin").program, "sh");
});

Deno.test("shellOf() on Windows: PowerShell in a session of it (pwsh for 7), else cmd", async (t) => {
  const seven = "C:\\Users\\ada\\Documents\\PowerShell\\Modules;" +
    "C:\\Program Files\\PowerShell\\Modules;" +
    "c:\\program files\\powershell\\7\\Modules;" +
    "C:\\WINDOWS\\system32\\WindowsPowerShell\\v1.0\\Modules";
  const five = "C:\\Users\\ada\\Documents\\WindowsPowerShell\\Modules;" +
    "C:\\Program Files\\WindowsPowerShell\\Modules;" +
    "C:\\WINDOWS\\system32\\WindowsPowerShell\\v1.0\\Modules";
  const system = "C:\\Program Files\\WindowsPowerShell\\Modules;" +
    "C:\\WINDOWS\\system32\\WindowsPowerShell\\v1.0\\Modules";
  const cmd = "C:\\WINDOWS\\system32\\cmd.exe";
  const cases: [string, Record<string, string>, string, string, string][] = [
    [
      "PowerShell 7",
      { PSModulePath: seven, ComSpec: cmd },
      "pwsh",
      "powershell",
      "pwsh",
    ],
    [
      "Windows PowerShell",
      { PSModulePath: five },
      "powershell",
      "powershell",
      "powershell",
    ],
    [
      "cmd: the system's modules alone",
      { PSModulePath: system, ComSpec: cmd },
      "cmd",
      "cmd",
      cmd,
    ],
    ["cmd without ComSpec", {}, "cmd", "cmd", "cmd.exe"],
    [
      "$SHELL is no Windows shell",
      { SHELL: "/bin/bash" },
      "cmd",
      "cmd",
      "cmd.exe",
    ],
  ];
  for (const [name, env, shown, kind, program] of cases) {
    await t.step(name, () => {
      assert.deepEqual(shellOf((variable) => env[variable], "windows"), {
        name: shown,
        kind,
        program,
      });
    });
  }
});

Deno.test("startOf() runs a command with -c, -Command, or cmd's /d /s /c as one line", () => {
  assert.deepEqual(
    startOf({ name: "fish", kind: "fish", program: "fish" }, "ls; pwd"),
    { program: "fish", args: ["-c", "ls; pwd"] },
  );
  assert.deepEqual(
    startOf({ name: "pwsh", kind: "powershell", program: "pwsh" }, "Get-Date"),
    { program: "pwsh", args: ["-Command", "Get-Date"] },
  );
  assert.deepEqual(
    startOf({ name: "cmd", kind: "cmd", program: "cmd.exe" }, 'dir "a b"'),
    {
      program: "cmd.exe",
      args: ["/d", "/s", "/c", '"dir "a b""'],
      windowsRawArguments: true,
    },
  );
});

Deno.test("osName() and languageOf() name the system and the shell's language", () => {
  assert.deepEqual(
    (["linux", "darwin", "windows", "freebsd"] as const).map(osName),
    ["Linux", "macOS", "Windows", "FreeBSD"],
  );
  assert.deepEqual(
    (["sh", "bash", "zsh", "fish", "powershell", "cmd"] as const).map(
      languageOf,
    ),
    ["bash", "bash", "bash", "bash", "powershell", "dos"],
  );
});

Deno.test("commandOf() takes the first fenced block, else the text, trimmed, its control characters made visible", async (t) => {
  const cases: [string, string, string][] = [
    ["a plain answer", "ls -la\n", "ls -la"],
    [
      "a fenced answer",
      "```bash\nfind . -size +100M\n```",
      "find . -size +100M",
    ],
    [
      "the first of two blocks",
      "Run:\n```sh\ndu -sh *\n```\nor\n```sh\nls\n```",
      "du -sh *",
    ],
    ["a block of two lines", "```\ncd build\nmake\n```\n", "cd build\nmake"],
    ["CRLF line ends", "```sh\r\nls\r\n```\r\n", "ls"],
    [
      "an escape and a carriage return",
      "echo \x1b]0;x\x07 hi\rrm",
      "echo ␛]0;x␇ hi␍rm",
    ],
    ["nothing", "  \n", ""],
  ];
  for (const [name, answer, command] of cases) {
    await t.step(name, () => assert.equal(commandOf(answer), command));
  }
});
