// hero_collab's web client: loads the workspace over the one WebSocket, keeps it current from
// the event stream, and drives the sidebar, channel view, thread pane, composer and search.
import { initTheme, toast } from "./hero_ui.js";
import { Live } from "./live.js";
import { Composer } from "./composer.js";
import { channelLink, ephemeralHtml, loadEmoji, messageHtml, searchHtml } from "./views.js";
import { confirmDialog, openDialog } from "./dialog.js";

const $ = (s) => document.querySelector(s);
const state = {
  me: null,
  workspace: null,
  channels: new Map(),
  counts: new Map(),
  users: new Map(),
  current: null,
  messages: new Map(),
  thread: null,
  searching: false,
  typing: new Map(),
  commands: [],
  groups: [],
};

const live = new Live(onEvent, onEphemeral, (s) => {
  const pill = $("#live-status");
  pill.textContent = s;
  pill.className = `pill ${s === "live" ? "ok" : "warn"}`;
}, () => loadAll());
const call = (m, p) => live.call(m, p);

async function loadAll() {
  state.me = await call("users.me");
  const [ws] = await call("workspaces.list");
  state.workspace = ws;
  $("#workspace-name").textContent = ws.name;
  for (const u of await call("users.list", { limit: 1000 })) state.users.set(u.id, u);
  state.channels = new Map(
    (await call("channels.list", { workspace_id: ws.id })).map((c) => [c.id, c]),
  );
  state.counts = new Map(
    (await call("reads.counts", { workspace_id: ws.id })).map((c) => [c.channel_id, c]),
  );
  state.commands = await call("commands.list", { workspace_id: ws.id }).catch(() => []);
  renderSidebar();
  const target = location.hash.slice(1);
  await openChannel(
    state.channels.has(target)
      ? target
      : [...state.channels.values()].find((c) => c.name === "general")?.id,
  );
}

function label(c) {
  if (c.kind !== "dm" && c.kind !== "group_dm") return c.name;
  const others = (c.dm_key ?? "").split(",").filter((id) => id !== state.me.id);
  return others.map((id) => state.users.get(id)?.username ?? id).join(", ") || state.me.username;
}

function renderSidebar() {
  const all = [...state.channels.values()].filter((c) => c.member || c.id === state.current);
  const chans = all.filter((c) => !c.dm_key);
  const dms = all.filter((c) => c.dm_key);
  $("#channel-list").innerHTML = chans.map((c) =>
    channelLink(c, state.counts.get(c.id), c.id === state.current, label(c))
  ).join("");
  $("#dm-list").innerHTML = dms.map((c) =>
    channelLink(c, state.counts.get(c.id), c.id === state.current, label(c))
  ).join("");
  const unread = [...state.counts.values()].reduce((n, c) => n + c.unread, 0);
  document.title = `${unread ? `(${unread}) ` : ""}hero_collab`;
}

async function openChannel(id, aroundId) {
  if (!id || !state.channels.has(id)) return;
  state.current = id;
  state.searching = false;
  if (location.hash.slice(1) !== id) history.replaceState(null, "", `#${id}`);
  const c = state.channels.get(id);
  $("#channel-title").textContent = c.dm_key ? `@${label(c)}` : `#${c.name}`;
  $("#channel-topic").textContent = c.topic || c.purpose || "";
  const page = await call(
    "messages.list",
    aroundId ? { channel_id: id, around: aroundId, limit: 60 } : { channel_id: id, limit: 60 },
  );
  state.messages = new Map(page.messages.map((m) => [m.id, m]));
  renderMessages(aroundId);
  renderSidebar();
  if (c.member) markRead();
  else {$("#messages").insertAdjacentHTML(
      "beforeend",
      `<p class="empty"><button class="btn" type="button" id="join">Join #${c.name}</button></p>`,
    );}
  $("#join")?.addEventListener("click", async () => {
    state.channels.set(id, { ...(await call("channels.join", { id })), member: true });
    openChannel(id);
  });
}

