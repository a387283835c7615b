/**
 * Why a connection to a service's socket failed, said the way a dashboard or a 502 page shows it
 * (the proxy, the front, federation and discovery all report the same failures the same way).
 */

/** A short human reason for a failed connection. */
export function connectionError(err: unknown): string {
  const text = err instanceof Error ? `${err.message} ${String(err.cause ?? "")}` : String(err);
  if (/refused/i.test(text)) return "connection refused";
  if (/No such file|not found|ENOENT/i.test(text)) return "socket file is gone";
  if (/reset|closed|incomplete|broken pipe/i.test(text)) return "connection closed by the service";
  if (/invalid|parse|http/i.test(text)) return "the service does not speak HTTP";
  return text.split("\n")[0].slice(0, 200);
}
