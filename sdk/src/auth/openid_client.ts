/**
 * openid-client, loaded on the first sign-in: most services never sign anyone in, and the library
 * and what it brings cost several MB of resident memory in every process built with the SDK.
 */
let loading: Promise<typeof import("openid-client")> | undefined;

/** The openid-client module. */
export function openidClient(): Promise<typeof import("openid-client")> {
  return loading ??= import("openid-client");
}
