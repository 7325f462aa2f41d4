/** PEP 691 JSON. */
export const SIMPLE_JSON = 'application/vnd.pypi.simple.v1+json';
/** PEP 691's name for the PEP 503 HTML form. */
export const SIMPLE_HTML = 'application/vnd.pypi.simple.v1+html';
/** PEP 503 HTML as older clients and browsers ask for it. */
export const TEXT_HTML = 'text/html; charset=utf-8';

/** Variants `negotiate` returns for simple pages, and their Content-Type. */
export const VARIANT_TYPES: Readonly<Record<string, string>> = Object.freeze({
  json: SIMPLE_JSON,
  'v1-html': SIMPLE_HTML,
  html: TEXT_HTML,
});
