/**
 * The sign-ins of `url` tool servers (OAuth): one file a server,
 * `oauth/NAME.json` in the history's folder, the folder `0700` and the file
 * `0600`, written whole and moved in place. Never in the config file. A
 * sign-in holds the server's URL it was made for: a server whose `url`
 * changes signs in again, and its tokens never go to the new one. Every
 * token and client secret read or saved is added to the run's masked
 * secrets.
 *
 * @module
 */
import type {
  StoredOAuthClientInformation,
  StoredOAuthTokens,
} from "@modelcontextprotocol/client";
import { dirname } from "../config/paths.ts";
import type { Secrets } from "../io/redact.ts";
import type { Io } from "../io/io.ts";
import type { HistoryPlace } from "../history/use.ts";
import { ConfigError } from "../config/connection.ts";
import { UsageError } from "../cli/usage_error.ts";
import { EXIT } from "../errors.ts";

/** What is kept of one server's sign-in. */
export interface SignInRecord {
  /** The server's URL it was made for. */
  url: string;
  /** The client the authorization server registered, and the port it was registered with. */
  client?: StoredOAuthClientInformation;
  port?: number;
  /** The tokens, with when the access token expires (milliseconds since 1970). */
  tokens?: StoredOAuthTokens & { expires_at?: number };
}

/** The folder of the sign-ins, beside the history `historyPath`. */
export function signInFolder(historyPath: string): string {
  const separator = Deno.build.os === "windows" ? "\\" : "/";
  return `${dirname(historyPath, Deno.build.os)}${separator}oauth`;
}

/** The file of the sign-in of the server `name`, in `folder`. */
export function signInPath(folder: string, name: string): string {
  const separator = Deno.build.os === "windows" ? "\\" : "/";
  return `${folder}${separator}${name}.json`;
}

/**
 * One server's sign-in as kept on disk (or, with no folder, for the run
 * alone).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Secrets } from "../io/redact.ts";
 * import { SignInStore } from "./tokens.ts";
 * const secrets = new Secrets();
 * const store = new SignInStore(undefined, "notion", "https://mcp.test/", secrets);
 * store.save({ tokens: { access_token: "at-0123456789abcdef", token_type: "Bearer" } });
 * assert.equal(store.read().tokens?.access_token, "at-0123456789abcdef");
 * assert.equal(secrets.redact("at-0123456789abcdef"), "[redacted]");
 * ```
 */
export class SignInStore {
  #kept: SignInRecord | undefined;

  constructor(
    /** The folder of the sign-ins ({@linkcode signInFolder}); `undefined` keeps them in memory. */
    readonly folder: string | undefined,
    readonly name: string,
    readonly url: string,
    readonly secrets: Secrets,
  ) {}

  /** The file of this server's sign-in. */
  get path(): string | undefined {
    return this.folder === undefined
      ? undefined
      : signInPath(this.folder, this.name);
  }

  /**
   * The sign-in kept for this server's URL; an empty one when there is
   * none, it is unreadable, or it was made for another URL.
   */
  read(): SignInRecord {
    if (this.#kept) return this.#kept;
    let record: SignInRecord = { url: this.url };
    const path = this.path;
    if (path !== undefined) {
      try {
        const parsed = JSON.parse(Deno.readTextFileSync(path));
        if (parsed?.url === this.url) record = parsed;
      } catch {
        // none, or not ours to read: signing in again makes a new one
      }
    }
    this.#mask(record);
    return this.#kept = record;
  }

  /** Keeps `changes` over what is kept. */
  save(changes: Partial<Omit<SignInRecord, "url">>): void {
    const record = { ...this.read(), ...changes, url: this.url };
    for (const [key, value] of Object.entries(record)) {
      if (value === undefined) delete record[key as keyof SignInRecord];
    }
    this.#mask(record);
    this.#kept = record;
    const path = this.path;
    if (path === undefined || this.folder === undefined) return;
    writePrivately(this.folder, path, `${JSON.stringify(record, null, 2)}\n`);
  }

  #mask(record: SignInRecord): void {
    this.secrets.add(
      record.tokens?.access_token,
      record.tokens?.refresh_token,
      record.tokens?.id_token,
      record.client?.client_secret,
    );
  }
}

/**
 * `--logout NAME`: forgets the sign-in of the tool server `name`, its tokens
 * and its registration, and says so.
 *
 * @throws {UsageError} for a name no `[mcp.NAME]` can have.
 * @throws {ConfigError} when the history, and so the sign-ins, has no place.
 */
export function logout(io: Io, place: HistoryPlace, name: string): number {
  if (!/^[A-Za-z][\w-]*$/.test(name)) {
    throw new UsageError(
      `--logout takes the name of a tool server, as in [mcp.NAME], not ${
        JSON.stringify(name)
      }`,
    );
  }
  if (place.problem) throw place.problem;
  if (place.path === undefined) {
    io.stderr.write(
      `no sign-in of tool server ${name} is kept: with the history off, a ` +
        "sign-in lasts its run\n",
    );
    return EXIT.ok;
  }
  try {
    Deno.removeSync(signInPath(signInFolder(place.path), name));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      io.stderr.write(`no sign-in of tool server ${name} is kept\n`);
      return EXIT.ok;
    }
    throw new ConfigError(
      `could not forget the sign-in of tool server ${name}: ${
        error instanceof Error ? error.message : String(error)
      }`,
    );
  }
  io.stdout.write(
    `signed out of tool server ${name}: its tokens and registration are ` +
      "forgotten\n",
  );
  return EXIT.ok;
}

/**
 * Writes `text` to `path` in `folder` (created `0700`, and made so), through
 * a file of its own created `0600`, moved in place: the file is never
 * readable by others, nor half written.
 */
function writePrivately(folder: string, path: string, text: string): void {
  Deno.mkdirSync(folder, { recursive: true, mode: 0o700 });
  if (Deno.build.os !== "windows") {
    const mode = Deno.statSync(folder).mode;
    if (mode !== null && (mode & 0o077) !== 0) Deno.chmodSync(folder, 0o700);
  }
  const next = `${path}.new`;
  try {
    Deno.removeSync(next);
  } catch {
    // none was left
  }
  Deno.writeTextFileSync(next, text, { createNew: true, mode: 0o600 });
  Deno.renameSync(next, path);
}