function renderMessages(highlight) {
  const box = $("#messages");
  const list = [...state.messages.values()].sort((a, b) => a.seq - b.seq);
  box.innerHTML = list.length
    ? list.map((m) => messageHtml(m, state.me.id, { highlight: m.id === highlight })).join("")
    : `<p class="empty">No messages yet. Say hello!</p>`;
  const el = highlight ? box.querySelector(`[data-id="${highlight}"]`) : null;
  if (el) el.scrollIntoView({ block: "center" });
  else box.scrollTop = box.scrollHeight;
}

let markTimer;
function markRead() {
  clearTimeout(markTimer);
  markTimer = setTimeout(() => {
    if (document.visibilityState === "visible" && state.current) {
      call("reads.mark", { channel_id: state.current }).catch(() => {});
    }
  }, 300);
}

async function openThread(rootId) {
  const t = await call("messages.thread", { id: rootId });
  state.thread = t;
  $("#side-pane").hidden = false;
  $("#side-title").textContent = "Thread";
  renderThread();
  $("#thread-input").focus();
}

function renderThread() {
  const t = state.thread;
  if (!t) return;
  $("#side-messages").innerHTML = [t.root, ...t.replies].map((m) =>
    messageHtml(m, state.me.id, { inThread: true })
  ).join("");
  $("#side-messages").scrollTop = $("#side-messages").scrollHeight;
}

function onEvent(e) {
  const d = e.data;
  switch (e.type) {
    case "message.posted":
    case "message.edited": {
      const m = d.message;
      if (state.thread && (m.thread_id === state.thread.root.id || m.id === state.thread.root.id)) {
        if (m.id === state.thread.root.id) state.thread.root = m;
        else {
          const i = state.thread.replies.findIndex((r) => r.id === m.id);
          if (i >= 0) state.thread.replies[i] = m;
          else state.thread.replies.push(m);
        }
        renderThread();
      }
      const inChannel = !m.thread_id || m.also_in_channel;
      if (m.channel_id === state.current && inChannel && !state.searching) {
        state.messages.set(m.id, m);
        renderMessages();
        if (e.type === "message.posted" && m.user_id !== state.me.id) markRead();
      } else if (e.type === "message.posted" && inChannel && m.user_id !== state.me.id) {
        const c = state.counts.get(m.channel_id) ??
          { channel_id: m.channel_id, unread: 0, mentions: 0 };
        c.unread++;
        state.counts.set(m.channel_id, c);
        renderSidebar();
      }
      state.typing.delete(`${m.channel_id}:${m.user_id}`);
      renderTyping();
      break;
    }
    case "thread.updated":
    case "reaction.added":
    case "reaction.removed":
    case "pin.added":
    case "pin.removed": {
      const id = d.root_id ?? d.message_id;
      if (state.messages.has(id) || state.thread?.root.id === id) refreshMessage(id);
      break;
    }
    case "message.deleted":
      state.messages.delete(d.id);
      if (e.channel_id === state.current) renderMessages();
      if (state.thread) {
        state.thread.replies = state.thread.replies.filter((r) => r.id !== d.id);
        renderThread();
      }
      break;
    case "notification": {
      const c = state.counts.get(d.notification.channel_id) ??
        { channel_id: d.notification.channel_id, unread: 0, mentions: 0 };
      if (d.notification.kind === "mention" && d.notification.channel_id !== state.current) {
        c.mentions++;
      }
      state.counts.set(c.channel_id, c);
      renderSidebar();
      break;
    }
    case "read.marked":
      state.counts.set(d.channel_id, d);
      renderSidebar();
      break;
    case "channel.created":
    case "channel.updated":
    case "channel.invited": {
      const known = state.channels.get(d.channel.id)?.member;
      const joined = (d.channel.dm_key ?? "").split(",").includes(state.me.id) ||
        e.type === "channel.invited" || d.channel.created_by === state.me.id;
      state.channels.set(d.channel.id, {
        ...d.channel,
        member: known === undefined ? joined : known,
      });
      if (d.channel.id === state.current) {
        $("#channel-topic").textContent = d.channel.topic || d.channel.purpose || "";
      }
      // A private channel given to one of my groups: the server knows whether I am in.
      if (known === undefined && !joined && d.channel.kind === "private") {
        call("channels.get", { id: d.channel.id }).then((c) => {
          state.channels.set(c.id, c);
          renderSidebar();
        }).catch(() => {});
      }
      renderSidebar();
      break;
    }
    case "channel.member_joined":
      if (d.user_id === state.me.id && state.channels.has(d.channel_id)) {
        state.channels.get(d.channel_id).member = true;
        renderSidebar();
      }
      break;
    case "channel.removed":
      state.channels.delete(d.channel_id);
      renderSidebar();
      break;
    case "retention.purged":
      if (d.channel_id === state.current) {
        for (const [id, m] of state.messages) {
          if (m.created_at < d.before) state.messages.delete(id);
        }
        renderMessages();
      }
      break;
    case "command.response":
      showEphemeral(d);
      break;
  }
}

