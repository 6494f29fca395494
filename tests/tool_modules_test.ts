/**
 * Tools in-process: a module server's code fetched with the user's network
 * settings, cached, and its graph checked against its grants before its
 * sandbox starts; the variables a server may be given.
 */
import assert from "node:assert/strict";
import { CONFIG_PATH, KEY, run, tempFolder } from "../testdata/harness.ts";
import { toolModel } from "../testdata/server.ts";
import {
  calls,
  DENO_ENV,
  FILES,
  LISTED,
  listWith,
  SERVER,
  toolTest,
  withTools,
} from "../testdata/tools.ts";
import { CA_FILE, startModuleHost } from "../testdata/module_host.ts";

toolTest(
  "an https module is fetched with the user's certificate settings before its sandbox starts, then runs from the cache alone",
  async (t) => {
    await using host = startModuleHost({
      "server.ts": Deno.readTextFileSync(SERVER),
    });
    const url = host.url("server.ts");
    const config = `[mcp.web]\nmodule = "${url}"\n`;
    const certificates = [
      "NODE_EXTRA_CA_CERTS",
      "DENO_CERT",
      "DENO_TLS_CA_STORE",
    ];
    await t.step(
      "a CA the user's settings do not name: exit 2, one line",
      async () => {
        // The npm packages the module imports come from the test's own settings.
        const { code, stdout, stderr } = await listWith("web", config, {
          without: ["DENO_CERT", "DENO_TLS_CA_STORE"],
        });
        assert.equal(code, 2);
        assert.equal(stdout, "");
        assert.equal(
          stderr,
          `tool server web did not start: its module ${url} could not be ` +
            `fetched from ${new URL(url).host}: invalid peer certificate: ` +
            "UnknownIssuer; if your network inspects TLS (a proxy), set " +
            "NODE_EXTRA_CA_CERTS (or DENO_CERT) to the file of its CA certificate\n",
        );
        assert.deepEqual(host.requested, []);
      },
    );
    await t.step("DENO_CERT names it: fetched, and started", async () => {
      const { code, stdout, stderr } = await listWith("web", config, {
        env: { DENO_CERT: CA_FILE },
      });
      assert.equal(code, 0, stderr);
      assert.equal(stdout, LISTED("web"));
      assert.deepEqual(host.requested, ["server.ts"]);
    });
    await host[Symbol.asyncDispose]();
    await t.step(
      "cached: it starts with the host gone and no CA named",
      async () => {
        const { code, stdout, stderr } = await listWith("web", config, {
          without: certificates,
        });
        assert.equal(code, 0, stderr);
        assert.equal(stdout, LISTED("web"));
        assert.deepEqual(host.requested, ["server.ts"]);
      },
    );
  },
);

toolTest(
  "the fetch goes through the user's proxy, as each of Deno's proxy variables names it, unless NO_PROXY exempts the host",
  async (t) => {
    await using host = startModuleHost({
      "server.ts": Deno.readTextFileSync(SERVER),
    });
    // Nothing listens there: the fetch fails if it goes through it.
    const dead = "http://127.0.0.1:9";
    const proxies = ["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"];
    for (const name of proxies) {
      await t.step(name, async () => {
        const url = host.url(`${name}.ts`);
        const { code, stderr } = await listWith(
          "web",
          `[mcp.web]\nmodule = "${url}"\n`,
          { env: { DENO_CERT: CA_FILE, [name]: dead }, without: proxies },
        );
        assert.equal(code, 2);
        assert.equal(
          stderr,
          `tool server web did not start: its module ${url} could not be ` +
            `fetched from ${
              new URL(url).host
            }: tcp connect error: Connection ` +
            `refused (os error 111); check the network, and the proxy that ` +
            `${name} names\n`,
        );
      });
    }
    await t.step("NO_PROXY", async () => {
      const { code, stdout, stderr } = await listWith(
        "web",
        `[mcp.web]\nmodule = "${host.url("server.ts")}"\n`,
        {
          env: { DENO_CERT: CA_FILE, HTTPS_PROXY: dead, NO_PROXY: "127.0.0.1" },
          without: proxies,
        },
      );
      assert.equal(code, 0, stderr);
      assert.equal(stdout, LISTED("web"));
    });
    assert.deepEqual(host.requested, ["server.ts"]);
  },
);

toolTest(
  "a fetch that takes longer than the server's timeout: exit 2, one line saying what to do",
  async () => {
    await using host = startModuleHost({}, { hang: ["slow.ts"] });
    const url = host.url("slow.ts");
    const { code, stderr } = await listWith(
      "web",
      `[mcp.web]\nmodule = "${url}"\ntimeout = 0.5\n`,
      { env: { DENO_CERT: CA_FILE } },
    );
    assert.equal(code, 2);
    assert.equal(
      stderr,
      `tool server web did not start: fetching its module ${url} took ` +
        "longer than its timeout (0.5 s): check the network, or raise " +
        "timeout in [mcp.web] of the config file\n",
    );
  },
);

