/**
 * The SDK's login module, `@hero/sdk/auth`: `verifyToken` for APIs, `webLogin` (code + PKCE,
 * session cookie) for web applications, `deviceLogin` (device code, stored refresh token) for
 * CLIs. A separate entry point because it needs `jose` and `openid-client`: the core SDK loads
 * from any project without them.
 *
 * @module
 */
export {
  createTokenVerifier,
  type TokenVerifier,
  type TokenVerifierOptions,
  type VerifiedToken,
} from "./verify_token.ts";
export { type WebLogin, webLogin, type WebLoginOptions, type WebSession } from "./web_login.ts";
export {
  credentialsPath,
  deviceLogin,
  type DeviceLoginOptions,
  deviceLogout,
  storedAccessToken,
  type StoredCredentials,
} from "./device_login.ts";
