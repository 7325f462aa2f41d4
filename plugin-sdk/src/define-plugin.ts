import type { ArtifactPlugin, ErrorInfo, HookContext, Negotiated, PluginDefinition } from './types.js';

/** The contract this SDK writes: a package built with it declares `"artifactapi": { "apiVersion": 2 }`. */
export const API_VERSION = 2 as const;

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
  checkV2(def);
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
    // apiVersion 2 hooks stay absent when not given: the core fills in its named defaults.
    ...(def.options ? { options: def.options } : {}),
    ...(def.upstreamHosts ? { upstreamHosts: def.upstreamHosts } : {}),
    ...(def.routes ? { routes: def.routes } : {}),
    ...(def.hotReads ? { hotReads: Object.freeze({ ...def.hotReads }) } : {}),
    ...(def.upstreamAuth ? { upstreamAuth: def.upstreamAuth } : {}),
    ...(def.hosted ? { hosted: def.hosted } : {}),
    ...(def.mergers ? { mergers: Object.freeze({ ...def.mergers }) } : {}),
    ...(def.verifiers ? { verifiers: Object.freeze({ ...def.verifiers }) } : {}),
    ...(def.companions ? { companions: def.companions } : {}),
    apiVersion: API_VERSION,
  });
}

/** Checks the shape of the apiVersion 2 hooks, so a mistake fails at load rather than on a request. */
function checkV2(def: PluginDefinition): void {
  const fail = (what: string) => {
    throw new TypeError(`plugin ${def.type}: ${what}`);
  };
  const { options, routes, upstreamAuth, mergers, upstreamHosts, verifiers } = def;
  if (options !== undefined) {
    if (typeof options !== 'object' || options === null || typeof options.properties !== 'object' || options.properties === null) {
      fail('options must be a JSON schema object with `properties`');
    }
  }
  if (routes !== undefined && typeof routes !== 'function') fail('routes must be a function');
  const { hotReads } = def;
  if (hotReads !== undefined) {
    if (routes === undefined) fail('hotReads needs routes: every read it declines goes to them');
    if (typeof hotReads?.prefix !== 'string' || !hotReads.prefix.startsWith('/') || typeof hotReads.resolve !== 'function') {
      fail('hotReads must have a prefix starting with "/" and a resolve() function');
    }
  }
  if (upstreamHosts !== undefined && typeof upstreamHosts !== 'function') fail('upstreamHosts must be a function');
  if (def.companions !== undefined && typeof def.companions !== 'function') fail('companions must be a function');
  if (upstreamAuth !== undefined && (typeof upstreamAuth?.scope !== 'function' || typeof upstreamAuth.authenticate !== 'function')) {
    fail('upstreamAuth must have scope() and authenticate() functions');
  }
  for (const [hook, refs] of [['mergers', mergers], ['verifiers', verifiers]] as const) {
    for (const [kind, ref] of Object.entries(refs ?? {})) {
      if (typeof ref?.module !== 'string' || typeof ref.export !== 'string') fail(`${hook}.${kind} must be a TaskRef`);
    }
  }
}