toolTest(
  "once its code is cached, a module server starts with no network at all",
  async () => {
    const local = `[mcp.t]\nmodule = ${JSON.stringify(SERVER)}\n`;
    assert.equal((await listWith("t", local)).code, 0);
    const { code, stdout, stderr } = await listWith("t", local, {
      env: {
        HTTPS_PROXY: "http://127.0.0.1:9",
        ALL_PROXY: "http://127.0.0.1:9",
      },
      without: ["https_proxy", "all_proxy", "NO_PROXY", "no_proxy"],
    });
    assert.equal(code, 0, stderr);
    assert.equal(stdout, LISTED("t"));
  },
);

/**
 * A module server in a folder of its own (`srv/server.ts`, which runs the
 * test server copied beside it after the line `first` gives for the
 * folder), with
 * `srv/notes.txt` inside the folder, and `secret.txt` and `data.json` beside
 * it, outside.
 */
async function serverFolder(first: (dir: string) => string) {
  const folder = await tempFolder();
  const { dir } = folder;
  await Deno.mkdir(`${dir}/srv`);
  await Deno.copyFile(SERVER, `${dir}/srv/mcp_server.ts`);
  await Deno.writeTextFile(`${dir}/srv/notes.txt`, "my notes\n");
  await Deno.writeTextFile(`${dir}/secret.txt`, "not for the server\n");
  await Deno.writeTextFile(`${dir}/data.json`, '{"token":"not for it"}\n');
  await Deno.writeTextFile(
    `${dir}/srv/server.ts`,
    `${first(dir)}\nimport "./mcp_server.ts";\n`,
  );
  return folder;
}

/** Makes `link` a symbolic link to `target`. */
async function symlink(target: string, link: string) {
  const { success } = await new Deno.Command("sh", {
    args: ["-c", 'ln -s "$1" "$2"', "sh", target, link],
  }).output();
  assert.ok(success, `ln -s ${target} ${link}`);
}

toolTest(
  "a module whose code imports a local file outside its folder and its allow_read does not start: exit 2, one line naming the file, nothing sent",
  async (t) => {
    const cases: [string, (dir: string) => string, (dir: string) => string][] =
      [
        [
          "a text import by a relative path",
          () => 'import key from "../secret.txt" with { type: "text" };',
          (dir) => `${dir}/secret.txt`,
        ],
        [
          "a JSON import by an absolute path",
          (dir) => `import data from "${dir}/data.json" with { type: "json" };`,
          (dir) => `${dir}/data.json`,
        ],
        [
          "an import() of a literal, not yet run",
          () =>
            'export const later = () => import("../secret.txt", { with: { type: "text" } });',
          (dir) => `${dir}/secret.txt`,
        ],
        [
          "a link in its folder to a file outside",
          () => 'import key from "./key.txt" with { type: "text" };',
          (dir) => `${dir}/srv/key.txt (a link to ${dir}/secret.txt)`,
        ],
      ];
    for (const [name, line, named] of cases) {
      await t.step(name, async () => {
        await using folder = await serverFolder(line);
        const { dir } = folder;
        await symlink(`${dir}/secret.txt`, `${dir}/srv/key.txt`);
        const { code, stdout, stderr, requests } = await run(
          ["-T", "s", "Hi"],
          {
            config: `[mcp.s]\nmodule = "${dir}/srv/server.ts"\n` +
              `allow_read = ["${dir}/srv/notes.txt"]\n`,
            env: {
              OPENAI_API_KEY: KEY,
              GPT4O_CONFIG: CONFIG_PATH,
              ...DENO_ENV,
            },
          },
        );
        assert.equal(code, 2);
        assert.equal(stdout, "");
        assert.equal(
          stderr,
          `tool server s did not start: its module imports ${
            named(dir)
          }, which lies outside its folder ${dir}/srv and its allow_read, ` +
            "and Deno would let it read the file unasked: if the server may " +
            "read it, add it to allow_read in [mcp.s] of the config file\n",
        );
        assert.equal(requests.length, 0);
      });
    }
  },
);

toolTest(
  "a module whose code imports only files in its folder or its allow_read starts",
  async (t) => {
    const cases: [string, string, (dir: string) => string][] = [
      [
        "a file in its folder, nothing granted",
        'import notes from "./notes.txt" with { type: "text" };',
        () => "",
      ],
      [
        "an import() of a file that is not there, which fails only if it runs",
        'export const later = () => import("./gone.ts");',
        () => "",
      ],
      [
        "a file outside that allow_read names",
        'import key from "../secret.txt" with { type: "text" };',
        (dir) => `allow_read = ["${dir}/secret.txt"]\n`,
      ],
    ];
    for (const [name, line, grant] of cases) {
      await t.step(name, async () => {
        await using folder = await serverFolder(() => line);
        const { code, stdout, stderr } = await listWith(
          "s",
          `[mcp.s]\nmodule = "${folder.dir}/srv/server.ts"\n${
            grant(folder.dir)
          }`,
        );
        assert.equal(code, 0, stderr);
        assert.equal(
          stdout.split("\n")[0],
          grant(folder.dir)
            ? `s (sandboxed: read ${folder.dir}/secret.txt)`
            : "s (sandboxed: nothing granted)",
        );
      });
    }
  },
);

