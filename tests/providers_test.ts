/** The whole program in-process: the provider presets. */
import assert from "node:assert/strict";
import {
  ANSWER,
  apiError,
  completion,
  streamOf,
} from "../testdata/fixtures.ts";
import { json, KEY, run, type Seen } from "../testdata/harness.ts";

/** Where each request went, with which key and model. */
function destinations(requests: Seen[]) {
  return requests.map(({ url, authorization, body }) => ({
    url,
    authorization,
    model: body.model,
  }));
}

Deno.test("main() -m ollama:<model> sends the whole model name to Ollama with the no-key token, never the OpenAI key", async () => {
  for (const env of [{}, { OPENAI_API_KEY: KEY }] as Record<string, string>[]) {
    const { code, stdout, stderr, requests } = await run(
      ["-m", "ollama:llama3.2:1b", "Hi"],
      { env },
    );
    assert.deepEqual({ code, stdout, stderr }, {
      code: 0,
      stdout: `${ANSWER}\n`,
      stderr: "",
    });
    assert.deepEqual(destinations(requests), [{
      url: "http://localhost:11434/v1/chat/completions",
      authorization: "Bearer secret",
      model: "llama3.2:1b",
    }]);
  }
});

Deno.test("main() -m ollama: follows OLLAMA_HOST as Ollama reads it", async () => {
  const cases: [string, string][] = [
    ["192.168.1.20:8000", "http://192.168.1.20:8000/v1/chat/completions"],
    ["gpu-box", "http://gpu-box:11434/v1/chat/completions"],
    ["http://gpu-box:11434", "http://gpu-box:11434/v1/chat/completions"],
    ["http://gpu-box", "http://gpu-box/v1/chat/completions"],
    ["0.0.0.0", "http://localhost:11434/v1/chat/completions"],
    [
      "https://ollama.example.com/proxy/",
      "https://ollama.example.com/proxy/v1/chat/completions",
    ],
  ];
  for (const [host, url] of cases) {
    const { code, requests } = await run(["-m", "ollama:", "Hi"], {
      env: { OLLAMA_HOST: host },
    });
    assert.equal(code, 0, host);
    assert.deepEqual(destinations(requests), [{
      url,
      authorization: "Bearer secret",
      model: "llama3.2",
    }], host);
  }
  const { code, stdout, stderr, requests } = await run(["-m", "ollama:x"], {
    env: { OLLAMA_HOST: "ftp://gpu-box" },
  });
  assert.deepEqual({ code, stdout, stderr, sent: requests.length }, {
    code: 2,
    stdout: "",
    stderr:
      "OLLAMA_HOST must be host, host:port or an http:// or https:// URL " +
      "such as http://localhost:11434 (its value is not shown: it may hold a secret)\n",
    sent: 0,
  });
});

Deno.test("main() -m openrouter:<model> sends OPENROUTER_API_KEY to OpenRouter, not OPENAI_API_KEY", async () => {
  const { code, stdout, stderr, requests } = await run(
    ["-m", "openrouter:openai/gpt-4o", "Hi"],
    {
      env: {
        OPENROUTER_API_KEY: KEY,
        OPENAI_API_KEY: "sk-openai-not-for-openrouter-0000",
        OPENAI_BASE_URL: "http://127.0.0.1:1337/v1",
      },
    },
  );
  assert.deepEqual({ code, stdout, stderr }, {
    code: 0,
    stdout: `${ANSWER}\n`,
    stderr: "",
  });
  assert.deepEqual(destinations(requests), [{
    url: "https://openrouter.ai/api/v1/chat/completions",
    authorization: `Bearer ${KEY}`,
    model: "openai/gpt-4o",
  }]);
});

