/**
 * The URL a client asked for. Deno names a request served on a Unix socket
 * `http+unix://<host>/…` (its origin is then "null"); the router's app is served that way
 * behind the TCP front and on admin.sock, yet the client asked for `http://<host>/…`, which is
 * what origins, OAuth resource indicators and redirects must be built from.
 */

/** `request.url` with `http+unix:` read as `http:`. */
export function requestUrl(request: { readonly url: string }): URL {
  const url = request.url;
  return new URL(url.startsWith("http+unix:") ? `http:${url.slice("http+unix:".length)}` : url);
}
