import test from 'ava';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

// Compiled to plugins/pypi/dist/test/, so the repository root is four levels up.
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

test('the host discovers the pypi plugin with apiVersion 2', async (t) => {
  const { stdout } = await promisify(execFile)(process.execPath, ['core/bin/artifactapi.js', 'plugins'], { cwd: ROOT });
  const row = stdout.split('\n').find((line) => line.startsWith('pypi '));
  t.truthy(row, stdout);
  t.deepEqual(row!.trim().split(/\s{2,}/), ['pypi', '@artifactapi/plugin-pypi', '0.1.0', '2']);
});