Deno.test("main() -m <preset>: uses the preset's default model, and takes its key from .env", async () => {
  const cases: [string, string, string, string][] = [
    [
      "groq:",
      "GROQ_API_KEY",
      "https://api.groq.com/openai/v1/chat/completions",
      "openai/gpt-oss-120b",
    ],
    [
      "deepseek:",
      "DEEPSEEK_API_KEY",
      "https://api.deepseek.com/chat/completions",
      "deepseek-v4-flash",
    ],
    [
      "mistral:",
      "MISTRAL_API_KEY",
      "https://api.mistral.ai/v1/chat/completions",
      "mistral-small-latest",
    ],
    [
      "gemini:",
      "GEMINI_API_KEY",
      "https://generativelanguage.googleapis.com/v1beta/openai/chat/completions",
      "gemini-3.5-flash",
    ],
    [
      "together:",
      "TOGETHER_API_KEY",
      "https://api.together.ai/v1/chat/completions",
      "openai/gpt-oss-20b",
    ],
    [
      "g4f:",
      "",
      "http://localhost:1337/v1/chat/completions",
      "gpt-4o",
    ],
    [
      "lmstudio:",
      "",
      "http://localhost:1234/v1/chat/completions",
      "openai/gpt-oss-20b",
    ],
    [
      "llamacpp:",
      "",
      "http://localhost:8080/v1/chat/completions",
      "default",
    ],
  ];
  for (const [model, variable, url, sent] of cases) {
    const { code, stderr, requests } = await run(["-m", model, "Hi"], {
      env: {},
      dotenv: variable ? `${variable}=${KEY}\n` : undefined,
    });
    assert.deepEqual({ code, stderr }, { code: 0, stderr: "" }, model);
    assert.deepEqual(destinations(requests), [{
      url,
      authorization: `Bearer ${variable ? KEY : "secret"}`,
      model: sent,
    }], model);
  }
});

Deno.test("main() exits 2 naming the variable, and sends nothing, when a hosted preset has no key", async () => {
  const presets = [
    ["openrouter:openai/gpt-4o", "OPENROUTER_API_KEY"],
    ["groq:", "GROQ_API_KEY"],
    ["deepseek:deepseek-v4-pro", "DEEPSEEK_API_KEY"],
    ["mistral:", "MISTRAL_API_KEY"],
    ["gemini:", "GEMINI_API_KEY"],
    ["together:", "TOGETHER_API_KEY"],
    ["openai:gpt-4o", "OPENAI_API_KEY"],
  ];
  for (const [model, variable] of presets) {
    const { code, stdout, stderr, requests } = await run(["-m", model, "Hi"], {
      // The OpenAI key is no key for another provider; a blank one is none.
      env: model.startsWith("openai:")
        ? { GROQ_API_KEY: KEY }
        : { OPENAI_API_KEY: KEY, [variable]: " " },
    });
    assert.deepEqual({ code, stdout, stderr, sent: requests.length }, {
      code: 2,
      stdout: "",
      stderr:
        `${variable} is not set: export it, or put ${variable}=... in a .env file here\n`,
      sent: 0,
    }, model);
  }
});

Deno.test("main() -m with a prefix that names no preset sends the whole name to OPENAI_BASE_URL", async () => {
  for (const model of ["llama3.2:1b", "hf.co/org/model:Q4_K_M", "gpt-4o:"]) {
    const { code, requests } = await run(["-m", model, "Hi"], {
      env: { OPENAI_BASE_URL: "http://127.0.0.1:11434/v1" },
    });
    assert.equal(code, 0);
    assert.deepEqual(destinations(requests), [{
      url: "http://127.0.0.1:11434/v1/chat/completions",
      authorization: "Bearer secret",
      model,
    }]);
  }
});

