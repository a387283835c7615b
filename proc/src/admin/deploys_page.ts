/**
 * The Deploys page of hero_proc's admin: a form that deploys a commit of a git repository as a
 * service's release, and per deployed service its live release, the releases on disk (each
 * with a rollback button) and the deploy history with each build's output one click away.
 */

/** The page body (filled in by `static/deploys.js`). */
export const DEPLOYS_BODY = `
<div class="grid-2" style="grid-template-columns: minmax(0, 1fr) minmax(0, 1.6fr)">
  <div class="card"><div class="card-head"><h2>Deploy a commit</h2></div>
    <form class="card-body" id="deploy-form" style="display:grid;gap:12px">
      <p class="muted small">Mirrors the repository, checks the commit out as a release, runs the build,
      switches <code>current</code> and restarts the service there. A release that never gets
      healthy is switched back by itself.</p>
      <label class="field">Service<select id="deploy-service" name="service" required></select></label>
      <label class="field">Repository (path or URL)<input id="deploy-repo" name="repo" required
        class="mono" placeholder="/srv/git/app.git" autocomplete="off"></label>
      <label class="field">Branch, tag or commit<input id="deploy-ref" name="ref" class="mono"
        placeholder="HEAD" autocomplete="off"></label>
      <label class="field">Build command (optional)<input id="deploy-build" name="build" class="mono"
        placeholder="npm ci &amp;&amp; npm run build" autocomplete="off"></label>
      <label class="field">Seconds to become healthy<input id="deploy-health-timeout"
        name="health_timeout_s" type="number" min="1" placeholder="60"></label>
      <div class="toolbar"><button class="btn primary" type="submit" id="deploy-submit">Deploy</button>
      <span id="deploy-state" role="status" aria-live="polite"></span></div>
    </form></div>
  <div id="deploys"><div class="card"><div class="card-body muted">Loading…</div></div></div>
</div>`;
