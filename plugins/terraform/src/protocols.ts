/** The plugin protocol versions a local registry announces: `TF_PROVIDER_PROTOCOLS` (default `5.0,6.0`). */
export function providerProtocols(env: NodeJS.ProcessEnv = process.env): string[] {
  const raw = env.TF_PROVIDER_PROTOCOLS ?? '5.0,6.0';
  const list = raw.split(',').map((p) => p.trim()).filter((p) => p !== '');
  for (const p of list) if (!/^[0-9]+\.[0-9]+$/.test(p)) throw new Error(`TF_PROVIDER_PROTOCOLS must be a comma-separated list like 5.0,6.0, got ${JSON.stringify(raw)}`);
  return list.length > 0 ? list : ['5.0', '6.0'];
}
