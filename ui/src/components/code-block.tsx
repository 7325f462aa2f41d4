import { CopyButton } from './copy-button.js';

/** A snippet with a caption (client and file) and a copy button. */
export function CodeBlock({ caption, code }: { caption: string; code: string }) {
  return (
    <figure class="code-block">
      <figcaption>
        <span>{caption}</span>
        <CopyButton text={code} label={caption} />
      </figcaption>
      <pre tabIndex={0}>
        <code>{code}</code>
      </pre>
    </figure>
  );
}
