import test from 'ava';
import { checkClassifications } from '@artifactapi/plugin-sdk/testkit';
import plugin from '../src/index.js';

test('classifies the example layout', (t) => {
  t.deepEqual(
    checkClassifications(plugin, [
      { path: 'index.json', cache: 'mutable' },
      { path: 'files/tool-1.0.0.tar.gz', cache: 'immutable' },
      { path: 'admin/users', cache: 'deny' },
    ]),
    [],
  );
});
