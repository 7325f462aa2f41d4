import type { ArtifactPlugin, TaskRef } from '@artifactapi/plugin-sdk';

/**
 * Why one of a plugin's rewriter, inspector or verifier tasks cannot run, or null when all can. The worker
 * pool imports a task only on the first request that needs it, so a wrong module URL or export
 * name would otherwise be a 500 on that request instead of a problem reported when the plugin loads.
 */
export async function taskRefProblem(plugin: ArtifactPlugin): Promise<string | null> {
  for (const [hook, refs] of [['rewriters', plugin.rewriters], ['inspectors', plugin.inspectors], ['verifiers', plugin.verifiers ?? {}]] as const) {
    for (const [index, ref] of Object.entries(refs)) {
      const problem = await refProblem(ref as unknown);
      if (problem !== null) return `${hook}["${index}"] ${problem}`;
    }
  }
  return null;
}

async function refProblem(ref: unknown): Promise<string | null> {
  const { module, export: name } = (ref ?? {}) as Partial<Record<keyof TaskRef, unknown>>;
  if (typeof module !== 'string' || typeof name !== 'string') {
    return 'must be { module, export } with two strings, e.g. { module: new URL(\'./task.js\', import.meta.url).href, export: \'rewrite\' }';
  }
  let mod: Record<string, unknown>;
  try {
    mod = (await import(module)) as Record<string, unknown>;
  } catch (err) {
    // The worker pool imports it from core's own folder: only an absolute URL means the plugin's file.
    const hint = module.startsWith('file:') ? '' : " (use an absolute file: URL, new URL('./task.js', import.meta.url).href)";
    return `cannot import module ${module}: ${err instanceof Error ? err.message : 'it threw a non-Error'}${hint}`;
  }
  if (typeof mod[name] !== 'function') return `names export "${name}" of ${module}, which is ${name in mod ? `a ${typeof mod[name]}, not a function` : 'not exported'}`;
  return null;
}
