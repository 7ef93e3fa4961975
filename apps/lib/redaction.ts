/**
 * What never reaches a log line or an error message: credentials in headers, in
 * query strings, in URLs, and in any field or variable named like a secret.
 */

export const REDACTED = "[redacted]";

/** Names that hold a credential: passwords, tokens, keys, secrets, cookies, WebSocket tickets. */
const SECRET_NAME = /pass(word)?|secret|token|private_?key|api_?key|credential|authorization|cookie|signature|ticket$/i;

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** A URL with its credentials (user:password@) and secret-named query values replaced. */
export function redactUrl(url: string): string {
  const [pathAndQuery = "", fragment] = url.split("#", 2);
  const queryStart = pathAndQuery.indexOf("?");
  let result = queryStart < 0 ? pathAndQuery : pathAndQuery.slice(0, queryStart);
  if (queryStart >= 0) {
    const query = pathAndQuery
      .slice(queryStart + 1)
      .split("&")
      .map((pair) => {
        const [name = "", ...value] = pair.split("=");
        return value.length > 0 && isSecretName(decodeURIComponentSafe(name)) ? `${name}=${REDACTED}` : pair;
      })
      .join("&");
    result += `?${query}`;
  }
  result = result.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, `$1${REDACTED}@`);
  return fragment === undefined ? result : `${result}#${fragment}`;
}

/** A flat record (a parsed query string) with the values of secret-named fields censored. */
export function censorSecretFields<T>(fields: T): T {
  if (typeof fields !== "object" || fields === null) return fields;
  return Object.fromEntries(Object.entries(fields).map(([name, value]) => [name, isSecretName(name) ? REDACTED : value])) as T;
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * pino redact paths: headers that carry credentials, and secret-named fields one
 * level down in any logged object (`{ user: { password } }`, `{ body: { token } }`).
 */
export const LOG_REDACT_PATHS = [
  "req.headers.authorization",
  "req.headers.cookie",
  'req.headers["proxy-authorization"]',
  'res.headers["set-cookie"]',
  "password",
  "token",
  "accessToken",
  "secret",
  "*.password",
  "*.token",
  "*.accessToken",
  "*.refreshToken",
  "*.secret",
  "*.authorization",
  "*.cookie",
];
