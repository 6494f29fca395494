/**
 * The whole program in-process with models that are missing or retired: a
 * failure that says so ends its one line with the nearest models the server
 * lists, asked of it once, only then; `--models` shows the day each retires
 * where the server says.
 */
import assert from "node:assert/strict";

import { hang, json, run, type Seen } from "../testdata/harness.ts";
import { apiError, completion } from "../testdata/fixtures.ts";
import { testWith } from "../testdata/permissions.ts";

const OPENAI = "https://api.openai.com/v1";

/** A server's list of models (`GET /models`), each with its other fields. */
function listing(...models: Record<string, unknown>[]): Response {
  return json({
    object: "list",
    data: models.map((model) => ({
      object: "model",
      created: 1,
      owned_by: "system",
      ...model,
    })),
  });
}

const LISTED = () =>
  listing(
    { id: "gpt-4o-mini" },
    { id: "gpt-4o-2024-11-20" },
    { id: "o4-mini" },
    { id: "gpt-4o" },
    { id: "gpt-4o-2024-08-06" },
    { id: "gpt-4o-2024-05-13", shutdown_date: 1792713600 },
  );

/** A server whose chat completions answer `answer`, its list `listed`. */
function server(
  answer: (seen: Seen) => Response | Promise<Response>,
  listed: (seen: Seen) => Response | Promise<Response> = LISTED,
) {
  return (seen: Seen) => seen.method === "GET" ? listed(seen) : answer(seen);
}

/** Each request as `METHOD url`. */
const asked = (requests: Seen[]) =>
  requests.map(({ method, url }) => `${method} ${url}`);

const RETIRED_SAID =
  "The model `gpt-4o-2024-05-13` has been deprecated, learn more here: " +
  "https://platform.openai.com/docs/deprecations";

const NOT_FOUND_SAID =
  "The model `gpt-4o-2024-05-13` does not exist or you do not have access to it.";

/** How the line of a failure that says so ends: the nearest three, in order. */
const SUGGESTED =
  "; did you mean gpt-4o, gpt-4o-2024-08-06 or gpt-4o-2024-11-20?\n";

Deno.test("a model the server does not have or has retired: one line, the failure and the nearest models it lists, asked for once after it", async (t) => {
  const cases: [string, () => Response, string][] = [
    [
      "404 model_not_found",
      () =>
        json(
          apiError(NOT_FOUND_SAID, "invalid_request_error", "model_not_found"),
          404,
        ),
      'the model "gpt-4o-2024-05-13" was not found at api.openai.com (404): ' +
      `choose another with --model (it said: ${NOT_FOUND_SAID})`,
    ],
    [
      "404 deprecated",
      () =>
        json(
          apiError(RETIRED_SAID, "invalid_request_error", "model_not_found"),
          404,
        ),
      'the model "gpt-4o-2024-05-13" is retired at api.openai.com (404): ' +
      `choose another with --model (it said: ${RETIRED_SAID})`,
    ],
    [
      "410 Gone",
      () => new Response(null, { status: 410 }),
      'the model "gpt-4o-2024-05-13" is retired at api.openai.com (410): ' +
      "choose another with --model (it said: no details given)",
    ],
  ];
  for (const [name, response, failure] of cases) {
    await t.step(name, async () => {
      const { code, stdout, stderr, requests } = await run(
        ["-m", "gpt-4o-2024-05-13", "Hi"],
        { reply: server(response) },
      );
      assert.deepEqual({ code, stdout, stderr }, {
        code: 1,
        stdout: "",
        stderr: failure + SUGGESTED,
      });
      assert.deepEqual(asked(requests), [
        `POST ${OPENAI}/chat/completions`,
        `GET ${OPENAI}/models`,
      ]);
    });
  }
});

Deno.test("the failure's line names one, two or three of the models listed, the nearest first, and nothing when none is near", async (t) => {
  const cases: [string, string, Record<string, unknown>[], string][] = [
    [
      "one a letter away",
      "gpt-5o",
      [{ id: "whisper-1" }, { id: "gpt-4o" }],
      "; did you mean gpt-4o?",
    ],
    [
      "two: the family's own name before its other version",
      "gpt-4o-2024-05-13",
      [{ id: "gpt-4o-2024-08-06" }, { id: "o4-mini" }, { id: "gpt-4o" }],
      "; did you mean gpt-4o or gpt-4o-2024-08-06?",
    ],
    [
      "three of four near, in order",
      "gpt-4o-2024-05-13",
      [
        { id: "gpt-4o-2024-11-20" },
        { id: "gpt-4o-2024-08-06" },
        { id: "gpt-4o" },
        { id: "gpt-4o-latest" },
      ],
      // gpt-4o-latest, of the family too, is more edits away than those.
      "; did you mean gpt-4o, gpt-4o-2024-08-06 or gpt-4o-2024-11-20?",
    ],
    ["none near", "gpt-5o", [{ id: "whisper-1" }, { id: "o4-mini" }], ""],
    ["none listed", "gpt-5o", [], ""],
  ];
  for (const [name, model, models, suggested] of cases) {
    await t.step(name, async () => {
      const said = `The model \`${model}\` does not exist.`;
      const { code, stdout, stderr, requests } = await run(
        ["-m", model, "Hi"],
        {
          reply: server(
            () =>
              json(
                apiError(said, "invalid_request_error", "model_not_found"),
                404,
              ),
            () => listing(...models),
          ),
        },
      );
      assert.deepEqual({ code, stdout, stderr }, {
        code: 1,
        stdout: "",
        stderr: `the model "${model}" was not found at api.openai.com ` +
          `(404): choose another with --model (it said: ${said})` +
          `${suggested}\n`,
      });
      assert.deepEqual(asked(requests), [
        `POST ${OPENAI}/chat/completions`,
        `GET ${OPENAI}/models`,
      ]);
    });
  }
});

