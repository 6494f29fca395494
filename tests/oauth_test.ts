/**
 * Signing in to a `url` tool server (OAuth) in-process: the program run
 * whole against `testdata/oauth_server.ts`, the browser a test double that
 * follows the authorization page back to the program's loopback address.
 */
import assert from "node:assert/strict";
import {
  CONFIG_PATH,
  KEY,
  run,
  type Setup,
  tempFolder,
} from "../testdata/harness.ts";
import { toolModel } from "../testdata/server.ts";
import { SCOPE, startOAuthServers } from "../testdata/oauth_server.ts";
import { testWith } from "../testdata/permissions.ts";

/** A test that signs in: the servers on 127.0.0.1, the tokens under .tmp/. */
const signInTest = testWith(
  { name: "net", host: "127.0.0.1" },
  { name: "write", path: ".tmp" },
  { name: "read", path: ".tmp" },
);

/** The prompt that has the tool model call `whoami`. */
const WHOAMI = JSON.stringify({ calls: [{ name: "whoami", arguments: {} }] });

/** Runs `-T remote --yes` calling `whoami`, the history (and the sign-ins) in `dir`. */
function ask(url: string, dir: string, setup: Setup = {}, args = [WHOAMI]) {
  return run(["-T", "remote", "--yes", ...args], {
    config: `[mcp.remote]\nurl = "${url}"\n`,
    reply: (seen) => toolModel(seen.body),
    ...setup,
    env: {
      OPENAI_API_KEY: KEY,
      GPT4O_CONFIG: CONFIG_PATH,
      GPT4O_HISTORY: `${dir}/history.db`,
      ...setup.env,
    },
  });
}

/** The sign-in the program keeps for `remote`. */
function kept(dir: string) {
  return JSON.parse(Deno.readTextFileSync(`${dir}/oauth/remote.json`));
}

/** A browser that must not be opened. */
const noBrowser = () => Promise.reject(new Error("no browser was to open"));

