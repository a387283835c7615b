// Forms for OpenRPC params: one field per param (text, number, checkbox, select, or JSON for
// objects and arrays), local $refs resolved against the document, and reading values back.
// The shared helpers (ui/theme/hero_ui.js), loaded before this module as globalThis.hero.
const { esc, jsonHtml } = globalThis.hero;

/** Resolves a local `#/...` $ref (one level at a time, cycles stop after 20 hops). */
export function resolve(schema, doc) {
  let s = schema ?? {};
  for (let i = 0; i < 20 && typeof s.$ref === "string" && s.$ref.startsWith("#/"); i++) {
    s = s.$ref.slice(2).split("/").reduce((o, k) =>
      o?.[k.replace(/~1/g, "/").replace(/~0/g, "~")], doc) ?? {};
  }
  return s;
}

/** A short type label for a schema. */
export function typeLabel(schema, doc) {
  const s = resolve(schema, doc);
  if (schema?.$ref) return schema.$ref.split("/").pop();
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(" | ");
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.oneOf || s.anyOf) return (s.oneOf ?? s.anyOf).map((x) => typeLabel(x, doc)).join(" | ");
  if (s.type === "array") return `${typeLabel(s.items ?? {}, doc)}[]`;
  return Array.isArray(s.type) ? s.type.join(" | ") : (s.type ?? "any");
}

function kind(schema) {
  if (schema.enum) return "enum";
  const t = Array.isArray(schema.type) ? schema.type.find((x) => x !== "null") : schema.type;
  return ["string", "integer", "number", "boolean"].includes(t) ? t : "json";
}

/** The fields of a method's try-it form. */
export function paramFields(method, doc) {
  const params = method.params ?? [];
  if (!params.length) return `<div class="muted small">This method takes no parameters.</div>`;
  return params.map((p, i) => {
    const s = resolve(p.schema, doc);
    const id = `f-${esc(method.name)}-${i}`;
    const label = `<span>${esc(p.name)}${
      p.required ? ' <span class="req">*</span>' : ""
    } <span class="tag">${esc(typeLabel(p.schema, doc))}</span></span>`;
    const k = kind(s);
    const def = s.default !== undefined ? s.default : undefined;
    let input;
    if (k === "boolean") {
      input = `<select id="${id}" data-kind="boolean"><option value="">(unset)</option><option${
        def === true ? " selected" : ""
      }>true</option><option${def === false ? " selected" : ""}>false</option></select>`;
    } else if (k === "enum") {
      input = `<select id="${id}" data-kind="json"><option value="">(unset)</option>${
        s.enum.map((v) =>
          `<option value="${esc(JSON.stringify(v))}">${esc(JSON.stringify(v))}</option>`
        ).join("")
      }</select>`;
    } else if (k === "json") {
      input = `<textarea id="${id}" data-kind="json" rows="3" placeholder="JSON value">${
        def !== undefined ? esc(JSON.stringify(def)) : ""
      }</textarea>`;
    } else {
      input = `<input id="${id}" data-kind="${k}" class="mono" ${
        k === "string" ? "" : 'inputmode="decimal"'
      } placeholder="${esc(p.summary ?? p.description ?? "")}" value="${
        def !== undefined ? esc(def) : ""
      }">`;
    }
    return `<label class="field" data-param="${esc(p.name)}">${label}${input}</label>`;
  }).join("");
}

/** Reads the form back into by-name params; throws with a message for bad JSON or numbers. */
export function readParams(form) {
  const params = {};
  for (const field of form.querySelectorAll("[data-param]")) {
    const input = field.querySelector("[data-kind]");
    const raw = input.value.trim();
    if (raw === "") continue;
    const name = field.dataset.param;
    const k = input.dataset.kind;
    if (k === "boolean") params[name] = raw === "true";
    else if (k === "integer" || k === "number") {
      const n = Number(raw);
      if (!Number.isFinite(n)) throw new Error(`"${name}" must be a number`);
      params[name] = n;
    } else if (k === "json") {
      try {
        params[name] = JSON.parse(raw);
      } catch {
        throw new Error(`"${name}" is not valid JSON`);
      }
    } else params[name] = raw;
  }
  return params;
}

/** The params table of a method. */
export function paramsTable(method, doc) {
  const params = method.params ?? [];
  if (!params.length) return `<div class="muted small">none</div>`;
  return `<table class="data params"><thead><tr><th>Name</th><th>Type</th><th>Description</th></tr></thead><tbody>${
    params.map((p) =>
      `<tr><td class="mono">${esc(p.name)}${
        p.required ? ' <span class="pill bad" style="padding:0 6px">required</span>' : ""
      }</td>` +
      `<td><span class="tag">${esc(typeLabel(p.schema, doc))}</span></td><td class="desc">${
        esc(p.summary ?? p.description ?? resolve(p.schema, doc).description ?? "")
      }</td></tr>`
    ).join("")
  }</tbody></table>`;
}

/** A schema as highlighted JSON in a box. */
export function schemaBox(schema) {
  return `<pre class="schema">${jsonHtml(schema)}</pre>`;
}
