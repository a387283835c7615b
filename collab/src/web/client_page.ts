/**
 * The web client's page: the Hero theme's frame (sidebar, top bar, theme toggle) around the
 * chat — channel list with unread counts, channel view, thread pane, composer, search. The page
 * is static HTML; `app.js` fills it from the API over the one WebSocket.
 */
import { escapeHtml } from "../render/markdown.ts";

/** Renders the page for a signed-in user. */
export function clientPage(opts: { username: string; admin: boolean; signOut: boolean }): string {
  return `<!doctype html>
<html lang="en" data-theme="dark"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>hero_collab</title>
<link rel="icon" href="data:,">
<script>document.documentElement.dataset.theme = localStorage.getItem("hero-theme") || "dark";</script>
<link rel="stylesheet" href="assets/hero.css">
<link rel="stylesheet" href="assets/collab.css">
</head><body data-username="${escapeHtml(opts.username)}" data-admin="${opts.admin}">
<div class="app collab">
<aside class="sidebar" aria-label="Conversations">
  <div class="brand"><div class="brand-logo" aria-hidden="true">H</div><div><div class="brand-name">hero_collab</div><div class="brand-sub" id="workspace-name">…</div></div></div>
  <div class="nav-title" id="channels-title">Channels</div>
  <nav class="nav" id="channel-list" aria-labelledby="channels-title"></nav>
  <div class="nav-title" id="dms-title">Direct messages</div>
  <nav class="nav" id="dm-list" aria-labelledby="dms-title"></nav>
  <div class="sidebar-actions">
    <button class="btn small" id="new-channel" type="button">+ Channel</button>
    <button class="btn small" id="new-dm" type="button">+ Message</button>${
    opts.admin
      ? '\n    <button class="btn small" id="new-group" type="button">+ Group</button>'
      : ""
  }
  </div>
  <div class="sidebar-foot"><span class="presence-dot" id="me-presence" aria-hidden="true"></span>
    <span id="me-name">${escapeHtml(opts.username)}</span>${
    opts.admin ? ' <span class="pill info">admin</span>' : ""
  }
    ${
    opts.signOut
      ? '<form method="post" action="/logout" class="signout"><button class="btn small" type="submit">Sign out</button></form>'
      : ""
  }</div>
</aside>
<main class="main">
  <header class="topbar">
    <h1 id="channel-title">…</h1><span class="crumbs" id="channel-topic"></span>
    <span class="spacer"></span>
    <form id="search-form" role="search" class="search-form">
      <label class="sr-only" for="search-input">Search messages</label>
      <input id="search-input" type="search" placeholder="Search (Ctrl+K)  in:#ch from:@user has:file" autocomplete="off">
    </form>
    <span class="pill" id="live-status" role="status">connecting</span>
    <button class="btn theme-toggle" id="theme-toggle" type="button" aria-label="Switch between dark and light">☀</button>
  </header>
  <div class="chat">
    <section class="channel-pane" aria-labelledby="channel-title">
      <div class="messages" id="messages" role="log" aria-live="polite" aria-label="Messages" tabindex="0"></div>
      <div class="typing" id="typing" aria-live="polite"></div>
      <form class="composer" id="composer" data-target="channel">
        <div class="attachments" id="attachments"></div>
        <label class="sr-only" for="composer-input">Message</label>
        <textarea id="composer-input" rows="2" placeholder="Message (Markdown; @ to mention, : for emoji, / for commands; drop or paste files)"></textarea>
        <div class="composer-row"><input type="file" id="file-input" multiple class="sr-only" aria-label="Attach files">
          <button class="btn small" type="button" id="attach">Attach</button><span class="spacer"></span>
          <button class="btn primary small" type="submit">Send</button></div>
        <ul class="autocomplete" id="autocomplete" role="listbox" aria-label="Suggestions" hidden></ul>
      </form>
    </section>
    <aside class="side-pane" id="side-pane" hidden aria-labelledby="side-title">
      <div class="side-head"><h2 id="side-title">Thread</h2><button class="btn small" id="side-close" type="button" aria-label="Close the side pane">✕</button></div>
      <div class="messages" id="side-messages" role="log" aria-label="Thread messages"></div>
      <form class="composer" id="thread-composer" data-target="thread">
        <label class="sr-only" for="thread-input">Reply</label>
        <textarea id="thread-input" rows="2" placeholder="Reply…"></textarea>
        <div class="composer-row"><label class="check"><input type="checkbox" id="also-channel"> Also send to channel</label>
          <span class="spacer"></span><button class="btn primary small" type="submit">Reply</button></div>
      </form>
    </aside>
  </div>
</main></div>
<script type="module" src="assets/app.js"></script>
</body></html>`;
}
