/**
 * Which files a folder given to `-f` keeps to itself because they may hold
 * secrets: known by their names (`.env`, `.npmrc`, `id_ed25519`, `*.pem`, a
 * `.ssh` folder, …) or by a private key in them, and the one note that says
 * which were left out.
 *
 * @module
 */

/** Folders that hold credentials: a folder walk does not enter them. */
const SECRET_FOLDERS = new Set([
  ".aws",
  ".azure",
  ".docker",
  ".gnupg",
  ".kube",
  ".password-store",
  ".ssh",
]);

/** Files named for the credentials they hold. */
const SECRET_NAMES = new Set([
  ".envrc",
  ".git-credentials",
  ".htpasswd",
  ".my.cnf",
  ".netrc",
  ".npmrc",
  ".pgpass",
  ".pypirc",
  ".yarnrc.yml",
  "_netrc",
  "id_dsa",
  "id_ecdsa",
  "id_ecdsa_sk",
  "id_ed25519",
  "id_ed25519_sk",
  "id_rsa",
]);

/** Extensions of key stores, private keys, certificates with their keys, and `.env` files. */
const SECRET_EXTENSIONS = new Set([
  "env",
  "jks",
  "kdbx",
  "key",
  "keystore",
  "p12",
  "pem",
  "pfx",
  "ppk",
  "tfstate",
]);

/** Names that hold credentials whatever the format after them: `credentials.json`, `secrets.yaml`. */
const SECRET_STEMS = new Set(["credentials", "secrets"]);
/** The formats of a data file, after a {@linkcode SECRET_STEMS} name. */
const DATA_EXTENSIONS = new Set([
  "cfg",
  "conf",
  "ini",
  "json",
  "toml",
  "txt",
  "xml",
  "yaml",
  "yml",
]);

/** The last part of a `.env.…` name that makes it an example, meant to be shared. */
const EXAMPLES = new Set(["dist", "example", "sample", "template"]);

/**
 * Whether a folder walk leaves out the entry `name` (a file, or a folder
 * when `folder`) because of what its name says it holds. `.env` and
 * `.env.local` are left out; `.env.example`, `.env.sample`,
 * `.env.template` and `.env.dist` are examples and are not.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { secretByName } from "./secret_files.ts";
 * assert.equal(secretByName(".env"), true);
 * assert.equal(secretByName(".env.example"), false);
 * assert.equal(secretByName(".ssh", { folder: true }), true);
 * assert.equal(secretByName("main.ts"), false);
 * ```
 */
export function secretByName(
  name: string,
  { folder = false }: { folder?: boolean } = {},
): boolean {
  const lower = name.toLowerCase();
  if (folder) return SECRET_FOLDERS.has(lower);
  if (SECRET_NAMES.has(lower)) return true;
  if (lower === ".env") return true;
  if (lower.startsWith(".env.")) {
    return !EXAMPLES.has(lower.slice(lower.lastIndexOf(".") + 1));
  }
  if (/^client_secret.*\.json$/.test(lower)) return true;
  const dot = lower.lastIndexOf(".");
  if (dot <= 0) return SECRET_STEMS.has(lower);
  const [stem, extension] = [lower.slice(0, dot), lower.slice(dot + 1)];
  return SECRET_EXTENSIONS.has(extension) ||
    (SECRET_STEMS.has(stem) && DATA_EXTENSIONS.has(extension));
}

/** A line that begins a PEM or PGP private key. */
const PRIVATE_KEY = /^-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----\r?$/m;

/**
 * Whether `content` holds a private key: a line of its own that begins one
 * (`-----BEGIN OPENSSH PRIVATE KEY-----`, `-----BEGIN PGP PRIVATE KEY
 * BLOCK-----`, …), whatever the file is called.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { holdsPrivateKey } from "./secret_files.ts";
 * assert.equal(holdsPrivateKey("-----BEGIN OPENSSH PRIVATE KEY-----\nb3Bl\n"), true);
 * assert.equal(holdsPrivateKey('const head = "-----BEGIN PRIVATE KEY-----";\n'), false);
 * ```
 */
export function holdsPrivateKey(content: string): boolean {
  return PRIVATE_KEY.test(content);
}

/** How many left-out files the note names before it counts the rest. */
export const NAMED_LEFT_OUT = 10;

/**
 * The one line that says which of a folder's files `-f` left out (names
 * relative to the folder, a folder with a trailing `/`): the first
 * {@linkcode NAMED_LEFT_OUT}, then how many more.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { leftOutNote } from "./secret_files.ts";
 * assert.equal(
 *   leftOutNote(".", [".env", ".npmrc", "keys/id_ed25519"]),
 *   "left out of -f .: .env, .npmrc, keys/id_ed25519 (they may hold " +
 *     "secrets; name a file on its own to send it)",
 * );
 * ```
 */
export function leftOutNote(folder: string, names: string[]): string {
  const shown = names.slice(0, NAMED_LEFT_OUT).join(", ");
  const more = names.length - NAMED_LEFT_OUT;
  const why = names.length === 1
    ? "it may hold secrets; name it on its own to send it"
    : "they may hold secrets; name a file on its own to send it";
  return `left out of -f ${folder}: ${shown}${
    more > 0 ? ` and ${more} more` : ""
  } (${why})`;
}
