// The conversation list: the history's conversations, newest first, or those
// the search box's words find; the one open marked as current.

const LIMIT = 100;

/**
 * The list in `list` (a <ul>), filled through `api`, searched by `search`
 * (an <input>), its state said in `status`; `open(id)` opens one.
 */
export function createConversationList({ api, list, search, status, open }) {
  let current;
  let loading;

  /** Fetches the list anew for the words in the search box; the last call wins. */
  async function load() {
    loading?.abort();
    const controller = new AbortController();
    loading = controller;
    const words = search.value.trim();
    const query = new URLSearchParams({ limit: String(LIMIT) });
    if (words) query.set("q", words);
    try {
      const { data } = await api.json(`/api/conversations?${query}`, {
        signal: controller.signal,
      });
      if (loading !== controller) return;
      show(Array.isArray(data) ? data : [], words);
    } catch (error) {
      if (controller.signal.aborted) return;
      status.textContent =
        `The conversations could not be listed: ${error.message}`;
    } finally {
      if (loading === controller) loading = undefined;
    }
  }

  function show(conversations, words) {
    list.replaceChildren(...conversations.map(item));
    list.dataset.query = words;
    status.textContent = conversations.length
      ? ""
      : words
      ? `No conversation matches “${words}”.`
      : "No conversations yet.";
    mark();
  }

  function item(conversation) {
    const li = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "conversation";
    button.dataset.id = String(conversation.id);
    const title = document.createElement("span");
    title.className = "conversation-title";
    title.textContent = String(conversation.title || "Untitled");
    const meta = document.createElement("span");
    meta.className = "conversation-meta";
    meta.textContent = [
      whenOf(conversation.updated),
      conversation.model,
      conversation.turns === 1 ? "1 turn" : `${conversation.turns ?? 0} turns`,
    ].filter(Boolean).join(" · ");
    button.append(title, meta);
    button.addEventListener("click", () => open(conversation.id));
    li.append(button);
    return li;
  }

  /** Marks the open conversation's entry. */
  function mark() {
    for (const button of list.querySelectorAll("button.conversation")) {
      if (current !== undefined && button.dataset.id === String(current)) {
        button.setAttribute("aria-current", "true");
      } else {
        button.removeAttribute("aria-current");
      }
    }
  }

  search.addEventListener("input", () => load());

  return {
    load,
    /** The conversation now open, by the server's id (undefined: a new chat). */
    setCurrent(id) {
      current = id;
      mark();
    },
  };
}

/** When a conversation was last updated, in the user's words for dates. */
export function whenOf(updated) {
  if (updated === undefined || updated === null || updated === "") return "";
  const date = typeof updated === "number"
    ? new Date(updated < 1e11 ? updated * 1000 : updated)
    : new Date(updated);
  if (Number.isNaN(date.getTime())) return String(updated);
  const now = new Date();
  const sameDay = date.toDateString() === now.toDateString();
  return sameDay
    ? date.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" })
    : date.toLocaleDateString(undefined, {
      day: "numeric",
      month: "short",
      ...(date.getFullYear() === now.getFullYear() ? {} : { year: "numeric" }),
    });
}
