// The composer: Enter sends (Shift+Enter for a new line), @mention, :emoji: and /command
// autocomplete (arrow keys, Enter/Tab to pick, Escape to close), uploads by drop, paste or the
// Attach button.
import { esc } from "./hero_ui.js";

export class Composer {
  constructor(form, o) {
    this.form = form;
    this.input = form.querySelector("textarea");
    this.list = document.querySelector("#autocomplete");
    this.o = o;
    this.files = [];
    this.items = [];
    this.index = 0;
    this.input.addEventListener("keydown", (e) => this.keydown(e));
    this.input.addEventListener("input", () => {
      this.suggest();
      o.onTyping?.();
    });
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      this.send();
    });
    form.addEventListener("dragover", (e) => {
      e.preventDefault();
      form.classList.add("dragging");
    });
    form.addEventListener("dragleave", () => form.classList.remove("dragging"));
    form.addEventListener("drop", (e) => {
      e.preventDefault();
      form.classList.remove("dragging");
      this.upload([...e.dataTransfer.files]);
    });
    this.input.addEventListener("paste", (e) => {
      const files = [...(e.clipboardData?.files ?? [])];
      if (files.length) {
        e.preventDefault();
        this.upload(files);
      }
    });
  }

  async upload(files) {
    for (const file of files) {
      const box = this.form.querySelector(".attachments");
      const chip = document.createElement("span");
      chip.className = "attachment";
      chip.textContent = `⏳ ${file.name}`;
      box?.append(chip);
      try {
        const res = await fetch(
          `files?channel_id=${encodeURIComponent(this.o.channel())}&name=${
            encodeURIComponent(file.name)
          }`,
          {
            method: "POST",
            body: file,
            headers: {
              "x-hero-csrf": "1",
              "content-type": file.type || "application/octet-stream",
            },
          },
        );
        const body = await res.json();
        if (!res.ok) throw new Error(body.error ?? res.statusText);
        this.files.push(body.id);
        chip.textContent = `📎 ${file.name}`;
      } catch (err) {
        chip.textContent = `✖ ${file.name}: ${err.message}`;
      }
    }
  }

  async send() {
    const text = this.input.value;
    if (!text.trim() && !this.files.length) return;
    const files = this.files;
    this.input.value = "";
    this.files = [];
    this.form.querySelector(".attachments")?.replaceChildren();
    this.close();
    try {
      await this.o.send(text, files);
    } catch (err) {
      this.input.value = text;
      this.o.error(err.message);
    }
  }

  keydown(e) {
    if (!this.list.hidden) {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        this.index = (this.index + (e.key === "ArrowDown" ? 1 : this.items.length - 1)) %
          this.items.length;
        this.render();
        return;
      }
      if (e.key === "Enter" || e.key === "Tab") {
        e.preventDefault();
        this.pick(this.items[this.index]);
        return;
      }
      if (e.key === "Escape") return this.close();
    }
    if (e.key === "Enter" && !e.shiftKey) {
      e.preventDefault();
      this.send();
    } else if (e.key === "ArrowUp" && !this.input.value) this.o.editLast?.();
  }

  /** Suggestions for the word before the caret. */
  suggest() {
    const before = this.input.value.slice(0, this.input.selectionStart);
    const cmd = /^\/([\w-]*)$/.exec(before);
    if (cmd && this.o.commands) {
      const q = cmd[1].toLowerCase();
      this.token = { start: 1, end: before.length, sigil: "/" };
      this.items = this.o.commands().filter((c) => c.name.startsWith(q)).slice(0, 8).map((c) => ({
        name: c.name,
        label: `${c.usage} — ${c.description}`,
      }));
      return this.open();
    }
    const m = /(^|\s)([@:])([\w.+-]*)$/.exec(before);
    if (!m || (m[2] === ":" && m[3].length < 2)) return this.close();
    const q = m[3].toLowerCase();
    this.token = { start: before.length - m[3].length - 1, end: before.length, sigil: m[2] };
    this.items = m[2] === "@"
      ? this.o.people().filter((p) => p.name.toLowerCase().startsWith(q)).slice(0, 8)
      : this.o.emoji().filter(([name]) => name.startsWith(q)).slice(0, 8).map(([name, ch]) => ({
        name,
        label: `${ch} :${name}:`,
      }));
    this.open();
  }

  open() {
    if (!this.items.length) return this.close();
    this.index = 0;
    this.list.hidden = false;
    this.form.append(this.list);
    this.render();
  }

  render() {
    this.list.innerHTML = this.items.map((it, i) =>
      `<li role="option" id="ac-${i}" aria-selected="${i === this.index}" data-i="${i}">${
        esc(it.label ?? "@" + it.name)
      }</li>`
    ).join("");
    this.input.setAttribute("aria-activedescendant", `ac-${this.index}`);
    this.list.onmousedown = (e) => {
      e.preventDefault();
      const i = e.target.closest("li")?.dataset.i;
      if (i !== undefined) this.pick(this.items[Number(i)]);
    };
  }

  pick(item) {
    const { start, end, sigil } = this.token;
    const insert = sigil === "@"
      ? `@${item.name} `
      : sigil === "/"
      ? `${item.name} `
      : `:${item.name}: `;
    this.input.value = this.input.value.slice(0, start) + insert + this.input.value.slice(end);
    this.input.selectionStart = this.input.selectionEnd = start + insert.length;
    this.close();
    this.input.focus();
  }

  close() {
    this.list.hidden = true;
    this.input.removeAttribute("aria-activedescendant");
  }
}
