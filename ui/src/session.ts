/**
 * The admin token, asked for once and kept for the browser session: sessionStorage is per tab and
 * gone when the tab closes, so the token never outlives the session nor reaches another site.
 */
const KEY = 'artifactapi.token';

export function loadToken(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null; // storage disabled: ask every time
  }
}

export function saveToken(token: string): void {
  try {
    sessionStorage.setItem(KEY, token);
  } catch {
    // storage disabled: the token lives in memory only
  }
}

export function forgetToken(): void {
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    // nothing stored
  }
}
