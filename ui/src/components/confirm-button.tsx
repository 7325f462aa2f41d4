import type { ComponentChildren } from 'preact';
import { useRef, useState } from 'preact/hooks';

interface Props {
  /** The button's text. */
  label: string;
  /** Accessible name when the text alone is ambiguous in a table ("Delete npmjs"). */
  ariaLabel?: string;
  title: string;
  children: ComponentChildren;
  confirmLabel: string;
  onConfirm(): Promise<void>;
  class?: string;
}

/** A destructive action behind a modal <dialog> (focus trapped, Escape cancels). */
export function ConfirmButton({ label, ariaLabel, title, children, confirmLabel, onConfirm, class: className = 'button small danger' }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [busy, setBusy] = useState(false);
  const confirm = async () => {
    setBusy(true);
    try {
      await onConfirm();
    } finally {
      setBusy(false);
      dialog.current?.close();
    }
  };
  return (
    <>
      <button type="button" class={className} aria-label={ariaLabel} onClick={() => dialog.current?.showModal()}>
        {label}
      </button>
      <dialog ref={dialog} aria-label={title}>
        <h2>{title}</h2>
        <div>{children}</div>
        <div class="actions">
          <button type="button" class="button ghost" onClick={() => dialog.current?.close()} autofocus>
            Cancel
          </button>
          <button type="button" class="button danger" disabled={busy} onClick={() => void confirm()}>
            {confirmLabel}
          </button>
        </div>
      </dialog>
    </>
  );
}
