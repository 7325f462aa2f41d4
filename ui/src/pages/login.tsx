import { useState } from 'preact/hooks';
import { tokenAccepted } from '../api.js';
import { usePageTitle } from '../hooks.js';

/** Asks for the admin token once; it is kept for this browser tab's session only. */
export function Login({ onLogin, reason }: { onLogin(token: string): void; reason?: string }) {
  const heading = usePageTitle('Sign in');
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | undefined>(reason);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    const result = await tokenAccepted(token.trim());
    setBusy(false);
    if (result === true) onLogin(token.trim());
    else setError(result.status === 0 ? `Cannot reach the server: ${result.message}` : result.isAuth ? `The server refused this token: ${result.message} (${result.code})` : `${result.message} (${result.code})`);
  };
  return (
    <main id="main" class="login">
      <form class="card login-card" onSubmit={(e) => void submit(e)} aria-describedby="login-help">
        <div class="brand large" aria-hidden="true">
          <Logo /> ArtifactAPI
        </div>
        <h1 ref={heading} tabIndex={-1}>
          Sign in
        </h1>
        <p id="login-help" class="muted">
          Enter the admin token (<code>auth.admin_token</code> or <code>ADMIN_TOKEN</code>). It is kept for this browser tab only.
        </p>
        <label for="token">Admin token</label>
        <input id="token" name="token" type="password" autocomplete="current-password" required value={token} onInput={(e) => setToken(e.currentTarget.value)} aria-invalid={error ? 'true' : undefined} aria-errormessage={error ? 'login-error' : undefined} />
        {error ? (
          <p id="login-error" class="field-error" role="alert">
            {error}
          </p>
        ) : null}
        <button class="button primary wide" type="submit" disabled={busy || token.trim() === ''}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}

export function Logo() {
  return (
    <svg class="logo" viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
      <path d="M12 2 3 7v10l9 5 9-5V7z" fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round" />
      <path d="M3 7l9 5 9-5M12 12v10" fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round" />
    </svg>
  );
}
