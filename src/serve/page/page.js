// The chat page of `gpt4o --serve`: the composer, the messages and their
// streamed answers, the model picker, the conversation list and the token
// form, wired to the server's API (/v1/models, /api/conversations*,
// /api/chat, /api/highlight).

import { ApiError, createApi, errorOf, eventsOf } from "./api.js";
import { createMarkdown } from "./markdown.js";
import { createAttachments, dataUrlOf } from "./images.js";
import { createConversationList } from "./conversations.js";

const $ = (id) => document.getElementById(id);
const ui = {
  app: $("app"),
  sidebar: $("sidebar"),
  backdrop: $("backdrop"),
  toggle: $("toggle-list"),
  newChat: $("new-chat"),
  search: $("search"),
  list: $("conversations"),
  listStatus: $("list-status"),
  title: $("title"),
  model: $("model"),
  messages: $("messages"),
  empty: $("empty"),
  composer: $("composer"),
  notice: $("notice"),
  thumbnails: $("thumbnails"),
  attach: $("attach"),
  file: $("file"),
  prompt: $("prompt"),
  send: $("send"),
  stop: $("stop"),
  status: $("status"),
  tokenDialog: $("token-dialog"),
  tokenForm: $("token-form"),
  tokenMessage: $("token-message"),
  token: $("token"),
};

const MODEL_KEY = "gpt4o.model";

const state = {
  /** The conversation open, by the server's id (a number); undefined for a new chat. */
  conversation: undefined,
  /** The answer streaming: its AbortController. */
  streaming: undefined,
};

const api = createApi({
  askToken,
  // What failed for want of the token is asked for again once there is one.
  onToken: () => {
    if (modelsFailed) loadModels();
  },
});
const highlights = new Map();
const markdown = createMarkdown({
  highlight(code, language) {
    // A block the server would refuse (413) is left plain without asking.
    if (code.length > Number(document.body.dataset.highlightLimit)) {
      return Promise.reject(new Error("too large to highlight"));
    }
    const key = `${language}\n${code}`;
    let spans = highlights.get(key);
    if (spans === undefined) {
      spans = api.json("/api/highlight", {
        method: "POST",
        body: { code, language },
      }).then((answer) => answer.spans);
      spans.catch(() => highlights.delete(key));
      highlights.set(key, spans);
    }
    return spans;
  },
  copy: copyText,
});
const attachments = createAttachments({
  ui,
  limits: {
    limit: Number(document.body.dataset.imageLimit),
    total: Number(document.body.dataset.requestLimit),
    types: (document.body.dataset.imageTypes ?? "").split(" ").filter(Boolean),
  },
  notify,
});
const conversations = createConversationList({
  api,
  list: ui.list,
  search: ui.search,
  status: ui.listStatus,
  open: (id) => {
    closeList();
    location.hash = String(id);
  },
});

// ---- the token form ----

/**
 * Shows the token form; resolves with the token typed, or rejects when the
 * form is put away (Escape): the calls that waited fail, and the next one
 * asks again.
 */
function askToken(refused) {
  ui.tokenMessage.textContent = refused
    ? "That token was not accepted. Paste the value of GPT4O_SERVE_TOKEN that the server was started with."
    : "Paste the value of GPT4O_SERVE_TOKEN that the server was started with. It is kept in this browser only.";
  ui.token.value = "";
  if (!ui.tokenDialog.open) ui.tokenDialog.showModal();
  ui.token.focus();
  return new Promise((resolve, reject) => {
    const submitted = (event) => {
      event.preventDefault();
      const token = ui.token.value.trim();
      if (!token) return;
      done();
      ui.tokenDialog.close();
      resolve(token);
    };
    const closed = () => {
      done();
      reject(new Error("no token was given"));
    };
    const done = () => {
      ui.tokenForm.removeEventListener("submit", submitted);
      ui.tokenDialog.removeEventListener("close", closed);
    };
    ui.tokenForm.addEventListener("submit", submitted);
    ui.tokenDialog.addEventListener("close", closed);
  });
}

// ---- the model picker ----

const MODELS_FAILED = "The models could not be listed";
let modelsFailed = false;

async function loadModels() {
  modelsFailed = false;
  try {
    const { data } = await api.json("/v1/models");
    if (ui.notice.textContent.startsWith(MODELS_FAILED)) notify("");
    const ids = (Array.isArray(data) ? data : []).map((model) =>
      String(model.id)
    );
    ui.model.replaceChildren(...ids.map((id) => new Option(id, id)));
    const chosen = remembered(MODEL_KEY);
    if (chosen && ids.includes(chosen)) ui.model.value = chosen;
  } catch (error) {
    modelsFailed = true;
    notify(`${MODELS_FAILED}: ${error.message}`);
  }
}

function chooseModel(model) {
  if (!model) return;
  if (![...ui.model.options].some((option) => option.value === model)) {
    ui.model.append(new Option(model, model));
  }
  ui.model.value = model;
}

ui.model.addEventListener("change", () => remember(MODEL_KEY, ui.model.value));

// ---- messages ----

