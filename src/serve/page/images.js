// Images the user attaches, by the file button, a paste or a drop: known by
// their first bytes (as the program knows `-a`'s files), checked against the
// program's limits, read as base64, shown as thumbnails until they are sent.

const SIGNATURES = [
  ["image/png", [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
  ["image/jpeg", [0xff, 0xd8, 0xff]],
  ["image/gif", [0x47, 0x49, 0x46, 0x38]],
];

const NAMES = {
  "image/png": "PNG",
  "image/jpeg": "JPEG",
  "image/webp": "WebP",
  "image/gif": "GIF",
};

/** A file that is refused, with the sentence that says why. */
export class Refused extends Error {
  constructor(message) {
    super(message);
    this.name = "Refused";
  }
}

/** The media type that a file's first bytes tell, or undefined. */
export function sniff(bytes) {
  for (const [type, signature] of SIGNATURES) {
    if (signature.every((byte, index) => bytes[index] === byte)) return type;
  }
  const ascii = (from, to) => String.fromCharCode(...bytes.slice(from, to));
  if (ascii(0, 4) === "RIFF" && ascii(8, 12) === "WEBP") return "image/webp";
  return undefined;
}

/** A size in words: 70 bytes, 12.5 KiB, 20 MiB. */
export function sizeOf(bytes) {
  if (bytes < 1024) return `${bytes} bytes`;
  const [value, unit] = bytes < 1024 * 1024
    ? [bytes / 1024, "KiB"]
    : [bytes / (1024 * 1024), "MiB"];
  return `${Number(value.toFixed(1))} ${unit}`;
}

/**
 * The image `file` as an attachment `{name, media_type, data, size}`, or a
 * Refused: a file that is no image of `types`, or larger than `limit`.
 */
export async function readImage(file, { limit, types }) {
  const name = file.name || "pasted image";
  const allowed = types.map((type) => NAMES[type] ?? type).join(", ")
    .replace(/, ([^,]*)$/, " or $1");
  if (file.size > limit) {
    throw new Refused(
      `${name} is larger than ${sizeOf(limit)}, the most an image may be`,
    );
  }
  const head = new Uint8Array(await file.slice(0, 12).arrayBuffer());
  const type = sniff(head);
  if (type === undefined || !types.includes(type)) {
    throw new Refused(`${name} is not an image: attach a ${allowed} image`);
  }
  const url = await new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(new Refused(`${name} could not be read`));
    reader.readAsDataURL(file);
  });
  const data = url.slice(url.indexOf(",") + 1);
  return { name, media_type: type, data, size: file.size };
}

/** The data URL that shows an attachment. */
export function dataUrlOf(attachment) {
  return `data:${attachment.media_type};base64,${attachment.data}`;
}

/**
 * The images waiting to be sent: taken from the file button (`ui.attach`,
 * `ui.file`), a paste into `ui.prompt` and a drop anywhere on `ui.app`,
 * shown in `ui.thumbnails`; a file refused is said through `notify`.
 */
export function createAttachments({ ui, limits, notify }) {
  let waiting = [];

  async function add(files) {
    const refusals = [];
    for (const file of files) {
      try {
        const image = await readImage(file, limits);
        const total = waiting.reduce((sum, each) => sum + each.size, 0);
        if (total + image.size > limits.total) {
          throw new Refused(
            `${image.name} would take the images past the ${
              sizeOf(limits.total)
            } one message may carry`,
          );
        }
        waiting.push(image);
      } catch (error) {
        refusals.push(
          error instanceof Refused ? error.message : `${file.name}: ${error}`,
        );
      }
    }
    notify(refusals.join(". "));
    show();
  }

  function show() {
    ui.thumbnails.hidden = waiting.length === 0;
    ui.thumbnails.replaceChildren(...waiting.map((image, index) => {
      const li = document.createElement("li");
      li.className = "thumbnail";
      const img = document.createElement("img");
      img.src = dataUrlOf(image);
      img.alt = image.name;
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "remove";
      remove.textContent = "×";
      remove.setAttribute("aria-label", `Remove ${image.name}`);
      remove.addEventListener("click", () => {
        waiting.splice(index, 1);
        show();
        ui.prompt.focus();
      });
      li.append(img, remove);
      return li;
    }));
  }

  ui.attach.addEventListener("click", () => ui.file.click());
  ui.file.addEventListener("change", () => {
    const files = [...ui.file.files];
    ui.file.value = "";
    add(files);
  });
  ui.prompt.addEventListener("paste", (event) => {
    const files = [...(event.clipboardData?.files ?? [])];
    if (files.length === 0) return;
    event.preventDefault();
    add(files);
  });
  const hasFiles = (event) =>
    [...(event.dataTransfer?.types ?? [])].includes("Files");
  ui.app.addEventListener("dragover", (event) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "copy";
    ui.composer.classList.add("dropping");
  });
  ui.app.addEventListener("dragleave", (event) => {
    if (event.relatedTarget === null) ui.composer.classList.remove("dropping");
  });
  ui.app.addEventListener("drop", (event) => {
    ui.composer.classList.remove("dropping");
    if (!hasFiles(event)) return;
    event.preventDefault();
    add([...event.dataTransfer.files]);
  });

  return {
    /** How many images wait. */
    count: () => waiting.length,
    /** The images waiting, which are sent now: the tray is emptied. */
    take() {
      const taken = waiting;
      waiting = [];
      show();
      return taken;
    },
  };
}
