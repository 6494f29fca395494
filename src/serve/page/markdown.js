// An answer's markdown as DOM nodes, built from marked's tokens with
// createElement and textContent alone: nothing a model writes becomes markup.
// Raw HTML shows as text, links go only to http(s) and mailto, and images in
// answers are never loaded (their alt text and address show instead).

// marked's own browser build, which src/serve/page.ts serves as /marked.js
// from the npm package: no such file is in this folder, so its name is not
// one that Deno's checker would try to resolve.
const MARKED = "./marked.js";
const { Lexer } = await import(MARKED);

const SAFE_LINK = /^(https?:|mailto:)/i;
const SAFE_CLASS = /^[\w-]+( [\w-]+)*$/;

/**
 * A renderer of answers. `highlight(code, language)` resolves with the
 * spans of /api/highlight (or rejects: the block stays plain); `copy(text)`
 * puts text on the clipboard and resolves when it did.
 */
export function createMarkdown({ highlight, copy }) {
  /** The blocks shown in each answer, kept to redraw only what changed. */
  const shown = new WeakMap();

  /**
   * Renders `text` into `container`. While the answer streams (`done`
   * false), its last block may still grow; code blocks are highlighted once
   * complete.
   */
  function render(container, text, { done = true } = {}) {
    const tokens = Lexer.lex(text, { gfm: true }).filter((token) =>
      token.type !== "space" && token.type !== "def"
    );
    const before = shown.get(container) ?? [];
    const after = tokens.map((token, index) => {
      const complete = done || index < tokens.length - 1;
      const old = before[index];
      if (old && old.raw === token.raw && old.complete === complete) return old;
      return { raw: token.raw, complete, node: block(token, complete) };
    });
    after.forEach((entry, index) => {
      const old = before[index];
      if (old === entry) return;
      if (old) old.node.replaceWith(entry.node);
      else container.append(entry.node);
    });
    for (const old of before.slice(after.length)) old.node.remove();
    shown.set(container, after);
  }

  function block(token, complete) {
    switch (token.type) {
      case "heading": {
        const depth = Math.min(Math.max(token.depth, 1), 6);
        const node = element(`h${Math.min(depth + 2, 6)}`, `md-h${depth}`);
        inline(node, token.tokens);
        return node;
      }
      case "paragraph":
        return inline(element("p"), token.tokens);
      case "code":
        return codeBlock(token.text, token.lang ?? "", complete);
      case "blockquote":
        return blocks(element("blockquote"), token.tokens, complete);
      case "list":
        return list(token, complete);
      case "table":
        return table(token);
      case "hr":
        return element("hr");
      case "checkbox":
        return inlineNode(token);
      case "html":
        return textBlock(token.text ?? token.raw, "raw-html");
      case "text":
        return token.tokens
          ? inline(element("p"), token.tokens)
          : textBlock(token.text ?? token.raw);
      default:
        return textBlock(token.raw ?? "");
    }
  }

  function blocks(parent, tokens = [], complete = true) {
    for (const token of tokens) {
      if (token.type === "space" || token.type === "def") continue;
      parent.append(
        token.type === "text" && token.tokens
          ? inline(document.createDocumentFragment(), token.tokens)
          : block(token, complete),
      );
    }
    return parent;
  }

  function list(token, complete) {
    const node = element(token.ordered ? "ol" : "ul");
    if (token.ordered && token.start !== "" && token.start !== 1) {
      node.start = Number(token.start);
    }
    for (const item of token.items ?? []) {
      const li = element("li", item.task ? "task" : undefined);
      blocks(li, item.tokens, complete);
      node.append(li);
    }
    return node;
  }

  function table(token) {
    const wrap = element("div", "table-wrap");
    const node = element("table");
    const head = element("thead");
    const row = element("tr");
    token.header.forEach((cell, index) => {
      row.append(
        inline(element("th", alignOf(token.align[index])), cell.tokens),
      );
    });
    head.append(row);
    const body = element("tbody");
    for (const cells of token.rows) {
      const tr = element("tr");
      cells.forEach((cell, index) => {
        tr.append(
          inline(element("td", alignOf(token.align[index])), cell.tokens),
        );
      });
      body.append(tr);
    }
    node.append(head, body);
    wrap.append(node);
    return wrap;
  }

  function codeBlock(text, lang, complete) {
    const language = lang.trim().split(/\s+/)[0] ?? "";
    const node = element("div", "code-block");
    const head = element("div", "code-head");
    const name = element("span", "code-language");
    name.textContent = language || "text";
    const button = element("button", "copy");
    button.type = "button";
    button.textContent = "Copy";
    button.setAttribute("aria-label", `Copy ${language || "the"} code`);
    button.addEventListener("click", () => {
      copy(text).then(
        () => flash(button, "Copied"),
        () => flash(button, "Copy failed"),
      );
    });
    head.append(name, button);
    const pre = element("pre");
    const code = element("code");
    code.textContent = text;
    pre.append(code);
    node.append(head, pre);
    if (complete && language) {
      highlight(text, language).then((spans) => {
        const parts = spans.map((span) => {
          if (!span.class || !SAFE_CLASS.test(span.class)) {
            return document.createTextNode(span.text);
          }
          const part = element("span", span.class);
          part.textContent = span.text;
          return part;
        });
        if (parts.map((part) => part.textContent).join("") !== text) return;
        code.replaceChildren(...parts);
        code.dataset.highlighted = "true";
      }, () => {
        // Left plain: the server would not highlight it.
      });
    }
    return node;
  }

  function inline(parent, tokens = []) {
    for (const token of tokens) parent.append(inlineNode(token));
    return parent;
  }

  function inlineNode(token) {
    switch (token.type) {
      case "text":
        return token.tokens
          ? inline(document.createDocumentFragment(), token.tokens)
          : document.createTextNode(decode(token.text));
      case "escape":
        return document.createTextNode(token.text);
      case "strong":
      case "em":
      case "del":
        return inline(element(token.type), token.tokens);
      case "codespan": {
        const node = element("code");
        node.textContent = token.text;
        return node;
      }
      case "br":
        return element("br");
      case "link":
        return link(token);
      case "image":
        return image(token);
      case "checkbox": {
        const box = element("input");
        box.type = "checkbox";
        box.checked = Boolean(token.checked);
        box.disabled = true;
        box.setAttribute("aria-label", token.checked ? "done" : "not done");
        return box;
      }
      case "html":
        return document.createTextNode(token.text ?? token.raw);
      default:
        return document.createTextNode(token.raw ?? token.text ?? "");
    }
  }

  function link(token) {
    const href = (token.href ?? "").trim();
    if (!SAFE_LINK.test(href)) {
      return inline(element("span", "unsafe-link"), token.tokens);
    }
    const node = element("a");
    node.href = href;
    node.target = "_blank";
    node.rel = "noopener noreferrer";
    if (token.title) node.title = token.title;
    return inline(node, token.tokens);
  }

  /** An image in an answer: its alt text, linked when it is http(s); never loaded. */
  function image(token) {
    const label = `[image: ${decode(token.text || "no description")}]`;
    const href = (token.href ?? "").trim();
    if (!/^https?:/i.test(href)) {
      const node = element("span", "image-alt");
      node.textContent = label;
      return node;
    }
    const node = element("a", "image-alt");
    node.href = href;
    node.target = "_blank";
    node.rel = "noopener noreferrer";
    node.textContent = label;
    return node;
  }

  return { render };
}

function element(name, className) {
  const node = document.createElement(name);
  if (className) node.className = className;
  return node;
}

function textBlock(text, className = "raw-text") {
  const node = element("p", className);
  node.textContent = text;
  return node;
}

function alignOf(align) {
  return align === "left" || align === "center" || align === "right"
    ? `align-${align}`
    : undefined;
}

function flash(button, label) {
  button.textContent = label;
  clearTimeout(button.flashTimer);
  button.flashTimer = setTimeout(() => {
    button.textContent = "Copy";
  }, 1500);
}

const ENTITIES = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: "\u00a0",
};

/** The text of the entities marked leaves in text (`&amp;`, `&#39;`). */
export function decode(text) {
  return text.replace(/&(#\d{1,7}|#x[\da-f]{1,6}|[a-z]+);/gi, (whole, name) => {
    if (name[0] !== "#") return ENTITIES[name.toLowerCase()] ?? whole;
    const point = name[1] === "x" || name[1] === "X"
      ? parseInt(name.slice(2), 16)
      : parseInt(name.slice(1), 10);
    return point > 0 && point <= 0x10ffff ? String.fromCodePoint(point) : whole;
  });
}
