import type { PublishInput, RewriteResult } from '@artifactapi/plugin-sdk';

/**
 * Publish task for `terraform-signing-key` (worker pool): keeps the key the repository already
 * holds, else stores the one offered, so the first key stored is the one every replica uses.
 */
export function keepSigningKey(input: PublishInput): RewriteResult {
  return { body: input.index ?? input.request, contentType: 'application/pgp-keys' };
}
