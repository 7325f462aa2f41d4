import test from 'ava';
import { captureLogs } from './helpers/log-capture.js';
import { pluginSandbox } from './helpers/plugin-sandbox.js';
import { startProxy } from './helpers/proxy.js';

// Regression: a throwing hook was logged as "Plugin failed: probe.classify: <m>: <m>", because the
// wrapper quotes the hook's message and pino's err serializer appends the cause's message again.

const HOOK_MESSAGE = 'probe cannot read the crate name';

function occurrences(text: unknown): number {
  return typeof text === 'string' ? text.split(HOOK_MESSAGE).length - 1 : 0;
}

test('a hook error is answered 500 naming plugin and hook, and logged with its message once', async (t) => {
  const logs = captureLogs();
  const root = await pluginSandbox(t, ['artifactapi-plugin-probe']);
  const proxy = await startProxy(t, `remotes:\n  p:\n    type: remote\n    package: probe\n    base_url: http://127.0.0.1:9\n`, {
    logger: logs.logger,
    pluginSearchFrom: [root],
  });

  const res = await fetch(`${proxy.url}/api/v1/remote/p/throws/serde`);
  t.is(res.status, 500);
  const body = (await res.json()) as { error: { code: string; message: string } };
  t.deepEqual(body.error, { code: 'AAPI_ERR_PLUGIN_FAILED', message: `Plugin failed: probe.classify: ${HOOK_MESSAGE}` });

  const lines = logs.lines.filter((l) => l.level >= 50);
  t.is(lines.length, 1, JSON.stringify(logs.lines));
  const line = lines[0]!;
  const err = line.err as { type: string; message: string; stack: string };
  t.is(line.msg, body.error.message);
  t.is(line.code, 'AAPI_ERR_PLUGIN_FAILED');
  // The logged error is the plugin's own: its type, its message, its stack from the plugin's file.
  t.is(err.type, 'TypeError');
  t.is(err.message, HOOK_MESSAGE);
  t.regex(err.stack, /artifactapi-plugin-probe[\\/]index\.js/);
  for (const [field, text] of Object.entries({ msg: line.msg, 'err.message': err.message, 'err.stack': err.stack })) {
    t.is(occurrences(text), 1, `${field} holds the hook's message once: ${String(text)}`);
  }
});
