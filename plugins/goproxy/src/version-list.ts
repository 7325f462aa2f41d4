import { encodeCase } from './case-encoding.js';
import { parseGoPath, versionFilePath } from './go-paths.js';

/** The versions of an `@v/list` body, one a line, blank lines dropped. */
export function listedVersions(body: Uint8Array): string[] {
  return new TextDecoder()
    .decode(body)
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/** The `.info` path of each version an `@v/list` names (its module from the list's own path). */
export function infoPathsOf(listPath: string, versions: readonly string[]): Map<string, string> {
  const p = parseGoPath(listPath);
  const out = new Map<string, string>();
  if (p.kind !== 'list') return out;
  for (const version of versions) out.set(version, versionFilePath(p.module, encodeCase(version), 'info'));
  return out;
}
