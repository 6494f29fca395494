/**
 * An HTTPS host of modules on 127.0.0.1 whose certificate only its own CA
 * vouches for (`testdata/tls/`: `ca.pem`, and `cert.pem` with `key.pem` for
 * 127.0.0.1 and localhost, valid 2020–2120), as a network that inspects TLS
 * looks to Deno: the tests of an `https:` tool server fetched with the
 * user's certificate settings.
 *
 * @module
 */

const TLS = new URL("./tls/", import.meta.url);

/** The file of the CA certificate that vouches for the host. */
export const CA_FILE = new URL("ca.pem", TLS).pathname;

/** A running host: where each module is, and what it was asked. */
export interface ModuleHost extends AsyncDisposable {
  /** The URL of `path`, under a folder no earlier run used (Deno's cache has none of it). */
  url(path: string): string;
  /** The paths requested, in order. */
  requested: string[];
}

/**
 * Serves `modules` (a path, and its source) over HTTPS; a path in `hang` is
 * answered never.
 */
export function startModuleHost(
  modules: Record<string, string>,
  { hang = [] }: { hang?: string[] } = {},
): ModuleHost {
  const folder = `/${crypto.randomUUID()}`;
  const requested: string[] = [];
  const stop = new AbortController();
  const http = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    cert: Deno.readTextFileSync(new URL("cert.pem", TLS)),
    key: Deno.readTextFileSync(new URL("key.pem", TLS)),
    signal: stop.signal,
    onListen() {},
  }, (request) => {
    const path = new URL(request.url).pathname.slice(folder.length + 1);
    requested.push(path);
    if (hang.includes(path)) {
      return new Promise<Response>((resolve) =>
        stop.signal.addEventListener(
          "abort",
          () => resolve(new Response(null, { status: 503 })),
        )
      );
    }
    const source = modules[path];
    return source === undefined
      ? new Response("not found", { status: 404 })
      : new Response(source, {
        headers: { "content-type": "application/typescript" },
      });
  });
  return {
    url: (path) => `https://127.0.0.1:${http.addr.port}${folder}/${path}`,
    requested,
    async [Symbol.asyncDispose]() {
      stop.abort();
      await http.finished;
    },
  };
}
