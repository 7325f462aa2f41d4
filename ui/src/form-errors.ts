import { ApiError } from './api.js';

/** Field errors by key, from a 400's details; what no field claims goes to `rest`. */
export interface FormErrors {
  fields: Record<string, string>;
  rest: string[];
}

/**
 * Spreads a validation error over the form: the server names key paths such as
 * `remotes.x.base_url`, `/base_url` or `cache.mutable_ttl`; a path whose segments include a field's
 * key lands on that field.
 */
export function formErrors(error: unknown, fieldKeys: readonly string[]): FormErrors {
  const result: FormErrors = { fields: {}, rest: [] };
  if (!(error instanceof ApiError)) {
    result.rest.push(error instanceof Error ? error.message : String(error));
    return result;
  }
  if (error.details.length === 0) {
    result.rest.push(`${error.message} (${error.code})`);
    return result;
  }
  for (const detail of error.details) {
    const segments = detail.path.split(/[./[\]]/).filter(Boolean);
    const key = fieldKeys.find((k) => segments.includes(k));
    // Next to its field the message needs no key path ("remotes.x.base_url must be …" → "must be …").
    if (key && !result.fields[key]) result.fields[key] = detail.message.startsWith(`${detail.path} `) ? capitalise(detail.message.slice(detail.path.length + 1)) : detail.message;
    else result.rest.push(detail.path ? `${detail.path}: ${detail.message}` : detail.message);
  }
  return result;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
