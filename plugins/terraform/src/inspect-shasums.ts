import type { ArtifactFacts, InspectContext } from '@artifactapi/plugin-sdk';
import { splitFile } from './download-location.js';
import { parseArchiveName } from './provider-names.js';
import { parseShasums } from './shasums.js';

/**
 * Inspector task for `terraform-shasums` (worker pool): every archive a release's SHA256SUMS
 * lists, keyed by its proxied path (the SUMS file's directory + the listed name), with the sha256
 * the archive must have. Terraform itself checks the same line after the signature.
 *
 * Neither provider protocol gives a publish time, so quarantine counts from when the proxy first
 * saw the release: when it stored this SHA256SUMS (immutable, so that time never moves).
 */
export function inspectShasums(input: { body: Uint8Array; ctx: InspectContext }): Record<string, ArtifactFacts> {
  const { dir } = splitFile(input.ctx.path);
  const facts: Record<string, ArtifactFacts> = {};
  for (const [file, hex] of parseShasums(input.body)) {
    // Only one plain file name is a file of this folder (a backslash is a slash to URL parsers).
    if (/[/\\]/.test(file) || file === '.' || file === '..') continue;
    const archive = parseArchiveName(file);
    facts[dir + file] = {
      digests: [{ algorithm: 'sha256', hex }],
      version: archive ? `terraform-provider-${archive.type} ${archive.version} (${archive.os}_${archive.arch})` : file,
      ...(input.ctx.storedAt !== undefined ? { publishedAt: input.ctx.storedAt } : {}),
    };
  }
  return facts;
}