/** An answer only this user sees, shown in the conversation it belongs to. */
function showEphemeral(d) {
  if (d.channel_id !== state.current || state.searching) return;
  const box = d.thread_id && state.thread?.root.id === d.thread_id
    ? $("#side-messages")
    : $("#messages");
  box.insertAdjacentHTML("beforeend", ephemeralHtml(d));
  box.scrollTop = box.scrollHeight;
}

async function refreshMessage(id) {
  const m = await call("messages.get", { id }).catch(() => null);
  if (!m) return;
  if (state.messages.has(id)) {
    state.messages.set(id, m);
    renderMessages();
  }
  if (state.thread?.root.id === id) {
    state.thread.root = m;
    renderThread();
  }
}

function onEphemeral(p) {
  if (p.type === "typing") {
    state.typing.set(`${p.channel_id}:${p.user_id}`, { ...p, until: Date.now() + 5000 });
    renderTyping();
    setTimeout(renderTyping, 5100);
  } else if (p.type === "presence" && p.user_id === state.me?.id) {
    $("#me-presence").className = `presence-dot ${p.presence}`;
  }
}

function renderTyping() {
  const now = Date.now();
  const names = [...state.typing.values()].filter((t) =>
    t.channel_id === state.current && t.until > now
  ).map((t) => t.username);
  $("#typing").textContent = names.length
    ? `${names.join(", ")} ${names.length === 1 ? "is" : "are"} typing…`
    : "";
}

let lastTyping = 0;
const people = () => [
  ...[...state.users.values()].map((u) => ({
    name: u.username,
    label: `@${u.username} ${u.display_name ?? ""}`,
  })),
  { name: "channel", label: "@channel  notify everyone here" },
];
let emojiList = [];
loadEmoji().then((m) => (emojiList = [...m.entries()]));
new Composer($("#composer"), {
  channel: () => state.current,
  people,
  emoji: () => emojiList,
  onTyping: () => {
    if (Date.now() - lastTyping > 3000 && state.current) {
      lastTyping = Date.now();
      call("typing.start", { channel_id: state.current }).catch(() => {});
    }
  },
  commands: () => state.commands,
  send: (text, files) =>
    isCommand(text) && !files.length
      ? call("commands.run", { channel_id: state.current, text })
      : call("messages.post", {
        channel_id: state.current,
        text: text.startsWith("//") ? text.slice(1) : text,
        ...(files.length ? { files } : {}),
      }),
  editLast: () => {
    const mine = [...state.messages.values()].filter((m) =>
      m.user_id === state.me.id
    ).sort((a, b) => b.seq - a.seq)[0];
    if (mine) {
      editMessage(mine);
    }
  },
  error: (msg) =>
    toast(msg, "bad"),
});
new Composer($("#thread-composer"), {
  channel: () => state.current,
  people,
  emoji: () => emojiList,
  commands: () => state.commands,
  send: (text) =>
    isCommand(text)
      ? call("commands.run", {
        channel_id: state.thread.root.channel_id,
        thread_id: state.thread.root.id,
        text,
      })
      : call("messages.post", {
        channel_id: state.thread.root.channel_id,
        thread_id: state.thread.root.id,
        text: text.startsWith("//") ? text.slice(1) : text,
        also_in_channel: $("#also-channel").checked,
      }),
  error: (msg) => toast(msg, "bad"),
});

