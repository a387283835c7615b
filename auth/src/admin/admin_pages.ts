/**
 * The pages of hero_auth's admin UI, rendered on the server into the shared Hero frame. Every
 * form names the RPC method it runs (`data-call`); admin.js sends it.
 */
import { escapeHtml as e, renderPage } from "../../../ui/theme/page_shell.ts";
import type { AuthParts } from "../service_parts.ts";

/** The pages and their titles. */
export const ADMIN_PAGES = {
  users: "Users",
  groups: "Groups",
  clients: "OAuth clients",
  sessions: "Sessions",
  audit: "Audit log",
  keys: "Signing keys",
} as const;

/** A page name. */
export type AdminPageName = keyof typeof ADMIN_PAGES;

const ICONS: Record<AdminPageName, string> = {
  users: "👤",
  groups: "👥",
  clients: "🔌",
  sessions: "🔑",
  audit: "📜",
  keys: "🗝",
};

/** Renders a page, or undefined when the id names nothing. */
export function renderAdminPage(
  p: AuthParts,
  page: AdminPageName,
  opts: { id?: string; base: string; query: Record<string, string> },
): string | undefined {
  const body = BODIES[page](p, opts.id, opts.query);
  if (body === undefined) return undefined;
  return renderPage({
    product: "hero_auth",
    tagline: "single sign-on",
    title: ADMIN_PAGES[page],
    nav: [{
      title: "Identity",
      items: (Object.keys(ADMIN_PAGES) as AdminPageName[]).map((k) => ({
        href: k,
        label: ADMIN_PAGES[k],
        icon: `<span aria-hidden="true">${ICONS[k]}</span>`,
        active: k === page,
      })),
    }],
    body: `${body}<section class="card" id="result" tabindex="-1" hidden></section>`,
    css: "css/hero.css",
    modules: ["js/hero_ui.js", "js/admin.js"],
    base: opts.base,
    canMutate: true,
    footer: `<span class="small muted">issuer ${e(p.issuer)}</span>`,
  });
}

// A flush card scrolls sideways when its table is wide: keyboard users must reach it too.
const card = (title: string, inner: string, flush = false) =>
  `<section class="card"><div class="card-head"><h2>${e(title)}</h2></div><div class="card-body${
    flush ? ` flush" tabindex="0" role="region" aria-label="${e(title)}` : ""
  }">${inner}</div></section>`;
const table = (head: string[], rows: string[][], empty: string) =>
  `<table class="data"><thead><tr>${
    head.map((h) => `<th scope="col">${e(h)}</th>`).join("")
  }</tr></thead><tbody>${
    rows.length
      ? rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join("")}</tr>`).join("")
      : `<tr><td colspan="${head.length}" class="empty">${e(empty)}</td></tr>`
  }</tbody></table>`;
const input = (name: string, label: string, extra = "") =>
  `<label class="field" for="in-${name}">${
    e(label)
  }</label><input id="in-${name}" name="${name}" ${extra}>`;
const button = (
  label: string,
  method: string,
  params: unknown,
  opts: { confirm?: string; show?: boolean; danger?: boolean } = {},
) =>
  `<button class="btn small${
    opts.danger ? " danger" : ""
  }" type="button" data-call="${method}" data-params="${e(JSON.stringify(params))}"${
    opts.confirm ? ` data-confirm="${e(opts.confirm)}"` : ""
  }${opts.show ? " data-show" : ""}>${e(label)}</button>`;
const pill = (ok: boolean, yes: string, no: string) =>
  `<span class="pill ${ok ? "ok" : "warn"}">${e(ok ? yes : no)}</span>`;

const BODIES: Record<
  AdminPageName,
  (p: AuthParts, id: string | undefined, q: Record<string, string>) => string | undefined
> = {
  users: (p, id) => {
    if (id) return userDetail(p, id);
    const rows = p.users.list({ limit: 1000 }).map((u) => [
      `<a href="users/${e(u.id)}">${e(u.username)}</a>${
        u.is_owner ? ' <span class="tag accent">owner</span>' : ""
      }`,
      e(u.display_name),
      e(u.email),
      p.groups.groupsOf(u.id).map((g) => e(g.name)).join(", "),
      `${u.has_password ? "password" : ""}${u.totp_enabled ? " + TOTP" : ""}${
        u.passkeys ? ` · ${u.passkeys} passkey(s)` : ""
      }`,
      pill(!u.disabled, "active", "disabled"),
    ]);
    return card(
      "Users",
      table(["Username", "Name", "Email", "Groups", "Sign-in", "State"], rows, "No users"),
      true,
    ) +
      card(
        "New user",
        `<form data-call="users.create" data-show>${input("username", "Username", "required")}${
          input("display_name", "Display name")
        }${
          input("email", "Email", 'type="email"')
        }<button class="btn primary" type="submit">Create</button></form>
