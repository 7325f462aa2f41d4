import type { ComponentChildren } from 'preact';

interface Props {
  id: string;
  label: string;
  hint?: ComponentChildren;
  error?: string;
  /** The control, given `id`, `aria-describedby` and `aria-invalid` by the caller through {@link describe}. */
  children: ComponentChildren;
}

/** A labelled form control with its hint and its error (from the server's validation details). */
export function Field({ id, label, hint, error, children }: Props) {
  return (
    <div class={`field${error ? ' invalid' : ''}`}>
      <label for={id}>{label}</label>
      {children}
      {hint ? (
        <p id={`${id}-hint`} class="hint">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-error`} class="field-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** The ARIA attributes that tie a control to its Field's hint and error. */
export function describe(id: string, hint: boolean, error: string | undefined): Record<string, string | undefined> {
  const ids = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return { id, 'aria-describedby': ids || undefined, 'aria-invalid': error ? 'true' : undefined };
}