/** A line that runs a slash command ("//" posts a line that starts with "/"). */
function isCommand(text) {
  return /^\/[a-z0-9][\w-]*(\s|$)/.test(text.trim()) && !text.startsWith("//");
}

async function editMessage(m) {
  await openDialog({
    title: "Edit message",
    submit: "Save",
    fields: [{
      name: "text",
      label: "Message (Markdown)",
      type: "textarea",
      value: m.text,
      required: true,
      autofocus: true,
    }],
    onSubmit: async ({ text }) => {
      if (text !== m.text) {
        await call("messages.edit", { id: m.id, text, expect_version: m.version });
      }
    },
  });
}

document.addEventListener("click", async (e) => {
  const link = e.target.closest("[data-channel]");
  if (link && !e.target.closest(".hit")) {
    e.preventDefault();
    return openChannel(link.dataset.channel);
  }
  const hit = e.target.closest(".hit");
  if (hit) return openChannel(hit.dataset.channel, hit.dataset.message);
  const btn = e.target.closest("[data-action]");
  if (!btn) return;
  const id = btn.closest("[data-id]")?.dataset.id;
  const m = state.messages.get(id) ??
    (state.thread && [state.thread.root, ...state.thread.replies].find((r) => r.id === id));
  if (!m) return;
  const action = btn.dataset.action;
  try {
    if (action === "thread") await openThread(m.id);
    else if (action === "react") {
      const mine = m.reactions.find((r) => r.emoji === btn.dataset.emoji)?.users.includes(
        state.me.id,
      );
      await call(mine ? "reactions.remove" : "reactions.add", {
        id: m.id,
        emoji: btn.dataset.emoji,
      });
    } else if (action === "pin") await call(m.pinned_at ? "pins.remove" : "pins.add", { id: m.id });
    else if (action === "edit") await editMessage(m);
    else if (action === "delete" && await confirmDialog("Delete this message?", "Delete")) {
      await call("messages.delete", { id: m.id });
    }
  } catch (err) {
    toast(err.message, "bad");
  }
});

$("#side-close").addEventListener("click", () => {
  $("#side-pane").hidden = true;
  state.thread = null;
});

$("#search-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const query = $("#search-input").value.trim();
  if (!query) return;
  try {
    const { hits } = await call("search.messages", { query, workspace_id: state.workspace.id });
    state.searching = true;
    $("#channel-title").textContent = "Search";
    $("#channel-topic").textContent = query;
    $("#messages").innerHTML = searchHtml(query, hits);
  } catch (err) {
    toast(err.message, "bad");
  }
});

/** The required, first "Name" field of a dialog. */
const nameField = (pattern, hint, maxlength) => ({
  name: "name",
  label: "Name",
  required: true,
  autofocus: true,
  pattern,
  hint,
  maxlength,
});

$("#new-channel").addEventListener("click", async () => {
  const admin = state.me.admin;
  if (admin) state.groups = await call("groups.list").catch(() => []);
  const c = await openDialog({
    title: "New channel",
    submit: "Create",
    fields: [
      nameField("#?[a-zA-Z0-9][a-zA-Z0-9 _\\-]*", "Lower-case letters, digits, - and _", 80),
      { name: "topic", label: "Topic", maxlength: 250 },
      {
        name: "private",
        label: "Private: only people added (or its groups) can see it",
        type: "checkbox",
      },
      ...(admin
        ? [{
          name: "groups",
          label: "Give it to hero_auth groups",
          type: "choices",
          options: state.groups.map((g) => ({
            value: g.id,
            label: `${g.name} (${g.members.length})`,
          })),
          empty: "No groups yet",
        }]
        : []),
    ],
    onSubmit: (v) =>
      call("channels.create", {
        workspace_id: state.workspace.id,
        name: v.name,
        kind: v.private || v.groups?.length ? "private" : "public",
        ...(v.topic ? { topic: v.topic } : {}),
        ...(v.groups?.length ? { groups: v.groups } : {}),
      }),
  });
  if (!c) return;
  state.channels.set(c.id, { ...c, member: true });
  openChannel(c.id);
});