Deno.test("main() --providers lists the presets, whether each key is set but never its value, and sends nothing", async () => {
  const { code, stdout, stderr, requests } = await run(["--providers"], {
    env: {
      OPENROUTER_API_KEY: KEY,
      GROQ_API_KEY: "  ",
      OLLAMA_HOST: "gpu-box:8000",
    },
    dotenv: "MISTRAL_API_KEY=mk-0123456789abcdef\n",
  });
  assert.deepEqual({ code, stderr, sent: requests.length }, {
    code: 0,
    stderr: "",
    sent: 0,
  });
  const url = (text: string) => text.padEnd(55);
  assert.equal(
    stdout,
    [
      `openai      ${
        url("https://api.openai.com/v1")
      }  OPENAI_API_KEY      not set        gpt-4o`,
      `g4f         ${
        url("http://localhost:1337/v1")
      }  -                   no key needed  gpt-4o`,
      `ollama      ${
        url("http://gpu-box:8000/v1")
      }  -                   no key needed  llama3.2`,
      `lmstudio    ${
        url("http://localhost:1234/v1")
      }  -                   no key needed  openai/gpt-oss-20b`,
      `llamacpp    ${
        url("http://localhost:8080/v1")
      }  -                   no key needed  default`,
      `openrouter  ${
        url("https://openrouter.ai/api/v1")
      }  OPENROUTER_API_KEY  set            openai/gpt-4o`,
      `groq        ${
        url("https://api.groq.com/openai/v1")
      }  GROQ_API_KEY        not set        openai/gpt-oss-120b`,
      `deepseek    ${
        url("https://api.deepseek.com")
      }  DEEPSEEK_API_KEY    not set        deepseek-v4-flash`,
      `mistral     ${
        url("https://api.mistral.ai/v1")
      }  MISTRAL_API_KEY     set            mistral-small-latest`,
      "gemini      https://generativelanguage.googleapis.com/v1beta/openai  " +
      "GEMINI_API_KEY      not set        gemini-3.5-flash",
      `together    ${
        url("https://api.together.ai/v1")
      }  TOGETHER_API_KEY    not set        openai/gpt-oss-20b`,
      "",
    ].join("\n"),
  );
  assert.ok(!stdout.includes("mk-0123456789abcdef"));
});

Deno.test("main() -v names the preset, or the provider an X-Provider header names", async () => {
  const preset = await run(["-v", "-m", "openrouter:openai/gpt-4o", "Hi"], {
    env: { OPENROUTER_API_KEY: KEY },
  });
  const header = await run(["-v", "Hi"], {
    env: { OPENAI_BASE_URL: "https://g4f.space/v1" },
    reply: () => json(completion(), 200, { "X-Provider": "PollinationsAI" }),
  });
  const streamed = await run(["-v", "--stream", "-m", "groq:", "Hi"], {
    env: { GROQ_API_KEY: KEY },
    reply: () =>
      new Response(streamOf(["Hi"], { usage: true }), {
        headers: {
          "content-type": "text/event-stream",
          "x-provider": "Groq",
        },
      }),
  });
  for (const outcome of [preset, header, streamed]) {
    assert.equal(outcome.code, 0);
  }
  assert.match(
    preset.stderr,
    /^model gpt-4o-2024-08-06, provider openrouter, tokens 27 in \+ 18 out = 45, \d+ ms\n$/,
  );
  assert.match(
    header.stderr,
    /^model gpt-4o-2024-08-06, provider PollinationsAI, tokens 27 in \+ 18 out = 45, \d+ ms\n$/,
  );
  assert.match(
    streamed.stderr,
    /^model gpt-4o-2024-08-06, provider Groq, tokens 27 in \+ 3 out = 30, \d+ ms\n$/,
  );
  assert.equal(header.stdout, `${ANSWER}\n`);
  assert.equal(streamed.stdout, "Hi\n");
});

Deno.test("main() masks a provider's key that a server echoes, and names its variable when the key is rejected", async () => {
  const env = { OPENROUTER_API_KEY: KEY };
  const args = ["-m", "openrouter:openai/gpt-4o", "Hi"];
  const echoed = await run(args, {
    env,
    reply: () => json(completion(`Your key ${KEY} (${KEY.slice(0, 12)}…)`)),
  });
  const rejected = await run(args, {
    env,
    reply: () =>
      json(
        apiError(`No auth credentials found for ${KEY}`, "auth", null),
        401,
      ),
  });
  const denied = await run(args, {
    env,
    reply: () => json(apiError(`Key ${KEY} is disabled.`, "auth"), 403),
  });
  assert.deepEqual(
    [echoed, rejected, denied].map(({ code, stdout, stderr }) => ({
      code,
      stdout,
      stderr,
    })),
    [
      { code: 0, stdout: "Your key [redacted] ([redacted]…)\n", stderr: "" },
      {
        code: 1,
        stdout: "",
        stderr:
          "openrouter.ai rejected the API key (401): check OPENROUTER_API_KEY " +
          "(it said: No auth credentials found for [redacted])\n",
      },
      {
        code: 1,
        stdout: "",
        stderr:
          "openrouter.ai denied access (403): Key [redacted] is disabled.\n",
      },
    ],
  );
});
