/** One distribution file of a project, from either representation of the simple API. */
export interface SimpleFile {
  filename: string;
  /** Absolute upstream URL, without fragment. */
  url: string;
  /** Hash name → lower-case hex (PEP 503 fragment or PEP 691 `hashes`). */
  hashes: Record<string, string>;
  requiresPython?: string;
  /** PEP 658/714 core metadata: its hashes, or `true` when listed without one. Absent = none. */
  coreMetadata?: Record<string, string> | true;
  /** PEP 592: `true`, or the reason. Absent = not yanked. */
  yanked?: true | string;
  /** PEP 700 `upload-time` (JSON only). */
  uploadTime?: string;
  gpgSig?: boolean;
  /** PEP 740 provenance URL, absolute. */
  provenance?: string;
  /** The file object exactly as a JSON upstream sent it, to keep keys this plugin does not know. */
  raw?: Record<string, unknown>;
}

/** A project page of the simple API, whichever representation it came in. */
export interface SimpleProject {
  name: string;
  /** `meta.api-version` (JSON) or the `pypi:repository-version` meta tag (HTML). */
  apiVersion: string;
  files: SimpleFile[];
  /** PEP 700 `versions` (JSON 1.1+ only). */
  versions?: string[];
  /** The whole document as a JSON upstream sent it. */
  raw?: Record<string, unknown>;
}

/** True when the bytes look like a JSON document rather than HTML (the task only sees bytes). */
export function looksLikeJson(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0xfeff) continue;
    return c === 0x7b; // '{'
  }
  return false;
}
