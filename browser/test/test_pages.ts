/** The pages the browser tests (and the browser bench) load, by path. */

/** A page: HTML, or a redirect to another URL. */
export type TestPage = { html: string } | { redirect: string };

/** The form page: a heading, a button that changes it and logs, a text field. */
export const FORM_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Hero test form</title></head>
<body>
  <h1 id="title">Waiting</h1>
  <button type="button" onclick="pressed()">Press me</button>
  <label>Your name <input id="name" oninput="console.info('typed ' + this.value)"></label>
  <p id="out"></p>
  <script>
    function pressed() {
      document.getElementById("title").textContent = "Pressed";
      console.log("button pressed");
      console.error("a deliberate error");
    }
  </script>
</body></html>`;

/** Every test page. */
export const TEST_PAGES: Record<string, TestPage> = {
  "/form": { html: FORM_PAGE },
  "/private": { html: "<!doctype html><title>Private</title><p>secret</p>" },
  "/to-private": { redirect: "/private" },
  "/to-file": { redirect: "file:///etc/passwd" },
  // A script that never yields: the page answers nothing, ever.
  "/hang": { html: "<!doctype html><title>Hang</title><script>for (;;) {}</script>" },
};