Deno.test("a provider's decommissioned model (400): the one near it of its models, as -m takes it", async () => {
  const said = "The model `llama3-70b-8192` has been decommissioned and is " +
    "no longer supported.";
  const { code, stderr, requests } = await run(
    ["-m", "groq:llama3-70b-8192", "Hi"],
    {
      env: { GROQ_API_KEY: "gsk-test-0123456789abcdef0123" },
      reply: server(
        () =>
          json(
            apiError(said, "invalid_request_error", "model_decommissioned"),
            400,
          ),
        () =>
          listing(
            { id: "llama-3.3-70b-versatile" },
            { id: "llama3-8b-8192" },
            { id: "whisper-large-v3" },
          ),
      ),
    },
  );
  assert.deepEqual({ code, stderr }, {
    code: 1,
    stderr:
      'the model "llama3-70b-8192" is retired at api.groq.com (400): choose ' +
      `another with --model (it said: ${said}); did you mean ` +
      "groq:llama3-8b-8192?\n",
  });
  assert.deepEqual(asked(requests), [
    "POST https://api.groq.com/openai/v1/chat/completions",
    "GET https://api.groq.com/openai/v1/models",
  ]);
});

Deno.test("a missing model's failure line says nothing more when the listing fails, is interrupted, or has nothing near", async (t) => {
  const notFound = () =>
    json(
      apiError(NOT_FOUND_SAID, "invalid_request_error", "model_not_found"),
      404,
    );
  const failure =
    'the model "gpt-4o-2024-05-13" was not found at api.openai.com (404): ' +
    `choose another with --model (it said: ${NOT_FOUND_SAID})\n`;
  const cases: [string, (seen: Seen, interrupt: () => void) => unknown][] = [
    // Asked once: a failed listing is not retried.
    ["500", () => json(apiError("Oops.", "server_error"), 500)],
    ["401", () => json(apiError("No.", "invalid_request_error"), 401)],
    ["not JSON", () => new Response("<html>", { status: 200 })],
    ["Ctrl-C", (seen, interrupt) => {
      setTimeout(interrupt, 0);
      return hang(seen);
    }],
    ["nothing near", () => listing({ id: "whisper-1" }, { id: "o4-mini" })],
    [
      "only models retired already",
      () =>
        listing(
          { id: "gpt-4o", shutdown_date: "2020-01-01" },
          { id: "gpt-4o-2024-08-06", deprecation_date: 1577836800 },
        ),
    ],
  ];
  for (const [name, listed] of cases) {
    await t.step(name, async () => {
      const { code, stdout, stderr, requests } = await run(
        ["-m", "gpt-4o-2024-05-13", "Hi"],
        {
          reply: (seen, interrupt) =>
            seen.method === "GET"
              ? listed(seen, interrupt) as Response
              : notFound(),
        },
      );
      assert.deepEqual({ code, stdout, stderr }, {
        code: 1,
        stdout: "",
        stderr: failure,
      });
      assert.deepEqual(asked(requests), [
        `POST ${OPENAI}/chat/completions`,
        `GET ${OPENAI}/models`,
      ]);
    });
  }
});

Deno.test("no other failure, and no answer, asks for the models' list", async (t) => {
  const cases: [string, () => Response, string][] = [
    ["an answer", () => json(completion("Hello.")), ""],
    [
      "401",
      () => json(apiError("No.", "invalid_request_error"), 401),
      "api.openai.com rejected the API key (401): check OPENAI_API_KEY (it " +
      "said: No.)\n",
    ],
    [
      "400 naming the model",
      () =>
        json(
          apiError(
            "gpt-4o does not take temperature 3.",
            "invalid_request_error",
          ),
          400,
        ),
      "api.openai.com refused the request (400): gpt-4o does not take " +
      "temperature 3.\n",
    ],
    [
      "404 of the path",
      () => new Response("404 page not found", { status: 404 }),
      `${OPENAI}/chat/completions was not found (404): check ` +
      'OPENAI_BASE_URL (it usually ends in /v1) and the model "gpt-4o"\n',
    ],
  ];
  for (const [name, response, said] of cases) {
    await t.step(name, async () => {
      const { stderr, requests } = await run(["Hi"], {
        reply: server(response),
      });
      assert.equal(stderr, said);
      assert.deepEqual(asked(requests), [`POST ${OPENAI}/chat/completions`]);
    });
  }
});

