import { parseHtmlProject } from './parse-html.js';
import { parseJsonProject } from './parse-json.js';
import { looksLikeJson, type SimpleProject } from './simple-model.js';

/** The project name of a `simple/<name>/` path, or '' when the path is something else. */
export function projectOfPath(path: string): string {
  const match = /^simple\/([^/]+)\/?$/.exec(path);
  return match ? decodeURIComponent(match[1]!) : '';
}

/**
 * Reads a project page in either representation: an upstream asked for PEP 691 JSON may answer
 * with PEP 503 HTML, and the task sees only bytes, so the body is sniffed.
 */
export function parseProjectPage(body: Uint8Array, upstreamBase: string, path: string): SimpleProject {
  const text = new TextDecoder().decode(body);
  const documentUrl = `${upstreamBase.replace(/\/+$/, '')}/${path}`;
  const name = projectOfPath(path);
  return looksLikeJson(text) ? parseJsonProject(text, documentUrl, name) : parseHtmlProject(text, documentUrl, name);
}
