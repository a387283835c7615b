/**
 * Sign-in for command-line programs and agents: the device authorization grant against
 * hero_auth (show a URL and a code, wait while the user approves in a browser), with the
 * refresh token kept in `~/hero/cfg/auth/<issuer>.json` (0600 in a 0700 directory) so later
 * runs get fresh access tokens without asking again. `node:fs` works on Deno, Node and Bun.
 */
import { chmod, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import type * as oidc from "openid-client";
import { openidClient } from "./openid_client.ts";
import { HeroError } from "../errors/hero_error.ts";

/** Options of the device login. */
export interface DeviceLoginOptions {
  issuer: string;
  /** A public client registered for the device grant. */
  clientId: string;
  /** Scopes (default `openid offline_access groups`). */
  scope?: string;
  /** A resource indicator for audience-bound access tokens (hero_router's URL). */
  resource?: string;
  /** The home directory (default `$HOME`); credentials go to `<home>/hero/cfg/auth/`. */
  home?: string;
  /** Shows the URL and code to the user (default: console.log). */
  prompt?: (info: { url: string; code: string; completeUrl?: string }) => void;
  /** Allow an `http:` issuer (loopback development and tests). */
  allowHttp?: boolean;
  signal?: AbortSignal;
}

/** What is stored between runs. */
export interface StoredCredentials {
  issuer: string;
  client_id: string;
  refresh_token: string;
  saved_at: string;
}

/** Where the credentials of an issuer are kept. */
export function credentialsPath(issuer: string, home: string): string {
  const name = issuer.replace(/^https?:\/\//, "").replace(/[^A-Za-z0-9._-]+/g, "_");
  return `${home.replace(/\/$/, "")}/hero/cfg/auth/${name}.json`;
}

/** Runs the device flow; stores the refresh token; returns the first tokens. */
export async function deviceLogin(
  opts: DeviceLoginOptions,
): Promise<{ accessToken: string; idTokenClaims?: Record<string, unknown> }> {
  const config = await configFor(opts);
  const oidc = await openidClient();
  const device = await oidc.initiateDeviceAuthorization(config, {
    scope: opts.scope ?? "openid offline_access groups",
    ...(opts.resource ? { resource: opts.resource } : {}),
  });
  (opts.prompt ?? ((i) => console.log(`Open ${i.url} and enter the code ${i.code}`)))({
    url: device.verification_uri,
    code: device.user_code,
    completeUrl: device.verification_uri_complete,
  });
  const tokens = await oidc.pollDeviceAuthorizationGrant(config, device, undefined, {
    signal: opts.signal,
  });
  if (!tokens.refresh_token) {
    throw new HeroError(
      "NO_REFRESH_TOKEN",
      "hero_auth issued no refresh token: is offline_access allowed for this client?",
    );
  }
  await save(opts, tokens.refresh_token);
  return { accessToken: tokens.access_token, idTokenClaims: tokens.claims() };
}

/** A fresh access token from the stored refresh token (rotated and saved again). */
export async function storedAccessToken(opts: DeviceLoginOptions): Promise<string> {
  const file = credentialsPath(opts.issuer, homeOf(opts));
  const text = await readFile(file, "utf8").catch(() => undefined);
  if (!text) {
    throw new HeroError(
      "NOT_LOGGED_IN",
      `Not signed in to ${opts.issuer}: run the login command first`,
    );
  }
  const stored = JSON.parse(text) as StoredCredentials;
  const config = await configFor(opts);
  let tokens;
  try {
    tokens = await (await openidClient()).refreshTokenGrant(
      config,
      stored.refresh_token,
      opts.resource ? { resource: opts.resource } : undefined,
    );
  } catch (err) {
    throw new HeroError(
      "LOGIN_EXPIRED",
      `The sign-in to ${opts.issuer} is no longer valid: sign in again`,
      { cause: err },
    );
  }
  if (tokens.refresh_token) await save(opts, tokens.refresh_token);
  return tokens.access_token;
}

/** Forgets the stored credentials (and revokes the refresh token when possible). */
export async function deviceLogout(opts: DeviceLoginOptions): Promise<void> {
  const file = credentialsPath(opts.issuer, homeOf(opts));
  const text = await readFile(file, "utf8").catch(() => undefined);
  if (text) {
    const stored = JSON.parse(text) as StoredCredentials;
    const oidc = await openidClient();
    await oidc.tokenRevocation(await configFor(opts), stored.refresh_token).catch(() => {});
  }
  await rm(file, { force: true });
}

function homeOf(opts: DeviceLoginOptions): string {
  const home = opts.home ?? globalThis.process?.env?.HOME;
  if (!home) throw new HeroError("NO_HOME", "Cannot store credentials: HOME is not set");
  return home;
}

async function configFor(opts: DeviceLoginOptions): Promise<oidc.Configuration> {
  const oidc = await openidClient();
  return await oidc.discovery(
    new URL(opts.issuer),
    opts.clientId,
    undefined,
    oidc.None(),
    opts.allowHttp ? { execute: [oidc.allowInsecureRequests] } : undefined,
  );
}

async function save(opts: DeviceLoginOptions, refreshToken: string): Promise<void> {
  const file = credentialsPath(opts.issuer, homeOf(opts));
  const dir = file.slice(0, file.lastIndexOf("/"));
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const body: StoredCredentials = {
    issuer: opts.issuer,
    client_id: opts.clientId,
    refresh_token: refreshToken,
    saved_at: new Date().toISOString(),
  };
  await writeFile(file, JSON.stringify(body, null, 2) + "\n", { mode: 0o600 });
  await chmod(file, 0o600);
}