<p class="small muted">Then open the user and create a setup link for them.</p>`,
      );
  },
  groups: (p, id) => {
    if (id) return groupDetail(p, id);
    const rows = p.groups.list().map((g) => [
      `<a href="groups/${e(g.id)}">${e(g.name)}</a>`,
      e(g.description),
      g.roles.map((r) => `<span class="tag">${e(r)}</span>`).join(" "),
      String(g.members),
    ]);
    return card(
      "Groups",
      table(["Name", "Description", "Roles", "Members"], rows, "No groups"),
      true,
    ) +
      card(
        "New group",
        `<form data-call="groups.create">${input("name", "Name", "required")}${
          input("description", "Description")
        }${
          input("roles", "Roles (admin, read, …)", "data-list")
        }<button class="btn primary" type="submit">Create</button></form>`,
      );
  },
  clients: (p) => {
    const rows = p.models.list("Client").map((m) => {
      const c = m.payload as Record<string, unknown>;
      return [
        `<code>${e(c.client_id)}</code>`,
        e(c.client_name ?? ""),
        e(((c.redirect_uris as string[]) ?? []).join(" ")),
        e(((c.grant_types as string[]) ?? ["authorization_code", "refresh_token"]).join(", ")),
        button("Delete", "clients.delete", { id: c.client_id }, {
          confirm: "Delete this client?",
          danger: true,
        }),
      ];
    });
    return card(
      "OAuth clients",
      table(["Client id", "Name", "Redirect URIs", "Grants", ""], rows, "No clients"),
      true,
    ) +
      card(
        "New client",
        `<form data-call="clients.create" data-show>${input("client_name", "Name", "required")}${
          input("redirect_uris", "Redirect URIs (space separated)", "data-list")
        }${
          input(
            "grant_types",
            "Grant types (default: authorization_code refresh_token)",
            "data-list",
          )
        }
<label class="field"><input type="checkbox" name="hero_skip_consent"> First-party (no consent page)</label>
<button class="btn primary" type="submit">Create</button></form>`,
      );
  },
  sessions: (p) => sessionsCard(p),
  audit: (p, _id, q) => {
    const records = p.audit.query({ event: q.event || undefined, limit: 200 });
    const rows = records.map((r) => [
      String(r.seq),
      e(r.at),
      `<code>${e(r.event)}</code>`,
      e(r.actor),
      e(p.users.row(r.subject)?.username ?? r.subject),
      e(r.ip),
      pill(r.ok, "ok", "failed"),
      `<code class="small">${e(JSON.stringify(r.detail))}</code>`,
    ]);
    return `<form class="toolbar" method="get" action="audit"><label for="ev">Event or prefix</label>
<input id="ev" name="event" value="${
      e(q.event ?? "")
    }" placeholder="login."><button class="btn small" type="submit">Filter</button></form>` +
      card(
        "Latest 200 records",
        table(
          ["#", "Time", "Event", "Actor", "Subject", "IP", "Result", "Detail"],
          rows,
          "Nothing recorded",
        ),
        true,
      );
  },
  keys: (p) => {
    const rows = p.keys.list().map((k) => [
      `<code>${e(k.kid)}</code>`,
      e(k.alg),
      e(k.created_at),
      k.retired_at ? `retired ${e(k.retired_at)}` : pill(true, "active", ""),
    ]);
    return card(
      "Signing keys",
      table(["Key id", "Algorithm", "Created", "State"], rows, "No keys"),
      true,
    ) +
      `<p>${
        button("Rotate keys", "keys.rotate", {}, { confirm: "Rotate the signing keys now?" })
      }</p>`;
  },
};