function clearMessages() {
  ui.messages.replaceChildren(ui.empty);
  ui.empty.hidden = false;
}

function addMessage(role) {
  ui.empty.hidden = true;
  const article = document.createElement("article");
  article.className = `message ${role}`;
  article.setAttribute("aria-label", role === "user" ? "You" : "Answer");
  const body = document.createElement("div");
  body.className = "message-body";
  article.append(body);
  ui.messages.append(article);
  return { article, body };
}

/** A user's message: its text as typed, and its images. */
function showUserMessage(text, images) {
  const { article, body } = addMessage("user");
  if (images.length) {
    const row = document.createElement("div");
    row.className = "message-images";
    for (const image of images) {
      const img = document.createElement("img");
      img.src = image.url;
      img.alt = image.name;
      row.append(img);
    }
    body.append(row);
  }
  if (text) {
    const p = document.createElement("p");
    p.className = "user-text";
    p.textContent = text;
    body.append(p);
  }
  return article;
}

function showNote(article, text, kind = "note") {
  const p = document.createElement("p");
  p.className = `note ${kind}`;
  if (kind === "error") p.setAttribute("role", "alert");
  p.textContent = text;
  article.append(p);
}

function scrollToEnd() {
  ui.messages.scrollTop = ui.messages.scrollHeight;
}

/** A saved message's content: a string, or content parts (text and image_url). */
function showSaved(message) {
  const parts = typeof message.content === "string"
    ? [{ type: "text", text: message.content }]
    : Array.isArray(message.content)
    ? message.content
    : [];
  const text = parts.filter((part) => part?.type === "text")
    .map((part) => String(part.text ?? "")).join("\n\n");
  const images = parts.filter((part) =>
    part?.type === "image_url" &&
    /^data:image\/[\w.+-]+;base64,/i.test(String(part.image_url?.url ?? ""))
  ).map((part, index) => ({
    url: part.image_url.url,
    name: `image ${index + 1}`,
  }));
  if (message.role === "user") {
    if (text || images.length) showUserMessage(text, images);
  } else if (message.role === "assistant" && text) {
    const { body } = addMessage("assistant");
    markdown.render(body, text);
  }
}

// ---- opening a conversation ----

let opening;

async function openConversation(id) {
  stop();
  opening?.abort();
  const controller = new AbortController();
  opening = controller;
  try {
    const conversation = await api.json(
      `/api/conversations/${encodeURIComponent(id)}`,
      { signal: controller.signal },
    );
    if (opening !== controller) return;
    state.conversation = conversation.id;
    conversations.setCurrent(state.conversation);
    clearMessages();
    ui.title.textContent = conversation.title || "Untitled";
    document.title = `${ui.title.textContent} · gpt4o`;
    chooseModel(conversation.model);
    if (conversation.system) {
      const details = document.createElement("details");
      details.className = "system";
      const summary = document.createElement("summary");
      summary.textContent = "System message";
      const p = document.createElement("p");
      p.textContent = String(conversation.system);
      details.append(summary, p);
      ui.messages.append(details);
      ui.empty.hidden = true;
    }
    for (const message of conversation.messages ?? []) showSaved(message);
    scrollToEnd();
  } catch (error) {
    if (controller.signal.aborted) return;
    notify(
      error instanceof ApiError && error.code === "not_found"
        ? "That conversation is not in the history."
        : `The conversation could not be opened: ${error.message}`,
    );
    newChat();
  } finally {
    if (opening === controller) opening = undefined;
  }
}

function newChat() {
  stop();
  state.conversation = undefined;
  conversations.setCurrent(undefined);
  clearMessages();
  ui.title.textContent = "New chat";
  document.title = "gpt4o";
  if (location.hash) history.replaceState(null, "", location.pathname);
}

/** The conversation the address names (`#3`), or a new chat. */
function route() {
  const id = decodeURIComponent(location.hash.slice(1));
  if (id && id !== String(state.conversation ?? "")) openConversation(id);
  else if (!id && state.conversation !== undefined) newChat();
}
addEventListener("hashchange", route);

// ---- sending and streaming ----

