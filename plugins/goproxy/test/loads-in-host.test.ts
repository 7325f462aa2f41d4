import test from 'ava';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const CLI = fileURLToPath(new URL('../../../../core/bin/artifactapi.js', import.meta.url));

test('artifactapi plugins lists the goproxy type with apiVersion 2', async (t) => {
  const { stdout } = await promisify(execFile)(process.execPath, [CLI, 'plugins'], { cwd: fileURLToPath(new URL('../../', import.meta.url)) });
  // Columns: TYPE PACKAGE VERSION API
  const row = stdout.split('\n').map((l) => l.trim().split(/\s+/)).find((cols) => cols[0] === 'goproxy');
  t.truthy(row, stdout);
  t.is(row![1], '@artifactapi/plugin-goproxy');
  t.is(row![3], '2');
});