function userDetail(p: AuthParts, id: string): string | undefined {
  const row = p.users.row(id);
  if (!row) return undefined;
  const u = p.users.get(id);
  const claims = p.groups.claimsOf(id, u.is_owner);
  const passkeys = p.passkeys.list(id).map((k) => [
    e(k.name || k.id.slice(0, 12)),
    e(k.created_at),
    e(k.last_used_at ?? "never"),
    button("Remove", "users.remove_passkey", { id, passkey_id: k.id }, { danger: true }),
  ]);
  return card(
    u.username,
    `<dl class="kv"><dt>Id</dt><dd><code>${e(u.id)}</code></dd><dt>Name</dt><dd>${
      e(u.display_name)
    }</dd>
<dt>Email</dt><dd>${e(u.email)}</dd><dt>Groups</dt><dd>${e(claims.groups.join(", ") || "none")}</dd>
<dt>Roles</dt><dd>${e(claims.roles.join(", ") || "none")}</dd><dt>Password</dt><dd>${
      u.has_password ? "set" : "not set"
    }</dd>
<dt>TOTP</dt><dd>${u.totp_enabled ? "on" : "off"}</dd><dt>State</dt><dd>${
      u.disabled ? "disabled" : "active"
    }</dd></dl>
<div class="btn-group">${button("Create setup link", "users.setup_link", { id }, { show: true })}
${u.totp_enabled ? button("Turn off TOTP", "users.reset_totp", { id }) : ""}
${
      u.is_owner
        ? ""
        : button(u.disabled ? "Enable" : "Disable", "users.update", { id, disabled: !u.disabled })
    }
${
      u.is_owner ? "" : button("Delete", "users.delete", { id }, {
        confirm: `Delete ${u.username}?`,
        danger: true,
      })
    }</div>`,
  ) + card("Passkeys", table(["Name", "Added", "Last used", ""], passkeys, "No passkeys"), true) +
    sessionsCard(p, id);
}

function groupDetail(p: AuthParts, id: string): string | undefined {
  const group = p.groups.list().find((g) => g.id === id);
  if (!group) return undefined;
  const members = p.groups.members(id).map((m) => [
    `<a href="users/${e(m.user_id)}">${e(m.username)}</a>`,
    e(m.added_at),
    button("Remove", "groups.remove_member", { group_id: id, user_id: m.user_id }, {
      danger: true,
    }),
  ]);
  const options = p.users.list({ limit: 1000 }).map((u) =>
    `<option value="${e(u.id)}">${e(u.username)}</option>`
  );
  return card(
    group.name,
    `<form data-call="groups.update" data-params="${e(JSON.stringify({ id }))}">${
      input("description", "Description", `value="${e(group.description)}"`)
    }${input("roles", "Roles", `value="${e(group.roles.join(", "))}" data-list`)}
<button class="btn primary" type="submit">Save</button></form>
<p>${
      button("Delete group", "groups.delete", { id }, {
        confirm: `Delete ${group.name}?`,
        danger: true,
      })
    }</p>`,
  ) + card("Members", table(["User", "Added", ""], members, "No members"), true) +
    card(
      "Add a member",
      `<form data-call="groups.add_member" data-params="${e(JSON.stringify({ group_id: id }))}">
<label class="field" for="in-user">User</label><select id="in-user" name="user_id">${
        options.join("")
      }</select>
<button class="btn primary" type="submit">Add</button></form>`,
    );
}

function sessionsCard(p: AuthParts, userId?: string): string {
  const rows = p.models.list("Session", userId).map((s) => {
    const pl = s.payload as {
      accountId: string;
      loginTs?: number;
      amr?: string[];
      authorizations?: object;
    };
    return [
      e(p.users.row(pl.accountId)?.username ?? pl.accountId),
      e(new Date((pl.loginTs ?? 0) * 1000).toISOString()),
      e((pl.amr ?? []).join(", ")),
      e(Object.keys(pl.authorizations ?? {}).join(", ")),
      button("Revoke", "sessions.revoke", { id: s.id }, { danger: true }),
    ];
  });
  return card(
    "Sessions",
    table(["User", "Signed in", "Methods", "Clients", ""], rows, "No sessions"),
    true,
  );
}