/**
 * A proxy on 127.0.0.1 that refuses every request, and keeps the first line
 * of each (`CONNECT registry.npmjs.org:443 …`): where a download would go.
 */
function refusingProxy(): AsyncDisposable & { url: string; asked: string[] } {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const asked: string[] = [];
  const served = (async () => {
    for await (const connection of listener) {
      const bytes = new Uint8Array(1024);
      const read = await connection.read(bytes).catch(() => null);
      asked.push(
        new TextDecoder().decode(bytes.subarray(0, read ?? 0)).split("\r\n")[0],
      );
      connection.close();
    }
  })();
  return {
    url: `http://127.0.0.1:${listener.addr.port}`,
    asked,
    async [Symbol.asyncDispose]() {
      listener.close();
      await served.catch(() => {});
    },
  };
}

toolTest(
  "an import() computed while a module runs: Deno refuses a local file outside its grants, and an npm package not in the cache is never fetched",
  async () => {
    await using proxy = refusingProxy();
    const inside = `${FILES}hello.py`;
    const { code, stdout, stderr } = await withTools(
      [
        "-T",
        "t",
        "--yes",
        calls(
          ["import", { specifier: inside }],
          ["import", { specifier: "/etc/hostname" }],
          ["import", { specifier: "npm:@evil/exfil-s3cret" }],
        ),
      ],
      // Deno itself reads the proxy variables: a download would go there.
      {
        table:
          `env = { HTTPS_PROXY = "${proxy.url}", HTTP_PROXY = "${proxy.url}", ` +
          `ALL_PROXY = "${proxy.url}" }`,
      },
    );
    assert.equal(code, 0, stderr);
    assert.equal(
      stdout,
      `The tools said: ${Deno.readTextFileSync(inside)} | error: Requires ` +
        'read access to "/etc/hostname": add it to allow_read in [mcp.t] of ' +
        "the config file | error: Failed loading " +
        "https://registry.npmjs.org/@evil%2fexfil-s3cret for package " +
        '"@evil/exfil-s3cret"\n',
    );
    assert.deepEqual(proxy.asked, []);
  },
);

toolTest(
  "allow_env may not name a variable that holds one of the program's keys, a custom provider's key_env above all: exit 2, one line, nothing started",
  async (t) => {
    for (const key of ["GPT4O_WORK_KEY", "OPENAI_API_KEY", "GROQ_API_KEY"]) {
      await t.step(key, async () => {
        const { code, stdout, stderr, requests } = await withTools(
          ["-T", "t", "--yes", calls(["env", { name: key }])],
          {
            more: '[providers.work]\nbase_url = "http://127.0.0.1:9/v1"\n' +
              'key_env = "GPT4O_WORK_KEY"\n',
            table: `allow_env = ["NOTES", "${key}"]`,
            env: { GPT4O_WORK_KEY: "sk-work-0123456789abcdef" },
          },
        );
        assert.equal(code, 2);
        assert.equal(stdout, "");
        assert.equal(
          stderr,
          `${CONFIG_PATH}: mcp.t.allow_env names ${key}, which holds a key ` +
            "of the program's own: a tool server may not have it (give it a " +
            "key of its own in env)\n",
        );
        assert.equal(requests.length, 0);
      });
    }
  },
);

toolTest(
  "two servers with a tool of one name: the allow of one approves its own tool only, never the other's",
  async () => {
    const server = (name: string, allow: string) =>
      `[mcp.${name}]\nmodule = ${JSON.stringify(SERVER)}\nallow = ${allow}\n`;
    const { code, stdout, stderr } = await run(
      [
        "-T",
        "a",
        "-T",
        "b",
        calls(["a_echo", { text: "x" }], ["b_echo", {
          text: "y",
        }]),
      ],
      {
        // b_echo in a's list names no tool of a's.
        config: server("a", '["echo", "b_echo"]') + server("b", "[]"),
        env: { OPENAI_API_KEY: KEY, GPT4O_CONFIG: CONFIG_PATH, ...DENO_ENV },
        reply: (seen) => toolModel(seen.body),
      },
    );
    assert.equal(code, 0, stderr);
    assert.equal(
      stdout,
      "The tools said: x | error: the user did not approve this call (no " +
        "terminal to ask); do not try it again\n",
    );
    assert.match(
      stderr,
      /^tool a\.echo \{"text":"x"\}: 1 character \(\d+ ms\)\ntool b\.echo refused: there is no terminal to ask; approve it with --yes, or allow = \["echo"\] in \[mcp\.b\] of the config file\n$/,
    );
  },
);
