/**
 * End to end, as a hostile server, file or working folder would probe it:
 * local servers stand in for the other hosts (a second server for a redirect's
 * target, a proxy for a host named in `.env`).
 */
import assert from "node:assert/strict";
import { ANSWER, completion } from "../testdata/fixtures.ts";
import { HOSTILE } from "../testdata/server.ts";
import {
  atTerminal,
  collect,
  DOTENV_KEY,
  e2e,
  hasBash,
  hasScript,
  HISTORY,
  installed,
  launchedFlags,
  MAIN,
  program,
  seen,
  SHIM,
  SKIP_HINT,
  spawn,
  TMP,
} from "../testdata/e2e.ts";

const HEADER_SECRET = "gw-token-SECRET-0123456789";

/** A server on 127.0.0.1 that answers every request with `answer`, keeping what came. */
function recorder(answer: (request: Request) => Response) {
  const seen: { url: string; headers: Headers }[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (request) => {
      seen.push({ url: request.url, headers: request.headers });
      return answer(request);
    },
  );
  return {
    seen,
    origin: `http://127.0.0.1:${server.addr.port}`,
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}

const answered = () => Response.json(completion("from the proxy"));

e2e(
  "a redirect to another server is not followed: no key, header, org or project reaches it",
  async () => {
    await using target = recorder(answered);
    await using redirecting = recorder(() =>
      new Response(null, {
        status: 307,
        headers: { location: `${target.origin}/v1/chat/completions` },
      })
    );
    const run = await program(["Hi"], {
      baseURL: `${redirecting.origin}/v1`,
      env: {
        OPENAI_CUSTOM_HEADERS: `X-Gw-Token: ${HEADER_SECRET}`,
        OPENAI_ORG_ID: "org-0123456789",
        OPENAI_PROJECT_ID: "proj_0123456789",
      },
    });
    assert.deepEqual(seen(run), {
      code: 2,
      stdout: "",
      stderr: `${new URL(redirecting.origin).host} redirected the request ` +
        `(307) to ${target.origin}/v1/chat/completions, which is not followed ` +
        "so that no key or header goes to another server: if the API is " +
        `there, set OPENAI_BASE_URL=${target.origin}/v1\n`,
    });
    assert.equal(redirecting.seen.length, 1);
    assert.equal(
      redirecting.seen[0].headers.get("x-gw-token"),
      HEADER_SECRET,
      "the server it was meant for got its header",
    );
    assert.deepEqual(target.seen, []);
  },
);

e2e(
  "a key of another provider is masked in the answer and the history, whichever provider answers",
  async (server) => {
    const groq = "gsk-groq-SECRET-0123456789abcdef";
    const url = new URL(server.url("echo"));
    const run = await program(["-m", "ollama:llama3.2", `repeat ${groq}`], {
      key: null,
      env: {
        GROQ_API_KEY: groq,
        OLLAMA_HOST: `http://admin:S3cretPassw0rd99@${url.host}/echo`,
      },
    });
    assert.deepEqual(seen(run), {
      code: 0,
      stdout: "1: repeat [redacted]\n",
      stderr: "",
    });
    const bytes = new TextDecoder().decode(
      Deno.readFileSync(`${HISTORY}/history.db`),
    );
    assert.ok(!bytes.includes(groq) && !bytes.includes("S3cretPassw0rd99"));
  },
);

e2e(
  "OLLAMA_HOST is never quoted: a bad one gets one line without its password",
  async () => {
    const run = await program(["-m", "ollama:llama3.2", "Hi"], {
      key: null,
      env: { OLLAMA_HOST: "ftp://admin:S3cretPassw0rd99@gpu-box" },
    });
    assert.deepEqual(seen(run), {
      code: 2,
      stdout: "",
      stderr: "OLLAMA_HOST must be host, host:port or an http:// or https:// " +
        "URL such as http://localhost:11434 (its value is not shown: it may " +
        "hold a secret)\n",
    });
  },
);

e2e(
  "a base URL that only .env names gets no key of the environment: exit 2, and the proxy sees nothing",
  async () => {
    await using proxy = recorder(answered);
    const cwd = await Deno.makeTempDir({ dir: TMP, prefix: "cloned-" });
    try {
      Deno.writeTextFileSync(
        `${cwd}/.env`,
        "OPENAI_BASE_URL=http://collector.example/v1\n",
      );
      const env = { HTTP_PROXY: proxy.origin, NO_PROXY: "" };
      const refused = await program(["Hi"], { cwd, env });
      assert.equal(refused.code, 2);
      assert.match(
        refused.stderr,
        /^\.env in this directory sets OPENAI_BASE_URL, and OPENAI_API_KEY comes from your environment: /,
      );
      assert.equal(proxy.seen.length, 0, "it was sent");
      // With the key in that same .env, the request goes there (through the proxy).
      Deno.writeTextFileSync(
        `${cwd}/.env`,
        "OPENAI_BASE_URL=http://collector.example/v1\nOPENAI_API_KEY=sk-its-own-0123456789\n",
      );
      const sent = await program(["Hi"], { cwd, env, key: null });
      assert.deepEqual(seen(sent), {
        code: 0,
        stdout: "from the proxy\n",
        stderr: "",
      });
      assert.deepEqual(
        proxy.seen.map((
          { url, headers },
        ) => [url, headers.get("authorization")]),
        [[
          "http://collector.example/v1/chat/completions",
          "Bearer sk-its-own-0123456789",
        ]],
      );
    } finally {
      await Deno.remove(cwd, { recursive: true });
    }
  },
);

e2e(
  "-f . leaves out .env, .npmrc and a private key, names them in one note, masks the key in what it sends, and --show shows what was sent",
  async (server) => {
    const cwd = await Deno.makeTempDir({ dir: TMP, prefix: "project-" });
    const npmToken = "npm_SECRETtoken0123456789abcdef";
    const privateKey = "-----BEGIN OPENSSH PRIVATE KEY-----\n" +
      "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ==\n" +
      "-----END OPENSSH PRIVATE KEY-----\n";
    const tree: Record<string, string> = {
      ".env": `OPENAI_API_KEY=${DOTENV_KEY}\n`,
      ".env.example": "OPENAI_API_KEY=\n",
      ".npmrc": `//registry.npmjs.org/:_authToken=${npmToken}\n`,
      "keys/deploy": privateKey,
      "keys/id_ed25519": privateKey,
      "main.py": `KEY = "${DOTENV_KEY}"\n`,
    };
    try {
      for (const [path, text] of Object.entries(tree)) {
        await Deno.mkdir(`${cwd}/${path}`.replace(/\/[^/]*$/, ""), {
          recursive: true,
        });
        Deno.writeTextFileSync(`${cwd}/${path}`, text);
      }
      const env = { GPT4O_HISTORY: `${cwd}/history/h.db` };
      const run = await program(["-f", ".", "review"], {
        cwd,
        env,
        key: null,
        baseURL: server.url("ok"),
      });
      assert.deepEqual(seen(run), {
        code: 0,
        stdout: `${ANSWER}\n`,
        stderr:
          "left out of -f .: .env, .npmrc, keys/deploy, keys/id_ed25519 " +
          "(they may hold secrets; name a file on its own to send it)\n",
      });
      const fence = "`".repeat(3);
      const sent = [
        { role: "system", content: "You are a helpful assistant." },
        {
          role: "user",
          content:
            `review\n\n./.env.example\n${fence}\nOPENAI_API_KEY=\n${fence}` +
            `\n\n./main.py\n${fence}python\nKEY = "[redacted]"\n${fence}`,
        },
      ];
      const [body] = server.requests.get("ok")!;
      assert.deepEqual(body.messages, sent);
      const text = JSON.stringify(body);
      for (const secret of [DOTENV_KEY, npmToken, "PRIVATE KEY"]) {
        assert.ok(!text.includes(secret), secret);
      }
      const show = await program(["--show", "1", "--json"], { cwd, env });
      assert.equal(show.code, 0, show.stderr);
      assert.deepEqual(
        JSON.parse(show.stdout).messages,
        [...sent, { role: "assistant", content: ANSWER }],
      );
    } finally {
      await Deno.remove(cwd, { recursive: true });
    }
  },
);

e2e(
  "a .env that is a FIFO or a link to /dev/zero stops at once with exit 2 naming .env",
  async (server) => {
    if (!hasBash) return;
    const cwd = await Deno.makeTempDir({ dir: TMP, prefix: "dotenv-" });
    try {
      for (const make of ["mkfifo .env", "ln -s /dev/zero .env"]) {
        await Deno.remove(`${cwd}/.env`).catch(() => {});
        await new Deno.Command("bash", { args: ["-c", make], cwd }).output();
        const run = await program(["Hi"], { cwd, baseURL: server.url("ok") });
        assert.deepEqual(seen(run), {
          code: 2,
          stdout: "",
          stderr: ".env in this directory cannot be read (it is not a " +
            "regular file): fix it or remove it\n",
        }, make);
        assert.ok(run.ms < 5000, `${make}: took ${run.ms} ms`);
      }
    } finally {
      await Deno.remove(cwd, { recursive: true });
    }
  },
);

e2e(
  "an answer's escape sequences reach a pipe exactly as sent",
  async (server) => {
    const runs = await Promise.all(
      [[], ["--stream"]].map((args) =>
        program(args, { baseURL: server.url("hostile") })
      ),
    );
    assert.deepEqual(
      runs.map(seen),
      [0, 1].map(() => ({ code: 0, stdout: `${HOSTILE}\n`, stderr: "" })),
    );
  },
);

Deno.test({
  name: "at a terminal, an answer's escape sequences are shown, not obeyed" +
    (hasScript ? "" : ` (${SKIP_HINT})`),
  ignore: !hasScript,
  async fn() {
    const { startServer } = await import("../testdata/server.ts");
    await using server = startServer();
    await installed();
    for (const command of [["deno", "run", ...launchedFlags(), MAIN], [SHIM]]) {
      for (const args of [["Hi"], ["--stream", "Hi"]]) {
        const terminal = atTerminal(
          [...command, ...args],
          server.url("hostile"),
        );
        const { code, output } = await terminal.end();
        assert.deepEqual({ code, output }, {
          code: 0,
          output: "␛]0;pwned␇Hi␛[2J␛[8mhidden␛[0m\n",
        }, [...command, ...args].join(" "));
      }
    }
  },
});

e2e(
  "the history reads with read access alone: --history lists, and a run that cannot save says why and leaves no -wal or -shm",
  async (server) => {
    const folder = await Deno.makeTempDir({ dir: TMP, prefix: "readonly-" });
    try {
      const env = { GPT4O_HISTORY: `${folder}/h.db` };
      const first = await program(["Saved"], {
        baseURL: server.url("echo"),
        env,
      });
      assert.equal(first.code, 0, first.stderr);
      const readOnly = [
        "--no-prompt",
        "--cached-only",
        "--allow-net",
        `--allow-env=${
          launchedFlags().find((flag) => flag.startsWith("--allow-env="))!
            .slice(12)
        }`,
        `--allow-read=.env,${folder}`,
      ];
      const listed = await program(["--history", "--json"], {
        env,
        flags: readOnly,
      });
      assert.equal(listed.code, 0, listed.stderr);
      assert.deepEqual(
        JSON.parse(listed.stdout).map((c: { title: string }) => c.title),
        ["Saved"],
      );
      const unsaved = await program(["Hi"], {
        baseURL: server.url("echo"),
        env,
        flags: readOnly,
      });
      assert.deepEqual(seen(unsaved), {
        code: 0,
        stdout: "1: Hi\n",
        stderr:
          `history not saved: cannot open the history at ${folder}/h.db: ` +
          "this run may not write its folder: set GPT4O_HISTORY in the " +
          "environment, not in .env (gpt4o and deno task start grant the " +
          `folder it names), or give deno run --allow-read=${folder} ` +
          `--allow-write=${folder}\n`,
      });
      assert.deepEqual(
        [...Deno.readDirSync(folder)].map((entry) => entry.name),
        ["h.db"],
      );
    } finally {
      await Deno.remove(folder, { recursive: true });
    }
  },
);

e2e(
  "a second Ctrl-C while an interrupted answer is saved waits for the save",
  async (server) => {
    const folder = await Deno.makeTempDir({ dir: TMP, prefix: "second-" });
    try {
      const env = { GPT4O_HISTORY: `${folder}/h.db` };
      let printed = 0;
      let sent = false;
      const run = await program(["--stream"], {
        baseURL: server.url("big", 8 * 1024 * 1024),
        env,
        onStdout: (text) => void (printed = text.length),
        interrupt: async () => {
          while (printed < 2 * 1024 * 1024) {
            await new Promise((resolve) => setTimeout(resolve, 5));
          }
          sent = true;
        },
        again: 3,
      });
      assert.ok(sent);
      assert.equal(run.code, 130, run.stderr);
      const saved = await program(["--history", "--json"], { env });
      assert.equal(
        JSON.parse(saved.stdout).length,
        1,
        "the exchange was not saved",
      );
    } finally {
      await Deno.remove(folder, { recursive: true });
    }
  },
);

e2e(
  "when stderr's reader goes away during --stream --reasoning, only the reasoning stops: the answer is printed and saved",
  async (server) => {
    const folder = await Deno.makeTempDir({ dir: TMP, prefix: "stderr-" });
    try {
      const env = { GPT4O_HISTORY: `${folder}/h.db` };
      const child = spawn(["--stream", "--reasoning", "Who decides?"], {
        baseURL: server.url("reasoning"),
        env,
      });
      const reader = child.stderr.getReader();
      await reader.read(); // the thinking began
      await reader.cancel(); // `2> >(head -c 100)` has what it wants
      const [status, stdout] = await Promise.all([
        child.status,
        collect(child.stdout),
      ]);
      assert.deepEqual({ code: status.code, stdout }, {
        code: 0,
        stdout: "The Court.\n",
      });
      const show = await program(["--show", "1", "--json"], { env });
      assert.deepEqual(JSON.parse(show.stdout).messages.at(-1), {
        role: "assistant",
        content: "The Court.",
      });
    } finally {
      await Deno.remove(folder, { recursive: true });
    }
  },
);
