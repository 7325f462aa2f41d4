import test from 'ava';
import { pino } from 'pino';
import { discoverPlugins, type PluginProblem } from '../src/plugins/index.js';
import { pluginSandbox } from './helpers/plugin-sandbox.js';
import { genericRemote, startProxy } from './helpers/proxy.js';

// A rewriter or inspector the worker pool cannot load is a plugin problem found at start, like a
// plugin whose module does not import; before, it was a 500 on the first index request.

const BROKEN = ['artifactapi-plugin-task-missing-export', 'artifactapi-plugin-task-missing-module'];
const silent = pino({ level: 'silent' });

function messageOf(problems: readonly PluginProblem[], name: string): string {
  return problems.find((p) => p.packageName === name)?.message ?? `no problem reported for ${name}`;
}

test('a task whose module or export is missing is a load problem naming the hook, the index kind and the export', async (t) => {
  const root = await pluginSandbox(t, ['artifactapi-plugin-fixture', ...BROKEN]);
  const { plugins, problems } = await discoverPlugins({ searchFrom: [root], log: silent });

  t.true(plugins.some((p) => p.type === 'fixture'), 'the good plugin beside them still loads');
  t.false(plugins.some((p) => p.type.startsWith('task-missing')));
  t.regex(
    messageOf(problems, 'artifactapi-plugin-task-missing-module'),
    /^package artifactapi-plugin-task-missing-module: plugin task-missing-module: rewriters\["listing"\] cannot import module file:\/\/\S+\/rewrite-listing\.js: /,
  );
  t.regex(
    messageOf(problems, 'artifactapi-plugin-task-missing-export'),
    /^package artifactapi-plugin-task-missing-export: plugin task-missing-export: inspectors\["listing"\] names export "inspectListng" of file:\/\/\S+\/tasks\.js, which is not exported$/,
  );
});

test('the server starts beside such a plugin and lists it under /health plugins.problems', async (t) => {
  const root = await pluginSandbox(t, BROKEN);
  const proxy = await startProxy(t, genericRemote('http://127.0.0.1:9'), { pluginSearchFrom: [root] });
  const res = await fetch(`${proxy.url}/health`);
  t.is(res.status, 200);
  const health = (await res.json()) as { plugins: { loaded: string[]; problems: PluginProblem[] } };
  t.deepEqual(health.plugins.loaded, ['generic']);
  t.deepEqual(health.plugins.problems.map((p) => p.packageName).sort(), BROKEN);
});
