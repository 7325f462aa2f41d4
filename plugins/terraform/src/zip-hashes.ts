import { createHash } from 'node:crypto';
import { zipHash1, type RewriteContext, type RewriteResult } from '@artifactapi/plugin-sdk';

/**
 * The two hashes Terraform records for a provider archive (`.terraform.lock.hcl`, network mirror
 * `hashes`): `zh:` = sha256 of the zip file, `h1:` = Go's dirhash "Hash1" over the zip's
 * contents: sha256 of the sorted lines `"<sha256 hex of the file>  <name>\n"`, base64. Computing
 * h1 means inflating every file, so it runs in the worker pool (the `-/h1/` rewriter below).
 */
export interface ArchiveHashes {
  h1: string;
  zh: string;
}

/** `h1:` and `zh:` of a zip archive. A file that is not a readable zip is a SyntaxError. */
export function archiveHashes(zip: Uint8Array): ArchiveHashes {
  return {
    h1: zipHash1(zip),
    zh: `zh:${createHash('sha256').update(zip).digest('hex')}`,
  };
}

/** Rewriter task for `terraform-archive-hashes`: the stored archive → `{"h1": …, "zh": …}`. */
export function rewriteArchiveHashes(input: { body: Uint8Array; ctx: RewriteContext }): RewriteResult {
  return { body: new TextEncoder().encode(JSON.stringify(archiveHashes(input.body))), contentType: 'application/json' };
}
