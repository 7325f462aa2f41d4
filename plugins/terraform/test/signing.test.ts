import test from 'ava';
import * as openpgp from 'openpgp';
import { generateSigningKey, readSigningKey, signDetached } from '../src/signing-key.js';
import { keepSigningKey } from '../src/publish-signing-key.js';

const armored = await generateSigningKey('test');

test('a generated key is RSA, and signs SHA256SUMS with a detached binary signature that verifies', async (t) => {
  const key = await readSigningKey(armored);
  t.regex(key.privateKey.getAlgorithmInfo().algorithm, /^rsa/);
  t.regex(key.keyId, /^[0-9A-F]{16}$/);
  const data = new TextEncoder().encode(`${'a'.repeat(64)}  x.zip\n`);
  const sig = await signDetached(key, data, new Date());
  const { signatures } = await openpgp.verify({
    message: await openpgp.createMessage({ binary: data }),
    signature: await openpgp.readSignature({ binarySignature: sig }),
    verificationKeys: await openpgp.readKey({ armoredKey: key.publicArmored }),
  });
  await t.notThrowsAsync(signatures[0]!.verified);
});

test('the same SUMS, key and date give the same signature bytes (replicas agree)', async (t) => {
  const key = await readSigningKey(armored);
  const data = new TextEncoder().encode('x\n');
  const date = new Date(Math.floor(Date.now() / 1000) * 1000);
  t.deepEqual(await signDetached(key, data, date), await signDetached(key, data, date));
});

test('an ECC key is refused (Terraform verifies RSA only); a protected key needs its passphrase', async (t) => {
  const { privateKey: ecc } = await openpgp.generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ name: 'ecc' }], format: 'armored' });
  await t.throwsAsync(readSigningKey(ecc), { message: /RSA/ });
  const { privateKey: locked } = await openpgp.generateKey({ type: 'rsa', rsaBits: 2048, userIDs: [{ name: 'locked' }], passphrase: 'secret', format: 'armored' });
  await t.throwsAsync(readSigningKey(locked), { message: /TF_SIGNING_KEY_PASSPHRASE/ });
  const opened = await readSigningKey(locked, 'secret');
  t.true(opened.privateKey.isDecrypted());
});

test('the key publish keeps a key already stored (the first replica\'s wins)', (t) => {
  const stored = new TextEncoder().encode('first');
  const offered = new TextEncoder().encode('second');
  const ctx = { repo: 'r', path: './terraform-signing-key.asc', options: {} };
  t.is(keepSigningKey({ index: stored, request: offered, files: [], ctx }).body, stored);
  t.is(keepSigningKey({ request: offered, files: [], ctx }).body, offered);
});
