// hero_auth admin: forms and buttons marked data-call run one RPC method through
// `call/<method>` (with the CSRF header), then show the answer or reload the page.
const { api, toast, esc } = globalThis.hero;

function paramsOf(form) {
  const out = {};
  for (const el of form.elements) {
    if (!el.name || el.disabled) continue;
    if (el.type === "checkbox") out[el.name] = el.checked;
    else if (el.dataset.list !== undefined) {
      out[el.name] = el.value.split(/[\s,]+/).filter(Boolean);
    } else if (el.value !== "") out[el.name] = el.value;
  }
  return out;
}

async function run(method, params, showResult) {
  try {
    const { result } = await api(`call/${method}`, { json: params });
    if (showResult) {
      const box = document.getElementById("result");
      box.hidden = false;
      box.innerHTML = `<h2>Result</h2><pre class="mono">${
        esc(JSON.stringify(result, null, 2))
      }</pre>`;
      box.focus();
    } else {
      location.reload();
    }
  } catch (err) {
    toast(err.message, "bad");
  }
}

for (const form of document.querySelectorAll("form[data-call]")) {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const fixed = JSON.parse(form.dataset.params ?? "{}");
    run(form.dataset.call, { ...fixed, ...paramsOf(form) }, form.dataset.show !== undefined);
  });
}
for (const button of document.querySelectorAll("button[data-call]")) {
  button.addEventListener("click", () => {
    if (button.dataset.confirm && !confirm(button.dataset.confirm)) return;
    run(
      button.dataset.call,
      JSON.parse(button.dataset.params ?? "{}"),
      button.dataset.show !== undefined,
    );
  });
}
