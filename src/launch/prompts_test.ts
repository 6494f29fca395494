import assert from "node:assert/strict";
import { askForWhatIsLacking, type Permissions } from "./prompts.ts";

/** Permissions where `given` are granted, and each request is answered `answer`. */
function staged(given: string[], answer = "granted") {
  const states = new Map(given.map((each) => [each, "granted"]));
  const asked: string[] = [];
  const key = (d: Deno.PermissionDescriptor) =>
    `${d.name} ${
      d.name === "env"
        ? d.variable
        : d.name === "run"
        ? d.command
        : "path" in d
        ? d.path
        : ""
    }`;
  const permissions: Permissions = {
    querySync: (d) => ({ state: states.get(key(d)) ?? "prompt" }),
    request: (d) => {
      asked.push(key(d));
      states.set(key(d), answer);
      return Promise.resolve({ state: answer });
    },
  };
  return { asked, permissions };
}

Deno.test("askForWhatIsLacking() asks nothing of a run a launcher started, or one given the key", async () => {
  const { asked, permissions } = staged(["env OPENAI_API_KEY"]);
  await askForWhatIsLacking(["-a", "cat.png", "Hi"], permissions, () => "/h");
  assert.deepEqual(asked, []);
});

Deno.test("askForWhatIsLacking() asks only what is not given, the files named last", async () => {
  const { asked, permissions } = staged(["env OPENAI_BASE_URL", "read .env"]);
  await askForWhatIsLacking(
    ["-a", "cat.png", "-f", "notes/", "Hi"],
    permissions,
    (name) => ({ HOME: "/home/ada" })[name],
    "linux",
  );
  assert.deepEqual(asked, [
    "env OPENAI_API_KEY",
    "env OPENAI_CUSTOM_HEADERS",
    "env HOME",
    "read /home/ada/.config/gpt4o/config.toml",
    "read /home/ada/.local/share/gpt4o",
    "write /home/ada/.local/share/gpt4o",
    "read cat.png",
    "read notes/",
  ]);
});

Deno.test("askForWhatIsLacking() refused asks on, and places nothing it may not read", async () => {
  const { asked, permissions } = staged([], "denied");
  await askForWhatIsLacking(["Hi"], permissions, () => "/home/ada", "linux");
  assert.deepEqual(asked, [
    "env OPENAI_API_KEY",
    "env OPENAI_BASE_URL",
    "env OPENAI_CUSTOM_HEADERS",
    "env HOME",
    "read .env",
  ]);
});

Deno.test("askForWhatIsLacking() on Windows asks for APPDATA, where both places are", async () => {
  const { asked, permissions } = staged([]);
  await askForWhatIsLacking(
    ["-m", "groq:,ollama:", "Hi"],
    permissions,
    (name) => ({ APPDATA: "C:\\Users\\ada\\AppData\\Roaming" })[name],
    "windows",
  );
  assert.deepEqual(asked, [
    "env OPENAI_API_KEY",
    "env OPENAI_BASE_URL",
    "env OPENAI_CUSTOM_HEADERS",
    "env GROQ_API_KEY",
    "env APPDATA",
    "read .env",
    "read C:\\Users\\ada\\AppData\\Roaming\\gpt4o\\config.toml",
    "read C:\\Users\\ada\\AppData\\Roaming\\gpt4o",
    "write C:\\Users\\ada\\AppData\\Roaming\\gpt4o",
  ]);
});

Deno.test("askForWhatIsLacking() asks a run with -e or --chat for the shell, and to start it", async (t) => {
  for (
    const [name, args, os, env, wanted] of [
      ["-e", ["-e", "list"], "linux", { SHELL: "/bin/zsh" }, [
        "env SHELL",
        "run /bin/zsh",
      ]],
      ["--chat without $SHELL", ["--chat"], "linux", {}, [
        "read .",
        "env SHELL",
        "run sh",
      ]],
      ["on Windows", ["-e", "list"], "windows", {
        ComSpec: "C:\\WINDOWS\\system32\\cmd.exe",
      }, [
        "env PSModulePath",
        "env ComSpec",
        "run C:\\WINDOWS\\system32\\cmd.exe",
      ]],
      ["no -e", ["list"], "linux", { SHELL: "/bin/zsh" }, []],
    ] as const
  ) {
    await t.step(name, async () => {
      // All but the key given already: a plain run that asks for the rest.
      const { asked, permissions } = staged([
        "env OPENAI_BASE_URL",
        "env OPENAI_CUSTOM_HEADERS",
        "env HOME",
        "env APPDATA",
        "read .env",
      ]);
      await askForWhatIsLacking(
        [...args],
        permissions,
        (variable) => (env as Record<string, string>)[variable],
        os,
      );
      assert.deepEqual(
        asked.filter((each) => each !== "env OPENAI_API_KEY"),
        wanted,
      );
    });
  }
});
