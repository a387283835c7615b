// Accessible dialogs for the web client, on the native <dialog> element: modal (the page
// behind is inert), labelled by its heading, Escape cancels, focus goes to the first field and
// back to what opened it. A submit runs `onSubmit`; its error is shown inside the dialog (as an
// alert) and the dialog stays open, so nothing typed is lost.
import { esc } from "./hero_ui.js";

let count = 0;

/**
 * Opens a dialog with fields and resolves with what `onSubmit` returned, or null if cancelled.
 * Field types: text, textarea, checkbox, choices (a list of checkboxes), radio.
 */
export function openDialog({ title, fields = [], submit = "Save", danger = false, onSubmit }) {
  const id = `dlg-${++count}`;
  const opener = document.activeElement;
  const dialog = document.createElement("dialog");
  dialog.className = "collab-dialog";
  dialog.setAttribute("aria-labelledby", `${id}-title`);
  dialog.innerHTML = `<form method="dialog" novalidate>
    <h2 id="${id}-title">${esc(title)}</h2>
    ${fields.map((f) => fieldHtml(id, f)).join("")}
    <p class="dialog-error" role="alert" hidden></p>
    <div class="dialog-actions">
      <button type="button" class="btn" value="cancel" data-cancel>Cancel</button>
      <button type="submit" class="btn ${danger ? "danger" : "primary"}">${esc(submit)}</button>
    </div>
  </form>`;
  document.body.append(dialog);
  const form = dialog.querySelector("form");
  const error = dialog.querySelector(".dialog-error");
  return new Promise((resolve) => {
    let result = null;
    const close = () => dialog.close();
    dialog.addEventListener("close", () => {
      dialog.remove();
      opener?.focus?.();
      resolve(result);
    });
    dialog.querySelector("[data-cancel]").addEventListener("click", close);
    // What was wrong is no longer shown once the user changes something.
    form.addEventListener("input", () => (error.hidden = true));
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const invalid = [...form.elements].find((el) => el.willValidate && !el.checkValidity());
      if (invalid) {
        show(error, `${labelOf(invalid)}: ${invalid.validationMessage}`);
        invalid.focus();
        return;
      }
      const values = valuesOf(form, fields);
      const busy = form.querySelector("[type=submit]");
      busy.disabled = true;
      try {
        result = onSubmit ? await onSubmit(values) : values;
        result ??= values;
        close();
      } catch (err) {
        show(error, err.message);
      } finally {
        busy.disabled = false;
      }
    });
    dialog.showModal();
    (dialog.querySelector("[data-autofocus]") ?? dialog.querySelector("input, textarea"))
      ?.focus();
  });
}

/** A yes/no question; resolves true if confirmed. */
export async function confirmDialog(title, submit, danger = true) {
  return (await openDialog({ title, submit, danger, onSubmit: () => true })) === true;
}

function fieldHtml(id, f) {
  const fid = `${id}-${f.name}`;
  const hint = f.hint ? `<span class="hint" id="${fid}-hint">${esc(f.hint)}</span>` : "";
  const described = f.hint ? ` aria-describedby="${fid}-hint"` : "";
  const req = f.required ? " required" : "";
  const auto = f.autofocus ? " data-autofocus" : "";
  switch (f.type) {
    case "textarea":
      return `<label class="field" for="${fid}">${esc(f.label)}</label>
        <textarea id="${fid}" name="${esc(f.name)}" rows="${
        f.rows ?? 5
      }"${req}${described}${auto}>${esc(f.value ?? "")}</textarea>${hint}`;
    case "checkbox":
      return `<label class="check field"><input type="checkbox" id="${fid}" name="${esc(f.name)}"${
        f.value ? " checked" : ""
      }${described}> ${esc(f.label)}</label>${hint}`;
    case "choices":
    case "radio": {
      const type = f.type === "radio" ? "radio" : "checkbox";
      const items = (f.options ?? []).map((o, i) =>
        `<label class="check"><input type="${type}" name="${esc(f.name)}" value="${
          esc(o.value)
        }" id="${fid}-${i}"${
          (f.value ?? []).includes?.(o.value) || f.value === o.value ? " checked" : ""
        }> ${esc(o.label)}</label>`
      ).join("");
      return `<fieldset class="field choices"${described}><legend>${esc(f.label)}</legend>${
        items || `<p class="empty">${esc(f.empty ?? "Nothing to choose")}</p>`
      }</fieldset>${hint}`;
    }
    default:
      return `<label class="field" for="${fid}">${esc(f.label)}</label>
        <input id="${fid}" name="${esc(f.name)}" type="text" value="${esc(f.value ?? "")}"${
        f.pattern ? ` pattern="${esc(f.pattern)}"` : ""
      }${
        f.maxlength ? ` maxlength="${f.maxlength}"` : ""
      } autocomplete="off"${req}${described}${auto}>${hint}`;
  }
}

function valuesOf(form, fields) {
  const out = {};
  for (const f of fields) {
    if (f.type === "checkbox") out[f.name] = form.elements[f.name].checked;
    else if (f.type === "choices") {
      out[f.name] = [...form.querySelectorAll(`input[name="${CSS.escape(f.name)}"]:checked`)]
        .map((el) => el.value);
    } else if (f.type === "radio") {
      out[f.name] = form.querySelector(`input[name="${CSS.escape(f.name)}"]:checked`)?.value;
    } else out[f.name] = form.elements[f.name].value;
  }
  return out;
}

function labelOf(el) {
  return el.labels?.[0]?.textContent.trim() ?? el.name;
}

function show(el, text) {
  el.textContent = text;
  el.hidden = false;
}
