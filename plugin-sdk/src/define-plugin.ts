import type { ArtifactPlugin, ErrorInfo, HookContext, Negotiated, PluginDefinition } from './types.js';

export const API_VERSION = 1 as const;

const TYPE_NAME = /^[a-z0-9][a-z0-9-]*$/;

/** Joins a repository's base URL and a request path; the default `upstreamUrl`. */
export function joinUpstream(path: string, ctx: HookContext): string {
  return `${ctx.repo.baseUrl}/${path}`;
}

const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});
const DEFAULT_VARIANT: Negotiated = Object.freeze({ variant: 'default' });
const noHeaders = () => NO_HEADERS;
const samePath = (path: string) => path;
const defaultVariant = () => DEFAULT_VARIANT;
const noIndex = () => undefined;

/** The product's error body (DESIGN §3); the default `errorBody`. */
export function productErrorBody(error: ErrorInfo): { error: { code: string; message: string } } {
  return { error: { code: error.code, message: error.message } };
}

/**
 * Turns a plugin definition into the object the core loads. Validates the definition so a
 * mistake is reported when the plugin loads rather than on its first request.
 */
export function definePlugin(def: PluginDefinition): ArtifactPlugin {
  if (typeof def !== 'object' || def === null) throw new TypeError('definePlugin expects an object');
  if (typeof def.type !== 'string' || !TYPE_NAME.test(def.type)) {
    throw new TypeError(`plugin.type must match ${TYPE_NAME.source}, got ${JSON.stringify(def.type)}`);
  }
  if (typeof def.classify !== 'function') throw new TypeError(`plugin ${def.type}: classify must be a function`);
  return Object.freeze({
    type: def.type,
    description: def.description ?? '',
    classify: def.classify,
    upstreamUrl: def.upstreamUrl ?? joinUpstream,
    upstreamHeaders: def.upstreamHeaders ?? noHeaders,
    canonicalPath: def.canonicalPath ?? samePath,
    negotiate: def.negotiate ?? defaultVariant,
    indexOf: def.indexOf ?? noIndex,
    errorBody: def.errorBody ?? productErrorBody,
    rewriters: Object.freeze({ ...def.rewriters }),
    inspectors: Object.freeze({ ...def.inspectors }),
    apiVersion: API_VERSION,
  });
}