signInTest(
  "a server that answers 401 is signed in to at a terminal: discovery, registration, PKCE, the scope and resource named, the token used and masked",
  async () => {
    await using servers = startOAuthServers();
    await using temp = await tempFolder();
    const browser = servers.browser();
    const { code, stdout, stderr } = await ask(servers.url, temp.dir, {
      terminal: true,
      openBrowser: browser,
    });
    assert.equal(code, 0, stderr);
    const [token] = servers.issued;
    // The model's answer quotes the token: it is masked like a key.
    assert.equal(stdout, "The tools said: you sent Bearer [redacted]\n");
    assert.ok(!stdout.includes(token) && !stderr.includes(token));
    assert.ok(!stderr.includes(token.slice(0, 12)));
    const [opening, call] = stderr.split("\n");
    const page = new URL(opening.replace(/^.*: opening /, ""));
    assert.equal(
      opening,
      `tool server remote needs you to sign in: opening ${page.href}`,
    );
    assert.equal(
      call.replace(/: \d+ characters \(\d+ ms/, ": N characters (N ms"),
      "\x1b[2mtool remote.whoami {}: N characters (N ms)\x1b[22m",
    );
    assert.deepEqual(browser.pages, [
      "Signed in: you can close this page and go back to gpt4o.\n",
    ]);
    // What the authorization server was asked, in order.
    const { seen, issuer } = servers;
    assert.deepEqual(seen.map((each) => each.path), [
      "/.well-known/oauth-authorization-server",
      "/register",
      "/authorize",
      "/token",
    ]);
    const redirect = seen[1].params.redirect_uris as string[];
    assert.equal(redirect.length, 1);
    assert.match(redirect[0], /^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    assert.deepEqual(seen[1].params, {
      client_name: "gpt4o",
      software_id: "gpt4o",
      software_version: "0.1.0",
      redirect_uris: redirect,
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "none",
      application_type: "native",
      scope: SCOPE,
    });
    const asked = seen[2].params as Record<string, string>;
    assert.equal(page.origin + page.pathname, `${issuer}/authorize`);
    assert.deepEqual(asked, {
      response_type: "code",
      client_id: "client-1",
      code_challenge: asked.code_challenge,
      code_challenge_method: "S256",
      redirect_uri: redirect[0],
      state: asked.state,
      scope: SCOPE,
      resource: servers.url,
    });
    assert.match(asked.code_challenge, /^[\w-]{43}$/);
    assert.match(asked.state, /^[\w-]{43}$/);
    const exchange = seen[3].params as Record<string, string>;
    assert.deepEqual(exchange, {
      grant_type: "authorization_code",
      code: exchange.code,
      code_verifier: exchange.code_verifier,
      redirect_uri: redirect[0],
      client_id: "client-1",
      resource: servers.url,
    });
    // Every request the tool server got past the sign-in carried the token.
    assert.ok(servers.authorizations.length >= 3);
    assert.ok(
      servers.authorizations.every((each) => each === `Bearer ${token}`),
    );
    // Kept beside the history, private: the folder 0700, the file 0600.
    assert.equal(Deno.statSync(`${temp.dir}/oauth`).mode! & 0o777, 0o700);
    assert.equal(
      Deno.statSync(`${temp.dir}/oauth/remote.json`).mode! & 0o777,
      0o600,
    );
    const record = kept(temp.dir);
    assert.equal(record.url, servers.url);
    assert.equal(record.client.client_id, "client-1");
    assert.equal(record.port, Number(new URL(redirect[0]).port));
    assert.equal(record.tokens.access_token, token);
    assert.ok(
      Math.abs(record.tokens.expires_at - (Date.now() + 3600_000)) < 60_000,
    );

    // The next run uses the token kept: no sign-in, no browser.
    const again = await ask(servers.url, temp.dir, {
      terminal: true,
      openBrowser: noBrowser,
    });
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout, "The tools said: you sent Bearer [redacted]\n");
    assert.equal(seen.length, 4);
  },
);

signInTest(
  "an expired token is refreshed before it is sent, and the new one kept; a refresh refused signs in again",
  async () => {
    await using servers = startOAuthServers();
    await using temp = await tempFolder();
    const first = await ask(servers.url, temp.dir, {
      terminal: true,
      openBrowser: servers.browser(),
    });
    assert.equal(first.code, 0, first.stderr);
    const record = kept(temp.dir);
    record.tokens.expires_at = Date.now() - 1000;
    Deno.writeTextFileSync(
      `${temp.dir}/oauth/remote.json`,
      JSON.stringify(record),
    );
    servers.seen.length = 0;
    const before = servers.authorizations.length;
    // No terminal is needed to refresh.
    const refreshed = await ask(servers.url, temp.dir, {
      openBrowser: noBrowser,
    });
    assert.equal(refreshed.code, 0, refreshed.stderr);
    assert.equal(refreshed.stderr.split("\n")[0].startsWith("tool "), true);
    const token = record.tokens.refresh_token;
    assert.deepEqual(servers.seen.map((each) => each.path), [
      "/.well-known/oauth-authorization-server",
      "/token",
    ]);
    assert.deepEqual(servers.seen[1].params, {
      grant_type: "refresh_token",
      refresh_token: token,
      client_id: "client-1",
      resource: servers.url,
    });
    const [, fresh] = servers.issued;
    const sent = servers.authorizations.slice(before);
    assert.ok(
      sent.length > 0 && sent.every((each) => each === `Bearer ${fresh}`),
    );
    assert.equal(kept(temp.dir).tokens.access_token, fresh);
    assert.ok(!refreshed.stdout.includes(fresh));

    // The server ends the tokens and refuses to refresh them: at a
    // terminal, the program signs in again.
    servers.expireAll();
    servers.refuseRefresh();
    servers.seen.length = 0;
    const browser = servers.browser();
    const again = await ask(servers.url, temp.dir, {
      terminal: true,
      openBrowser: browser,
    });
    assert.equal(again.code, 0, again.stderr);
    // What the SDK printed of it is the run's line, not the console's.
    assert.equal(
      again.stderr.split("\n")[0],
      'tool server: [mcp-sdk] OAuth "invalid_grant" — invalidating the ' +
        'stored tokens and retrying authorization. Cause: "the refresh ' +
        'token is not known"',
    );
    assert.equal(browser.pages.length, 1);
    assert.deepEqual(servers.seen.map((each) => each.path), [
      "/.well-known/oauth-authorization-server",
      "/token",
      "/authorize",
      "/token",
    ]);
    assert.equal(kept(temp.dir).tokens.access_token, servers.issued[2]);
  },
);

signInTest(
  "without a terminal, a server that needs a sign-in says in one line how to sign in, and exits 2",
  async () => {
    await using servers = startOAuthServers();
    await using temp = await tempFolder();
    const { code, stdout, stderr } = await ask(servers.url, temp.dir, {
      openBrowser: noBrowser,
    });
    assert.equal(code, 2);
    assert.equal(stdout, "");
    assert.equal(
      stderr,
      "tool server remote needs you to sign in: run gpt4o -T remote " +
        "--list-tools at a terminal\n",
    );
    assert.ok(!servers.seen.some((each) => each.path === "/authorize"));
  },
);

signInTest(
  "at a terminal with no browser to open, the run says so in one line, and exits 2",
  async () => {
    await using servers = startOAuthServers();
    await using temp = await tempFolder();
    const { code, stderr } = await ask(servers.url, temp.dir, {
      terminal: true,
      openBrowser: () => Promise.reject(new Error("xdg-open was not found")),
    });
    assert.equal(code, 2);
    const [opening, failure, end] = stderr.split("\n");
    assert.match(
      opening,
      /^tool server remote needs you to sign in: opening http:\/\/127\.0\.0\.1:\d+\/authorize\?/,
    );
    assert.equal(
      failure,
      "tool server remote needs you to sign in, and no browser opened " +
        "(xdg-open was not found): set BROWSER to your browser's command",
    );
    assert.equal(end, "");
  },
);

signInTest(
  "a redirect whose state is not the one sent is refused, and no code is exchanged",
  async () => {
    await using servers = startOAuthServers();
    await using temp = await tempFolder();
    const browser = servers.browser((url) =>
      url.searchParams.set("state", "forged")
    );
    const { code, stderr } = await ask(servers.url, temp.dir, {
      terminal: true,
      openBrowser: browser,
    });
    assert.equal(code, 2);
    assert.equal(
      stderr.split("\n").slice(1).join("\n"),
      "tool server remote: the browser came back with an answer to another " +
        "sign-in than this one: run again to sign in\n",
    );
    assert.deepEqual(browser.pages, [
      "This is not the sign-in gpt4o asked for.\n",
    ]);
    assert.ok(!servers.seen.some((each) => each.path === "/token"));
    assert.equal(servers.issued.length, 0);
  },
);

signInTest(
  "--logout NAME forgets the server's tokens and registration: the next run signs in anew",
  async () => {
    await using servers = startOAuthServers();
    await using temp = await tempFolder();
    const first = await ask(servers.url, temp.dir, {
      terminal: true,
      openBrowser: servers.browser(),
    });
    assert.equal(first.code, 0, first.stderr);
    const env = {
      OPENAI_API_KEY: KEY,
      GPT4O_HISTORY: `${temp.dir}/history.db`,
    };
    const out = await run(["--logout", "remote"], { env });
    assert.deepEqual(out, {
      code: 0,
      stdout:
        "signed out of tool server remote: its tokens and registration are forgotten\n",
      stderr: "",
      requests: [],
      ran: [],
    });
    assert.throws(() => Deno.statSync(`${temp.dir}/oauth/remote.json`));
    const none = await run(["--logout", "remote"], { env });
    assert.deepEqual(none, {
      code: 0,
      stdout: "",
      stderr: "no sign-in of tool server remote is kept\n",
      requests: [],
      ran: [],
    });
    servers.seen.length = 0;
    const again = await ask(servers.url, temp.dir, {
      terminal: true,
      openBrowser: servers.browser(),
    });
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(servers.seen.map((each) => each.path), [
      "/.well-known/oauth-authorization-server",
      "/register",
      "/authorize",
      "/token",
    ]);
  },
);
