/**
 * `gpt4o --serve`: a local server of OpenAI's API (`/v1/models`,
 * `/v1/chat/completions`) on the run's providers, keys and roles, and of
 * the chat page (`/`) with its API on the history (`/api/*`), built on
 * `Deno.serve`. It listens on 127.0.0.1:1337 unless told, and stops on
 * Ctrl-C or SIGTERM: the answers under way are ended (what a page's chat
 * received is saved), then it exits 0.
 *
 * Every request is checked first (`guard.ts`): its `Host` and `Origin`,
 * then, for the API, the token; page files are public.
 *
 * @module
 */
import type { Io } from "../io/io.ts";
import type { Options } from "../cli/options.ts";
import { type Settings, startOf, targetsOf } from "../config/plan.ts";
import type { Secrets } from "../io/redact.ts";
import type { StopSignal } from "../io/signals.ts";
import { ConfigError } from "../config/connection.ts";
import { UsageError } from "../cli/usage_error.ts";
import { EXIT, InterruptedError } from "../errors.ts";
import { quoteLine } from "../exchange/server_message.ts";
import { BODY_LIMIT, Guard, isLoopback, readJSON, Slots } from "./guard.ts";
import { errorResponse, json, ServeError } from "./replies.ts";
import type { Serving } from "./serving.ts";
import { COMPLETIONS_PATH, relay } from "./relay.ts";
import { modelList, MODELS_PATH } from "./models.ts";
import {
  chat,
  CHAT_PATH,
  CONVERSATIONS_PATH,
  listConversations,
  showConversation,
} from "./conversations.ts";
import { pageResponse } from "./page.ts";
import { highlightResponse } from "./highlight.ts";

/** The path of the highlighter's API. */
export const HIGHLIGHT_PATH = "/api/highlight";

/**
 * Serves until Ctrl-C or SIGTERM, then returns exit 0; 1 when it cannot
 * listen.
 *
 * @throws {UsageError} for an address other than loopback without
 * `GPT4O_SERVE_TOKEN`.
 * @throws {ConfigError} for a token that cannot travel in a header, or a
 * default model that cannot be asked.
 */
export async function serve(
  io: Io,
  options: Options,
  settings: Settings,
  secrets: Secrets,
): Promise<number> {
  checkServing(options, settings);
  let served;
  try {
    served = listen(io, options, settings, secrets);
  } catch (error) {
    io.stderr.write(`${listenFailure(error, options)}\n`);
    return EXIT.failed;
  }
  io.stderr.write(`gpt4o: serving ${served.url} (Ctrl-C stops)\n`);
  let stop!: (signal: StopSignal) => void;
  const stopped = new Promise<StopSignal>((resolve) => stop = resolve);
  // Held until the end: a second Ctrl-C while it stops does not kill it.
  using _ = io.onInterrupt((signal) => stop(signal));
  await served.stop(await stopped);
  return EXIT.ok;
}

/**
 * Checks what a server needs before it listens: a token for an address
 * other machines reach, one that travels in a header, and a default model
 * that can be asked.
 */
function checkServing(options: Options, settings: Settings): void {
  const { host } = options.serve!;
  const token = settings.serveToken;
  if (!isLoopback(host) && token === undefined) {
    throw new UsageError(
      `--host ${host} lets other machines reach the server and your keys: ` +
        "set GPT4O_SERVE_TOKEN to a long random secret first, which every " +
        "request must then carry",
    );
  }
  if (token !== undefined && !/^[\x21-\x7e]+$/.test(token)) {
    throw new ConfigError(
      "GPT4O_SERVE_TOKEN contains a character that cannot be sent in an " +
        "HTTP header (a space, a line break, a non-ASCII one): choose " +
        "another (it is not shown here)",
    );
  }
  targetsOf(startOf(options, settings, undefined).model, settings);
}

/** Why the server could not listen, in one line. */
function listenFailure(error: unknown, options: Options): string {
  const { host, port } = options.serve!;
  const where = `${host.includes(":") ? `[${host}]` : host}:${port}`;
  const reason = error instanceof Deno.errors.AddrInUse
    ? "the port is in use (another server?): choose another with --port"
    : error instanceof Deno.errors.PermissionDenied
    ? "permission denied (a port below 1024 needs privileges): choose another with --port"
    : error instanceof Deno.errors.AddrNotAvailable
    ? "the address is none of this machine's: check --host"
    : quoteLine(error instanceof Error ? error.message : String(error));
  return `could not listen on ${where}: ${reason}`;
}

/** A server listening. */
export interface Served {
  /** Its address: `http://127.0.0.1:1337/`. */
  url: string;
  /** Ends the answers under way (with `signal`'s reason) and stops. */
  stop(signal?: StopSignal): Promise<void>;
}

