import type { ComponentChildren } from 'preact';
import { ApiError } from '../api.js';

/** An error from the API (its stable code shown) or from the network. */
export function ErrorNotice({ error, title = 'Something went wrong' }: { error: Error; title?: string }) {
  return (
    <div class="notice error" role="alert">
      <strong>{title}</strong>
      <p>
        {error.message}
        {error instanceof ApiError && error.code ? <code class="code">{error.code}</code> : null}
      </p>
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p class="muted" role="status">
      Loading {what}…
    </p>
  );
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <p class="empty">{children}</p>;
}

export type Tone = 'ok' | 'warn' | 'bad' | 'neutral';

export function Badge({ tone, children }: { tone: Tone; children: ComponentChildren }) {
  return <span class={`badge ${tone}`}>{children}</span>;
}
