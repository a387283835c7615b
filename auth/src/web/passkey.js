// Passkey buttons on hero_auth's pages: fetch options, ask the browser's authenticator, post
// the result back, then follow the redirect the server answers with.
const show = (text) => {
  let box = document.getElementById("error");
  if (!box) {
    box = document.createElement("div");
    box.id = "error";
    box.className = "banner bad";
    box.setAttribute("role", "alert");
    document.querySelector("h1").after(box);
  }
  box.textContent = text;
};

for (const button of document.querySelectorAll("[data-passkey]")) {
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      const asked = await fetch(button.dataset.optionsUrl, { method: "POST" });
      const options = await asked.json();
      if (!asked.ok) throw new Error(options.error ?? "The server refused");
      const credential = button.dataset.passkey === "login"
        ? await navigator.credentials.get({
          publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options),
        })
        : await navigator.credentials.create({
          publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options),
        });
      const sent = await fetch(button.dataset.verifyUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(credential.toJSON()),
      });
      const out = await sent.json();
      if (!sent.ok) throw new Error(out.error ?? "The passkey was refused");
      location.href = out.redirect;
    } catch (err) {
      show(err instanceof Error ? err.message : String(err));
      button.disabled = false;
    }
  });
}