/**
 * Starts listening where `options.serve` says.
 *
 * @throws what `Deno.serve` throws when it cannot listen.
 */
export function listen(
  io: Io,
  options: Options,
  settings: Settings,
  secrets: Secrets,
  limit = BODY_LIMIT,
): Served {
  const { host, port, cors, concurrency } = options.serve!;
  const closing = new AbortController();
  const serving: Serving = {
    io,
    options,
    settings,
    secrets,
    slots: new Slots(concurrency),
    limit,
    closing: closing.signal,
    log(line) {
      try {
        io.stderr.write(`gpt4o: ${line}\n`);
      } catch {
        // stderr is gone: the server goes on
      }
    },
  };
  // The guard knows the port once the server listens, before any request.
  const guarding: { guard?: Guard } = {};
  const server = Deno.serve({
    hostname: host,
    port,
    onListen: () => {},
    onError: (error) => errorResponse(error),
  }, (request) => route(request, guarding.guard!, serving));
  const addr = server.addr;
  const guard = guarding.guard = new Guard({
    host,
    port: addr.port,
    bound: addr.hostname,
    ...(settings.serveToken === undefined
      ? {}
      : { token: settings.serveToken }),
    ...(cors === undefined ? {} : { cors }),
  });
  return {
    url: `http://${guard.address}/`,
    async stop(signal = "SIGINT") {
      closing.abort(new InterruptedError(signal));
      await server.shutdown();
    },
  };
}

/** One request answered: checked, routed, its failure in OpenAI's shape. */
async function route(
  request: Request,
  guard: Guard,
  serving: Serving,
): Promise<Response> {
  const started = performance.now();
  let cors: Record<string, string> = {};
  let response;
  try {
    guard.checkHost(request);
    guard.checkOrigin(request);
    cors = guard.corsHeaders(request);
    response = await answer(request, guard, serving);
  } catch (error) {
    response = errorResponse(error, (text) => serving.secrets.redact(text));
  }
  for (const [name, value] of Object.entries(cors)) {
    response.headers.set(name, value);
  }
  if (serving.options.verbose) {
    const { pathname } = new URL(request.url);
    serving.log(
      `${request.method} ${quoteLine(pathname)} ${response.status} ${
        (performance.now() - started).toFixed(0)
      } ms`,
    );
  }
  return response;
}

/** A route: its method, its path (or a pattern of it), what answers it. */
type Route = [
  method: string,
  path: string | RegExp,
  answer: (
    request: Request,
    serving: Serving,
    id: string,
  ) => Response | Promise<Response>,
];

/** The API's routes. */
const ROUTES: Route[] = [
  [
    "GET",
    MODELS_PATH,
    (_, serving) => json(modelList(serving.options, serving.settings)),
  ],
  ["POST", COMPLETIONS_PATH, relay],
  ["GET", CONVERSATIONS_PATH, listConversations],
  [
    "GET",
    new RegExp(`^${CONVERSATIONS_PATH}/([^/]+)$`),
    (_, serving, id) => showConversation(id, serving),
  ],
  ["POST", CHAT_PATH, chat],
  [
    "POST",
    HIGHLIGHT_PATH,
    async (request, serving) =>
      highlightResponse(await readJSON(request, serving.limit)),
  ],
];

/**
 * The answer to a request that passed the address checks: a page file,
 * or (with the token, when there is one) the API.
 */
async function answer(
  request: Request,
  guard: Guard,
  serving: Serving,
): Promise<Response> {
  const { pathname } = new URL(request.url);
  if (!/^\/(v1|api)(\/|$)/.test(pathname)) {
    const page = pageResponse(request);
    if (page) return page;
    throw notFound(pathname);
  }
  if (request.method === "OPTIONS") return guard.preflight(request);
  guard.checkToken(request);
  const matching = ROUTES.flatMap(([method, path, respond]) => {
    const match = typeof path === "string"
      ? pathname === path ? [pathname] : null
      : path.exec(pathname);
    return match ? [{ method, respond, id: match[1] ?? "" }] : [];
  });
  const route = matching.find(({ method }) => method === request.method);
  if (route) return await route.respond(request, serving, route.id);
  if (matching.length) {
    const allowed = matching.map(({ method }) => method).join(", ");
    throw new ServeError(
      405,
      `${pathname} takes ${allowed}, not ${request.method}`,
      "invalid_request_error",
      "method_not_allowed",
      { allow: allowed },
    );
  }
  throw notFound(pathname);
}

function notFound(pathname: string): ServeError {
  return new ServeError(
    404,
    `there is nothing at ${
      quoteLine(pathname).slice(0, 100)
    }: the API is at /v1 (models, chat/completions)`,
    "invalid_request_error",
    "not_found",
  );
}