const others = () =>
  [...state.users.values()].filter((u) => u.id !== state.me.id).map((u) => ({
    value: u.id,
    label: u.display_name ? `${u.username} (${u.display_name})` : u.username,
  }));

$("#new-dm").addEventListener("click", async () => {
  const c = await openDialog({
    title: "New message",
    submit: "Open",
    fields: [{
      name: "users",
      label: "With whom (up to 8 people)",
      type: "choices",
      options: others(),
      empty: "Nobody else has signed in yet",
    }],
    onSubmit: (v) => {
      if (!v.users.length) throw new Error("Choose at least one person");
      return call("dms.open", { workspace_id: state.workspace.id, user_ids: v.users });
    },
  });
  if (!c) return;
  state.channels.set(c.id, { ...c, member: true });
  openChannel(c.id);
});

$("#new-group")?.addEventListener("click", async () => {
  const g = await openDialog({
    title: "New group",
    submit: "Create",
    fields: [
      nameField(
        "[A-Za-z0-9][A-Za-z0-9._\\-]*",
        "Letters, digits, . _ and -; the group lives in hero_auth",
        64,
      ),
      { name: "description", label: "Description", maxlength: 1000 },
      { name: "members", label: "Members", type: "choices", options: others() },
    ],
    onSubmit: (v) =>
      call("groups.create", {
        name: v.name,
        ...(v.description ? { description: v.description } : {}),
        ...(v.members.length ? { user_ids: v.members } : {}),
      }),
  });
  if (g) toast(`Group ${g.name} created`, "ok");
});

// Keyboard: Ctrl/Cmd+K search, Alt+Up/Down previous/next conversation, Escape closes the thread,
// J/K move through messages when the list has focus, R replies in thread.
document.addEventListener("keydown", (e) => {
  if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "k") {
    e.preventDefault();
    $("#search-input").focus();
  } else if (e.altKey && (e.key === "ArrowUp" || e.key === "ArrowDown")) {
    e.preventDefault();
    const links = [...document.querySelectorAll(".sidebar [data-channel]")];
    const i = links.findIndex((a) => a.dataset.channel === state.current);
    const next = links[(i + (e.key === "ArrowDown" ? 1 : links.length - 1)) % links.length];
    if (next) openChannel(next.dataset.channel);
  } else if (e.key === "Escape" && !$("#side-pane").hidden) {
    $("#side-pane").hidden = true;
    state.thread = null;
  } else if (
    document.activeElement?.closest?.("#messages") &&
    (e.key === "j" || e.key === "k" || e.key === "r")
  ) {
    const items = [...document.querySelectorAll("#messages .msg")];
    const cur = document.activeElement.closest(".msg");
    const i = items.indexOf(cur);
    if (e.key === "r" && cur) return openThread(cur.dataset.id);
    const next = items[e.key === "j" ? Math.min(i + 1, items.length - 1) : Math.max(i - 1, 0)] ??
      items[items.length - 1];
    next?.focus();
  }
});

document.addEventListener("visibilitychange", () => {
  live.call("live.presence", { status: document.visibilityState === "visible" ? "active" : "away" })
    .catch(() => {});
  if (document.visibilityState === "visible") markRead();
});

initTheme();
await live.start(-1);
await loadEmoji();
await loadAll();
globalThis.addEventListener("hashchange", () => openChannel(location.hash.slice(1)));
globalThis.collab = { state, live, call };
