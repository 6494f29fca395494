// The chat page's requests to its own server: the bearer token kept in
// localStorage and asked for once when the server answers 401
// token_required, JSON calls, and the events of POST /api/chat's stream.

const TOKEN_KEY = "gpt4o.token";

/** A failure the API answered, or that kept it from answering. */
export class ApiError extends Error {
  constructor(message, status = 0, code = undefined) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
  }
}

/**
 * The API client. `askToken(refused)` shows the token form and resolves with
 * what was typed, or rejects when it is put away (`refused`: the token kept
 * was not accepted); one form serves every request that waits for it.
 * `onToken()` is told of each token kept.
 */
export function createApi({ askToken, onToken = () => {} }) {
  let asking;
  const tokenWanted = (refused) => {
    asking ??= askToken(refused).then((token) => {
      store(token);
      onToken();
      return token;
    }).finally(() => {
      asking = undefined;
    });
    return asking;
  };

  /** `fetch` of one of the server's paths, with the token; asks for it on 401 token_required. */
  async function request(path, init = {}) {
    let refused = false;
    for (;;) {
      const token = stored();
      const headers = new Headers(init.headers);
      if (token) headers.set("Authorization", `Bearer ${token}`);
      const response = await fetch(path, { ...init, headers });
      if (response.status !== 401) return response;
      const error = await errorOf(response);
      if (error.code !== "token_required") throw error;
      // A token that was kept, or typed, and refused: ask again, saying so.
      refused = refused || token !== "";
      try {
        await tokenWanted(refused);
      } catch {
        // The form was put away: the call fails, saying what it lacks.
        throw new ApiError("this server needs its token", 401, error.code);
      }
      refused = true;
    }
  }

  return {
    request,
    /** The JSON of a GET or POST; throws an ApiError for any failure. */
    async json(path, { method = "GET", body, signal } = {}) {
      const response = await request(path, {
        method,
        signal,
        headers: body === undefined
          ? {}
          : { "Content-Type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (!response.ok) throw await errorOf(response);
      return await response.json();
    },
  };
}

function stored() {
  try {
    return localStorage.getItem(TOKEN_KEY) ?? "";
  } catch {
    return "";
  }
}

function store(token) {
  try {
    localStorage.setItem(TOKEN_KEY, token);
  } catch {
    // A browser that keeps nothing asks again next time.
  }
}

/** The API's error of a response that is not ok, as an ApiError. */
export async function errorOf(response) {
  let message = `the server answered ${response.status}`;
  let code;
  try {
    const { error } = await response.json();
    if (typeof error?.message === "string" && error.message) {
      message = error.message;
    }
    if (typeof error?.code === "string") code = error.code;
  } catch {
    // Not the API's shape: the status says it.
  }
  return new ApiError(message, response.status, code);
}

/**
 * The server-sent events of a response, in order: `{event, data}`, `event`
 * "message" when the server named none.
 */
export async function* eventsOf(response) {
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  let event = "message";
  let data = [];
  let finished = false;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) {
        finished = true;
        break;
      }
      buffer += value;
      let end;
      while ((end = buffer.search(/\r\n|\r|\n/)) !== -1) {
        const line = buffer.slice(0, end);
        const breakLength = buffer.startsWith("\r\n", end) ? 2 : 1;
        // A lone \r at the buffer's end may be the first half of \r\n.
        if (buffer[end] === "\r" && end + 1 === buffer.length) break;
        buffer = buffer.slice(end + breakLength);
        if (line === "") {
          if (data.length) yield { event, data: data.join("\n") };
          event = "message";
          data = [];
          continue;
        }
        if (line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const field = colon === -1 ? line : line.slice(0, colon);
        let text = colon === -1 ? "" : line.slice(colon + 1);
        if (text.startsWith(" ")) text = text.slice(1);
        if (field === "event") event = text;
        else if (field === "data") data.push(text);
      }
    }
    if (data.length) yield { event, data: data.join("\n") };
  } finally {
    // A reader that stops early (after [DONE]) lets the stream go.
    if (!finished) reader.cancel().catch(() => {});
  }
}
