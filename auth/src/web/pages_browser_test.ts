/**
 * hero_auth's pages in Chromium (Debian's, through playwright-core): the one-time setup link,
 * adding a passkey and signing in with it (Chromium's virtual authenticator), password + TOTP,
 * a wrong password, consent and the device-code page — each checked with axe-core's WCAG 2
 * A/AA rules.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { assertAccessible, launchChromium } from "../../../ui/test_support/chromium.ts";
import { totpCode, totpStep } from "../accounts/totp.ts";
import { type AuthFixture, startAuthFixture } from "../test_support/auth_fixture.ts";
import { authorizationRequest, REDIRECT_URI, testClient } from "../test_support/oidc_helpers.ts";

let f: AuthFixture;
let browser: Browser;

before(async () => {
  f = await startAuthFixture();
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await f.close();
});

async function newPage(): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  // The relying party: any page will do, the test reads the URL.
  await page.route(
    "http://rp.test/**",
    (route) =>
      route.fulfill({
        contentType: "text/html",
        body: "<!doctype html><html lang=en><title>RP</title><main>RP</main></html>",
      }),
  );
  return page;
}

test("setup link, passkey enrolment, passkey sign-in and consent, all accessible", async () => {
  const user = await f.call<{ id: string }>("users.create", { username: "pat" });
  const link = await f.call<{ url: string }>("users.setup_link", { id: user.id });
  const page = await newPage();
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  await page.goto(link.url);
  await assertAccessible(page, "setup page");
  await page.getByLabel("New password").fill("pat-long-password");
  await page.getByLabel("Repeat the password").fill("pat-long-password");
  await page.getByRole("button", { name: "Save" }).click();
  await page.getByRole("heading", { name: "Account ready" }).waitFor();
  await assertAccessible(page, "account ready page");
  await page.getByRole("button", { name: "Add a passkey" }).click();
  await page.getByRole("heading", { name: "Passkey added" }).or(page.getByRole("alert")).waitFor();
  assert.equal(
    await page.getByRole("alert").count(),
    0,
    (await page.getByRole("alert").first().textContent().catch(() => "")) ?? "",
  );
  assert.equal((await f.call<unknown[]>("users.passkeys", { id: user.id })).length, 1);

  const { config } = await testClient(f);
  const { url } = await authorizationRequest(config);
  await page.goto(String(url));
  await page.getByRole("heading", { name: "Sign in to Hero" }).waitFor();
  await assertAccessible(page, "sign-in page");
  await page.getByRole("button", { name: "Sign in with a passkey" }).click();
  await page.getByRole("heading", { name: "Allow access?" }).waitFor();
  await assertAccessible(page, "consent page");
  await page.getByRole("button", { name: "Allow" }).click();
  await page.waitForURL((u) => u.href.startsWith(REDIRECT_URI));
  assert.ok(new URL(page.url()).searchParams.get("code"));
  const records = await f.call<{ detail: { amr?: string[] } }[]>("audit.query", {
    event: "login.succeeded",
    subject: user.id,
  });
  assert.deepEqual(records[0].detail.amr, ["hwk", "user"]);
});

test("password + TOTP pages and the wrong-password page are accessible", async () => {
  const user = await f.call<{ id: string }>("users.create", { username: "quinn" });
  const link = await f.call<{ url: string }>("users.setup_link", { id: user.id });
  const page = await newPage();
  await page.goto(link.url);
  const secret = (await page.locator("#totp-secret").textContent())!;
  await page.getByLabel("New password").fill("quinn-long-password");
  await page.getByLabel("Repeat the password").fill("quinn-long-password");
  await page.getByLabel(/Code from the app/).fill(totpCode(secret, totpStep()));
  await page.getByRole("button", { name: "Save" }).click();
  await page.getByRole("heading", { name: "Account ready" }).waitFor();

  const { config } = await testClient(f, { hero_skip_consent: true });
  const { url } = await authorizationRequest(config, { prompt: "login" });
  await page.goto(String(url));
  await page.getByLabel("Username").fill("quinn");
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.getByRole("alert").filter({ hasText: "Wrong username or password" }).waitFor();
  await assertAccessible(page, "wrong password page");
  await page.getByLabel("Password").fill("quinn-long-password");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.getByRole("heading", { name: "Two-step verification" }).waitFor();
  await assertAccessible(page, "TOTP page");
  await page.getByLabel("Code").fill(totpCode(secret, totpStep() + 1));
  await page.getByRole("button", { name: "Verify" }).click();
  await page.waitForURL((u) => u.href.startsWith(REDIRECT_URI));
});

test("the device-code page is accessible", async () => {
  const page = await newPage();
  await page.goto(`${f.issuer}/device`);
  await page.getByRole("heading", { name: "Connect a device" }).waitFor();
  await assertAccessible(page, "device page");
});
