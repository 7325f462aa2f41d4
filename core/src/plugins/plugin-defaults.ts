import type { ArtifactPlugin, HookContext, HostedDefinition, Mergers, OptionsSchema, PluginDefinition, RouteScope, RoutesContext, UpstreamAuth } from '@artifactapi/plugin-sdk';

/** The plugin contracts this core loads. */
export const SUPPORTED_API_VERSIONS: readonly number[] = [1, 2];

/**
 * A plugin as the core runs it: every hook present, missing ones filled with the named defaults
 * below, so the request path never asks whether a plugin has a hook. `contract` is the apiVersion
 * its package declared, which decides how its repository keys are checked.
 */
export interface CorePlugin extends ArtifactPlugin {
  readonly contract: 1 | 2;
  /** The plugin's option schema; undefined for an apiVersion 1 plugin (its keys are not checked). */
  readonly options: OptionsSchema | undefined;
  upstreamHosts(ctx: HookContext): readonly string[];
  routes(scope: RouteScope, ctx: RoutesContext): void | Promise<void>;
  readonly upstreamAuth: UpstreamAuth;
  readonly hosted: Required<Pick<HostedDefinition, 'isReference' | 'uploadSessions'>> & Pick<HostedDefinition, 'publish'>;
  readonly mergers: Mergers;
  readonly verifiers: NonNullable<PluginDefinition['verifiers']>;
  /** Whether `routes` mounts anything (so the app skips an empty scope). */
  readonly hasRoutes: boolean;
}

/** No extra upstream hosts. */
export const noUpstreamHosts = (): readonly string[] => [];

/**
 * apiVersion 1 had no `upstreamHosts`: the core allowed a repository's `files_url` itself. Kept
 * for v1 plugins only, so one written against that contract still fetches from its files host.
 */
export const v1FilesUrlHost = (ctx: HookContext): readonly string[] => {
  const files = ctx.repo.options['files_url'];
  return typeof files === 'string' && files !== '' ? [files] : [];
};

/** No protocol routes. */
export const noRoutes = (): void => {};

/** No challenge/response auth: no token is ever looked up, a 401 is the upstream's answer. */
export const noUpstreamAuth: UpstreamAuth = Object.freeze({
  scope: () => undefined,
  authenticate: async () => undefined,
});

/** Plain files: nothing is a mutable reference, no upload sessions. */
export const plainFilesHosted = Object.freeze({ isReference: () => false, uploadSessions: false });

const NO_MERGERS: Mergers = Object.freeze({});
const NO_VERIFIERS: NonNullable<PluginDefinition['verifiers']> = Object.freeze({});

/** Fills in the named defaults; hooks of a later contract are ignored for a plugin declaring apiVersion 1. */
export function withDefaults(plugin: ArtifactPlugin, contract: 1 | 2): CorePlugin {
  const v2 = contract === 2;
  const hosted = v2 ? plugin.hosted : undefined;
  return Object.freeze({
    ...plugin,
    contract,
    options: v2 ? (plugin.options ?? { properties: {} }) : undefined,
    upstreamHosts: v2 ? (plugin.upstreamHosts ?? noUpstreamHosts) : v1FilesUrlHost,
    routes: (v2 && plugin.routes) || noRoutes,
    hasRoutes: v2 && plugin.routes !== undefined,
    upstreamAuth: (v2 && plugin.upstreamAuth) || noUpstreamAuth,
    hosted: hosted
      ? { isReference: hosted.isReference ?? plainFilesHosted.isReference, uploadSessions: hosted.uploadSessions ?? false, publish: hosted.publish }
      : plainFilesHosted,
    mergers: (v2 && plugin.mergers) || NO_MERGERS,
    verifiers: (v2 && plugin.verifiers) || NO_VERIFIERS,
    companions: v2 ? plugin.companions : undefined,
  });
}