async function send() {
  if (state.streaming) return;
  const prompt = ui.prompt.value;
  if (!prompt.trim()) {
    if (attachments.count()) {
      notify("Write a message to send with the images.");
    }
    ui.prompt.focus();
    return;
  }
  const images = attachments.take();
  notify("");
  ui.prompt.value = "";
  fitPrompt();
  showUserMessage(
    prompt,
    images.map((image) => ({ url: dataUrlOf(image), name: image.name })),
  );
  const { article, body: answer } = addMessage("assistant");
  article.setAttribute("aria-busy", "true");
  answer.classList.add("waiting");
  scrollToEnd();

  const controller = new AbortController();
  state.streaming = controller;
  streamingUi(true);
  let text = "";
  let drawn = -1;
  const draw = (done) => {
    if (!done && drawn === text.length) return;
    drawn = text.length;
    answer.classList.toggle("waiting", text === "" && !done);
    markdown.render(answer, text, { done });
    scrollToEnd();
  };
  let frame;
  const later = () => {
    frame ??= requestAnimationFrame(() => {
      frame = undefined;
      draw(false);
    });
  };
  let outcome = "done";
  try {
    const response = await api.request("/api/chat", {
      method: "POST",
      signal: controller.signal,
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        ...(state.conversation === undefined
          ? {}
          : { conversation: state.conversation }),
        ...(ui.model.value ? { model: ui.model.value } : {}),
        prompt,
        ...(images.length
          ? {
            attachments: images.map(({ name, media_type, data }) => ({
              name,
              media_type,
              data,
            })),
          }
          : {}),
      }),
    });
    if (!response.ok) throw await errorOf(response);
    for await (const { event, data } of eventsOf(response)) {
      if (event === "conversation") {
        joined(JSON.parse(data).id, prompt);
      } else if (event === "error") {
        const message = JSON.parse(data)?.error?.message;
        throw new ApiError(String(message || "the answer failed"));
      } else if (data === "[DONE]") {
        break;
      } else {
        const delta = JSON.parse(data)?.choices?.[0]?.delta?.content;
        if (typeof delta === "string" && delta) {
          text += delta;
          later();
        }
      }
    }
  } catch (error) {
    if (controller.signal.aborted) {
      outcome = "stopped";
    } else {
      outcome = "failed";
      showNote(
        article,
        error instanceof Error ? error.message : String(error),
        "error",
      );
    }
  } finally {
    if (frame !== undefined) cancelAnimationFrame(frame);
    draw(true);
    answer.classList.remove("waiting");
    if (outcome === "stopped") {
      showNote(article, "Stopped: the answer so far is kept.", "stopped");
    }
    if (outcome === "done" && text === "") {
      showNote(article, "The answer was empty.");
    }
    article.setAttribute("aria-busy", "false");
    ui.status.textContent = outcome === "stopped"
      ? "Answer stopped."
      : outcome === "failed"
      ? "The answer failed."
      : "Answer finished.";
    state.streaming = undefined;
    const focused = document.activeElement === ui.stop;
    streamingUi(false);
    if (focused) ui.prompt.focus();
    scrollToEnd();
    conversations.load();
  }
}

/** The server's conversation for this chat: the next message continues it. */
function joined(id, prompt) {
  if (id === undefined || id === null) return;
  const fresh = state.conversation === undefined;
  state.conversation = id;
  conversations.setCurrent(id);
  if (fresh) {
    ui.title.textContent = prompt.trim().split("\n")[0].slice(0, 80);
    document.title = `${ui.title.textContent} · gpt4o`;
    history.replaceState(null, "", `#${id}`);
  }
}

function stop() {
  state.streaming?.abort();
}

function streamingUi(streaming) {
  ui.send.hidden = streaming;
  ui.stop.hidden = !streaming;
}

// ---- notices ----

function notify(text) {
  ui.notice.textContent = text;
  ui.notice.hidden = text === "";
}

// ---- the clipboard ----

async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return;
  } catch {
    // No clipboard API here (an insecure origin, or no permission): the old way.
  }
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.className = "offscreen";
  document.body.append(area);
  area.select();
  const copied = document.execCommand("copy");
  area.remove();
  if (!copied) throw new Error("the browser would not copy");
}

// ---- the composer and the keyboard ----

function fitPrompt() {
  ui.prompt.style.height = "auto";
  ui.prompt.style.height = `${Math.min(ui.prompt.scrollHeight, 240)}px`;
}

ui.composer.addEventListener("submit", (event) => {
  event.preventDefault();
  send();
});
ui.prompt.addEventListener("input", fitPrompt);
ui.prompt.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    send();
  }
});
ui.stop.addEventListener("click", stop);
ui.newChat.addEventListener("click", () => {
  closeList();
  newChat();
  ui.prompt.focus();
});
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape" || ui.tokenDialog.open) return;
  if (ui.app.classList.contains("list-open")) {
    closeList();
    ui.toggle.focus();
  } else if (state.streaming) {
    event.preventDefault();
    stop();
  }
});

// ---- the list behind a button on a narrow window ----

function closeList() {
  ui.app.classList.remove("list-open");
  ui.backdrop.hidden = true;
  ui.toggle.setAttribute("aria-expanded", "false");
  ui.toggle.setAttribute("aria-label", "Show conversations");
}

ui.toggle.addEventListener("click", () => {
  if (ui.app.classList.contains("list-open")) {
    closeList();
    return;
  }
  ui.app.classList.add("list-open");
  ui.backdrop.hidden = false;
  ui.toggle.setAttribute("aria-expanded", "true");
  ui.toggle.setAttribute("aria-label", "Hide conversations");
  ui.search.focus();
});
ui.backdrop.addEventListener("click", closeList);

function remembered(key) {
  try {
    return localStorage.getItem(key) ?? undefined;
  } catch {
    return undefined;
  }
}

function remember(key, value) {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Not kept: the server's default next time.
  }
}

// ---- start ----

loadModels();
conversations.load();
route();
ui.prompt.focus();
