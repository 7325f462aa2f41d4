import test from 'ava';
import { buildDists, makeVenv, pip, startPypiProxy, startPypiUpstream } from './helpers/pypi-upstream.js';

// pip prints the status line of a failed download (`403 Client Error: <reason> for url: …`),
// never the body: the reason phrase carries the product's code and why.

test('pip shows the code and reason of a 403 download', async (t) => {
  const upstream = await startPypiUpstream(t, await buildDists(t));
  const { base } = await startPypiProxy(t, upstream, { blocklist: String.raw`['\.whl$']` });
  const venv = await makeVenv(t);
  const error = await t.throwsAsync(pip(venv, ['download', '--no-cache-dir', '--no-deps', '--only-binary', ':all:', '-d', venv, '--index-url', `${base}/simple/`, 'tinywheel']));
  t.regex(error!.message, /403 Client Error: AAPI_ERR_PATH_DENIED: Path denied by repository policy: \S+\.whl \(blocklisted\)/, error!.message);
});
