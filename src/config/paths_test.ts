import assert from "node:assert/strict";
import { ConfigError } from "./connection.ts";
import { HISTORY_ENV_VARIABLES, historyFolder, historyPath } from "./paths.ts";

const envOf = (vars: Record<string, string>) => (name: string) => {
  assert.ok(
    (HISTORY_ENV_VARIABLES as readonly string[]).includes(name),
    `read ${name}, which HISTORY_ENV_VARIABLES does not list`,
  );
  return vars[name];
};

Deno.test("historyPath() takes GPT4O_HISTORY as it is on every platform", () => {
  for (const os of ["linux", "darwin", "windows"] as const) {
    assert.equal(
      historyPath(envOf({ GPT4O_HISTORY: "my.db", HOME: "/h" }), os),
      "my.db",
    );
    assert.equal(
      historyPath(envOf({ GPT4O_HISTORY: " /data/h.db " }), os),
      "/data/h.db",
    );
  }
});

Deno.test("historyPath() is undefined for GPT4O_HISTORY=off in any case", () => {
  for (const off of ["off", "OFF", "Off", " off "]) {
    for (const os of ["linux", "darwin", "windows"] as const) {
      assert.equal(
        historyPath(envOf({ GPT4O_HISTORY: off, HOME: "/h" }), os),
        undefined,
      );
    }
  }
  // Even without any folder variable: off needs none.
  assert.equal(
    historyPath(envOf({ GPT4O_HISTORY: "off" }), "linux"),
    undefined,
  );
});

Deno.test("historyPath() ignores an empty GPT4O_HISTORY", () => {
  assert.equal(
    historyPath(envOf({ GPT4O_HISTORY: "", HOME: "/home/ada" }), "linux"),
    "/home/ada/.local/share/gpt4o/history.db",
  );
});

Deno.test("historyPath() uses an absolute XDG_DATA_HOME first", () => {
  const env = envOf({
    XDG_DATA_HOME: "/xdg/data",
    HOME: "/home/ada",
    APPDATA: "C:\\Users\\ada\\AppData\\Roaming",
  });
  assert.equal(historyPath(env, "linux"), "/xdg/data/gpt4o/history.db");
  assert.equal(historyPath(env, "freebsd"), "/xdg/data/gpt4o/history.db");
  assert.equal(historyPath(env, "darwin"), "/xdg/data/gpt4o/history.db");
  assert.equal(
    historyPath(
      envOf({ XDG_DATA_HOME: "D:\\xdg", APPDATA: "C:\\a" }),
      "windows",
    ),
    "D:\\xdg\\gpt4o\\history.db",
  );
});

Deno.test("historyPath() ignores a relative or empty XDG_DATA_HOME", () => {
  for (const xdg of ["data", "./data", "", "  "]) {
    assert.equal(
      historyPath(envOf({ XDG_DATA_HOME: xdg, HOME: "/home/ada" }), "linux"),
      "/home/ada/.local/share/gpt4o/history.db",
    );
  }
  assert.equal(
    historyPath(envOf({ XDG_DATA_HOME: "xdg", APPDATA: "C:\\a" }), "windows"),
    "C:\\a\\gpt4o\\history.db",
  );
});

Deno.test("historyPath() defaults to each platform's data folder", () => {
  const env = envOf({
    HOME: "/home/ada",
    APPDATA: "C:\\Users\\ada\\AppData\\Roaming",
  });
  assert.equal(
    historyPath(env, "linux"),
    "/home/ada/.local/share/gpt4o/history.db",
  );
  assert.equal(
    historyPath(env, "freebsd"),
    "/home/ada/.local/share/gpt4o/history.db",
  );
  assert.equal(
    historyPath(env, "darwin"),
    "/home/ada/Library/Application Support/gpt4o/history.db",
  );
  assert.equal(
    historyPath(env, "windows"),
    "C:\\Users\\ada\\AppData\\Roaming\\gpt4o\\history.db",
  );
});

Deno.test("historyPath() names the missing variable when there is no folder", () => {
  const fix = "(set GPT4O_HISTORY to a file, or GPT4O_HISTORY=off)";
  for (const os of ["linux", "darwin"] as const) {
    assert.throws(
      () => historyPath(envOf({ APPDATA: "C:\\a", XDG_DATA_HOME: "rel" }), os),
      new ConfigError(
        `cannot tell where to keep the history: HOME is not set ${fix}`,
      ),
    );
  }
  assert.throws(
    () => historyPath(envOf({ HOME: "/home/ada" }), "windows"),
    new ConfigError(
      `cannot tell where to keep the history: APPDATA is not set ${fix}`,
    ),
  );
});

Deno.test("historyPath() defaults to the running platform", () => {
  const env = envOf({ GPT4O_HISTORY: "x.db" });
  assert.equal(historyPath(env), "x.db");
});

Deno.test("historyFolder() is the folder the program must be allowed to write", async (t) => {
  const cases: [
    string,
    Record<string, string>,
    typeof Deno.build.os,
    string | undefined,
  ][] = [
    [
      "the default",
      { HOME: "/home/ada" },
      "linux",
      "/home/ada/.local/share/gpt4o",
    ],
    [
      "macOS",
      { HOME: "/Users/ada" },
      "darwin",
      "/Users/ada/Library/Application Support/gpt4o",
    ],
    [
      "XDG_DATA_HOME",
      { HOME: "/home/ada", XDG_DATA_HOME: "/data" },
      "linux",
      "/data/gpt4o",
    ],
    [
      "Windows",
      { APPDATA: "C:\\Users\\ada\\AppData\\Roaming" },
      "windows",
      "C:\\Users\\ada\\AppData\\Roaming\\gpt4o",
    ],
    [
      "GPT4O_HISTORY",
      { GPT4O_HISTORY: "/any/folder/file.db" },
      "linux",
      "/any/folder",
    ],
    [
      "a relative GPT4O_HISTORY",
      { GPT4O_HISTORY: "notes/h.db" },
      "linux",
      "notes",
    ],
    ["a bare file name", { GPT4O_HISTORY: "h.db" }, "linux", "."],
    [
      "history off",
      { GPT4O_HISTORY: "off", HOME: "/home/ada" },
      "linux",
      undefined,
    ],
    ["no HOME", {}, "linux", undefined],
  ];
  for (const [name, vars, os, folder] of cases) {
    await t.step(
      name,
      () => assert.equal(historyFolder(envOf(vars), os), folder),
    );
  }
});
