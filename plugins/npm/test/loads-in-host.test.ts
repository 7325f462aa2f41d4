import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import test from 'ava';

// Compiled to plugins/npm/dist/test/, so the repository root is four levels up.
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

test('the host discovers the npm plugin with apiVersion 2', async (t) => {
  const { stdout } = await promisify(execFile)(process.execPath, ['core/bin/artifactapi.js', 'plugins'], { cwd: ROOT });
  t.regex(stdout, /^npm\s+@artifactapi\/plugin-npm\s+\S+\s+2$/m);
});
