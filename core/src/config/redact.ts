import type { AppConfig } from './types.js';

/** What replaces a credential in redacted output. */
export const REDACTED = '***';

// Keys whose values are credentials wherever they appear, plugin options included.
const SECRET_KEY = /token|secret|password|passwd|credential|private_key|api_?key|authorization/i;
const SECRET_KEYS_EXACT = new Set(['access_key_id', 'pass']);

// userinfo of a URL anywhere in a string; greedy so a password containing '@' is covered.
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#]*)@/gi;
// query parameters that carry credentials (?access_token=…, &X-Amz-Signature=…)
const SECRET_QUERY = /([?&][^=&#\s]*(?:token|secret|password|signature|sig|key)[^=&#\s]*=)[^&#\s]*/gi;

/** True when a key's value is a credential (password, admin_token, secret_access_key, …). */
export function isSecretKey(key: string): boolean {
  return SECRET_KEYS_EXACT.has(key.toLowerCase()) || SECRET_KEY.test(key);
}

/**
 * Hides credentials embedded in a string: URL passwords (`postgres://u:p@h` →
 * `postgres://u:***@h`), a bare userinfo (`https://TOKEN@host` → `https://***@host`, as
 * tokens are often passed that way) and credential-like query parameters.
 */
export function redactString(text: string): string {
  return text
    .replace(URL_USERINFO, (_m, scheme: string, userinfo: string) => {
      const colon = userinfo.indexOf(':');
      return colon === -1 ? `${scheme}${REDACTED}@` : `${scheme}${userinfo.slice(0, colon)}:${REDACTED}@`;
    })
    .replace(SECRET_QUERY, `$1${REDACTED}`);
}

/** Deep copy of any JSON-like value with credentials replaced by `***`. */
export function redactValue(value: unknown): unknown {
  if (typeof value === 'string') return redactString(value);
  if (Array.isArray(value)) return value.map(redactValue);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      if (v === undefined) continue;
      out[key] = isSecretKey(key) && v !== null && v !== '' ? REDACTED : redactValue(v);
    }
    return out;
  }
  return value;
}

/** A backend's settings with the config file's `type:` key in place of the internal `kind`. */
function asWritten<T extends { kind: string }>(backend: T): Omit<T, 'kind'> & { type: T['kind'] } {
  const { kind, ...rest } = backend;
  return { type: kind, ...rest };
}

/**
 * A deep copy of the configuration safe to print or serve (`GET /config`), in the config file's
 * own words (`storage: { type: fs }`): every password, token, secret key and URL password is
 * `***`, including inside each repository's `options`.
 */
export function redactConfig(config: AppConfig): unknown {
  return redactValue({
    ...config,
    storage: asWritten(config.storage),
    metadata: asWritten(config.metadata),
    coordination: asWritten(config.coordination),
  });
}
