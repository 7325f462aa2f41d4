import { dirHash1, zipHash1 as archiveHash1 } from '@artifactapi/plugin-sdk';

/** `h1:` of a module zip: its files by their names in the archive (`module@version/…`). */
export function zipHash1(zip: Uint8Array): string {
  return archiveHash1(zip);
}

/** `h1:` of a go.mod, as go.sum's `/go.mod` line records it: a one-file hash of "go.mod". */
export function modHash1(mod: Uint8Array): string {
  return dirHash1([{ name: 'go.mod', data: mod }]);
}
