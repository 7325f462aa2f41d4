import type { ArtifactFacts, ArtifactPlugin, InspectContext, RewriteContext, RewriteResult, TaskRef } from '../types.js';

async function loadTask<F>(ref: TaskRef | undefined, what: string): Promise<F> {
  if (!ref) throw new Error(`the plugin has no ${what}`);
  const mod = (await import(ref.module)) as Record<string, unknown>;
  const fn = mod[ref.export];
  if (typeof fn !== 'function') throw new Error(`${ref.module} has no exported function ${ref.export}`);
  return fn as F;
}

/** Defaults for a rewrite context in tests; override what the case is about. */
export function rewriteContext(overrides: Partial<RewriteContext> = {}): RewriteContext {
  return {
    publicBase: 'http://proxy.test/api/v1/remote/test',
    repo: 'test',
    upstreamBase: 'https://upstream.invalid',
    options: {},
    path: '',
    variant: 'default',
    ...overrides,
  };
}

/** Runs a plugin's rewriter for `index` in this thread, exactly as the worker pool would call it. */
export async function runRewriter(plugin: ArtifactPlugin, index: string, body: Uint8Array | string, ctx: Partial<RewriteContext> = {}): Promise<RewriteResult> {
  const task = await loadTask<(input: { body: Uint8Array; ctx: RewriteContext }) => RewriteResult | Promise<RewriteResult>>(
    plugin.rewriters[index],
    `rewriter for index kind "${index}"`,
  );
  return task({ body: typeof body === 'string' ? new TextEncoder().encode(body) : body, ctx: rewriteContext(ctx) });
}

/** Runs a plugin's inspector for `index` in this thread. */
export async function runInspector(plugin: ArtifactPlugin, index: string, body: Uint8Array | string, ctx: Partial<InspectContext> = {}): Promise<Record<string, ArtifactFacts>> {
  const task = await loadTask<(input: { body: Uint8Array; ctx: InspectContext }) => Record<string, ArtifactFacts> | Promise<Record<string, ArtifactFacts>>>(
    plugin.inspectors[index],
    `inspector for index kind "${index}"`,
  );
  const full: InspectContext = { repo: 'test', upstreamBase: 'https://upstream.invalid', options: {}, path: '', ...ctx };
  return task({ body: typeof body === 'string' ? new TextEncoder().encode(body) : body, ctx: full });
}