Deno.test("the chat: a missing model's turn names the nearest models in its failure's line", async () => {
  const { stderr, requests } = await run(
    ["--chat", "-m", "gpt-4o-2024-05-13"],
    {
      lines: ["Hi"],
      reply: server(() =>
        json(
          apiError(NOT_FOUND_SAID, "invalid_request_error", "model_not_found"),
          404,
        )
      ),
    },
  );
  assert.ok(
    stderr.includes(
      'the model "gpt-4o-2024-05-13" was not found at api.openai.com (404): ' +
        `choose another with --model (it said: ${NOT_FOUND_SAID})` +
        SUGGESTED,
    ),
    stderr,
  );
  assert.deepEqual(asked(requests), [
    `POST ${OPENAI}/chat/completions`,
    `GET ${OPENAI}/models`,
  ]);
});

const DATED = () =>
  listing(
    { id: "gpt-4o" },
    // Unix seconds, and ISO dates with or without a time.
    { id: "gpt-4o-2024-05-13", shutdown_date: 1792713600 },
    { id: "gpt-4-0314", deprecation_date: "2020-06-13" },
    { id: "o1-preview", retirement_date: "2099-07-28T00:00:00Z" },
    { id: "babbage-002", deprecated_at: 1577836800 },
    { id: "dall-e-2", expires_at: "2099-05-12" },
    // Not dates: left out.
    { id: "davinci-002", expires_at: "soon" },
    { id: "gpt-3.5-turbo", shutdown_date: "2026-02-30" },
    { id: "tts-1", retirement_date: null },
  );

Deno.test("--models shows the day each model retires, or retired, where the server says", async () => {
  const { code, stdout, stderr, requests } = await run(["--models"], {
    reply: DATED,
  });
  assert.deepEqual({ code, stdout, stderr }, {
    code: 0,
    stdout: "babbage-002        retired 2020-01-01\n" +
      "dall-e-2           retires 2099-05-12\n" +
      "davinci-002\n" +
      "gpt-3.5-turbo\n" +
      "gpt-4-0314         retired 2020-06-13\n" +
      "gpt-4o\n" +
      "gpt-4o-2024-05-13  retired 2026-10-23\n" +
      "o1-preview         retires 2099-07-28\n" +
      "tts-1\n",
    stderr: "",
  });
  assert.deepEqual(asked(requests), [`GET ${OPENAI}/models`]);
});

Deno.test("--models without dates lists the ids alone; --json stays the array of ids", async () => {
  const plain = await run(["--models"], {
    reply: () => listing({ id: "gpt-4o-mini" }, { id: "gpt-4o" }),
  });
  assert.equal(plain.stdout, "gpt-4o\ngpt-4o-mini\n");
  const listed = await run(["--models", "--json"], { reply: DATED });
  assert.equal(
    listed.stdout,
    `${
      JSON.stringify(
        [
          "babbage-002",
          "dall-e-2",
          "davinci-002",
          "gpt-3.5-turbo",
          "gpt-4-0314",
          "gpt-4o",
          "gpt-4o-2024-05-13",
          "o1-preview",
          "tts-1",
        ],
        null,
        2,
      )
    }\n`,
  );
});

Deno.test("the chat's /models shows the retirement days too", async () => {
  const { stderr } = await run(["--chat"], {
    lines: ["/models"],
    reply: () =>
      listing({ id: "gpt-4o" }, {
        id: "o1-preview",
        retirement_date: "2099-07-28",
      }),
  });
  assert.equal(stderr, "gpt-4o\no1-preview  retires 2099-07-28\n");
});

/** The project's modules `main.ts` loads as it starts: its static imports, and theirs. */
async function loadedAtStart(): Promise<string[]> {
  const { stdout } = await new Deno.Command("deno", {
    args: ["info", "--json", "main.ts"],
    stdout: "piped",
    stderr: "null",
  }).output();
  const { modules } = JSON.parse(new TextDecoder().decode(stdout)) as {
    modules: {
      specifier: string;
      dependencies?: { isDynamic?: boolean; code?: { specifier?: string } }[];
    }[];
  };
  const bySpecifier = new Map(modules.map((each) => [each.specifier, each]));
  const root = new URL("../", import.meta.url).href;
  const loaded = new Set<string>();
  const next = [`${root}main.ts`];
  for (let specifier; (specifier = next.pop()) !== undefined;) {
    if (loaded.has(specifier)) continue;
    loaded.add(specifier);
    for (const each of bySpecifier.get(specifier)?.dependencies ?? []) {
      const code = each.code?.specifier;
      if (!each.isDynamic && code?.startsWith(root)) next.push(code);
    }
  }
  return [...loaded].map((specifier) => specifier.slice(root.length)).sort();
}

testWith({ name: "run", command: "deno" }, { name: "read", path: "." })(
  "a plain question does not load the models' module: a listing, or a failure that says the model is not served, loads it then",
  async () => {
    const loaded = await loadedAtStart();
    assert.ok(loaded.includes("src/run/run.ts"), loaded.join(" "));
    assert.ok(!loaded.includes("src/run/models.ts"), loaded.join(" "));
  },
);
