export const REDACTED_VALUE = '[redacted]';

/** Longest stored path: a request line can be up to the server's header limit, a log row need not. */
export const MAX_LOGGED_PATH_LENGTH = 2048;

// Matched on the name lower-cased without separators, so `access_token`, `accessToken`,
// `user[password]` and `X-Api-Key` all count. Erring towards redaction: a redacted harmless
// value costs little, a stored credential is a leak.
const SECRET_PART = /token|secret|passw|passphrase|apikey|signature|credential|authoriz|sessionid|jwt|cookie/;
const SECRET_NAME = new Set(['key', 'code', 'sig', 'pwd', 'otp', 'session', 'auth']);

function normalized(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

function isSecretName(name: string): boolean {
  const n = normalized(name);
  return SECRET_NAME.has(n) || n.endsWith('key') || SECRET_PART.test(n);
}

function decoded(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/**
 * The request target as the request log stores it: the path and query as sent, except that the
 * value of every secret-looking query parameter (token, access_token, password, key, code,
 * signature, ...) and every secret-named path parameter of the matched route becomes
 * `[redacted]`. Other values are kept verbatim (still percent-encoded), and the result is cut
 * at MAX_LOGGED_PATH_LENGTH characters.
 */
export function redactRequestPath(url: string, params?: Record<string, unknown>): string {
  const queryAt = url.indexOf('?');
  let path = queryAt < 0 ? url : url.slice(0, queryAt);
  const query = queryAt < 0 ? undefined : url.slice(queryAt + 1);

  const secretParams = Object.entries(params ?? {}).filter(
    (entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== '' && isSecretName(entry[0]),
  );
  if (secretParams.length > 0) {
    const secrets = new Set(secretParams.map(([, value]) => value));
    path = path
      .split('/')
      .map((segment) => (secrets.has(segment) || secrets.has(decoded(segment)) ? REDACTED_VALUE : segment))
      .join('/');
  }

  let result = path;
  if (query !== undefined) {
    const pairs = query.split('&').map((pair) => {
      const equals = pair.indexOf('=');
      const name = equals < 0 ? pair : pair.slice(0, equals);
      return isSecretName(decoded(name)) && equals >= 0 ? `${name}=${REDACTED_VALUE}` : pair;
    });
    result = `${path}?${pairs.join('&')}`;
  }
  return result.length > MAX_LOGGED_PATH_LENGTH ? result.slice(0, MAX_LOGGED_PATH_LENGTH) : result;
}
