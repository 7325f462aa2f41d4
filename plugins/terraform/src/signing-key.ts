import type * as OpenPgp from 'openpgp';

// Loaded on first use: only local repositories sign, and the library is large for a server start.
const pgp = (): Promise<typeof OpenPgp> => import('openpgp');

/**
 * The OpenPGP key a local repository signs its SHA256SUMS with. RSA on purpose: Terraform's
 * verifier rejects ECC keys. v4 keys and signatures (what gpg and Terraform's go-crypto read).
 */
export interface SigningKey {
  privateKey: OpenPgp.PrivateKey;
  /** The public key, ASCII-armored, as `signing_keys.gpg_public_keys[].ascii_armor`. */
  publicArmored: string;
  /** Upper-case hex long key id, as `signing_keys.gpg_public_keys[].key_id`. */
  keyId: string;
}

/** RSA modulus of generated keys (GnuPG's default; Terraform accepts any RSA key). */
export const RSA_BITS = 3072;

// Deterministic signatures: the same SUMS bytes, key and date give the same signature bytes on
// every replica (openpgp.js would otherwise add a random salt notation).
const SIGN_CONFIG: Partial<OpenPgp.Config> = { nonDeterministicSignaturesViaNotation: false };

/** A new armored RSA private key (unencrypted: it is stored where clients cannot read it). */
export async function generateSigningKey(name: string): Promise<string> {
  const { privateKey } = await (await pgp()).generateKey({ type: 'rsa', rsaBits: RSA_BITS, userIDs: [{ name }], format: 'armored' });
  return privateKey;
}

/** Reads an armored private key, decrypting it with `passphrase` when it is protected. */
export async function readSigningKey(armored: string, passphrase?: string): Promise<SigningKey> {
  const openpgp = await pgp();
  let privateKey = await openpgp.readPrivateKey({ armoredKey: armored });
  if (!privateKey.isDecrypted()) {
    if (!passphrase) throw new Error('the signing key is protected by a passphrase: set TF_SIGNING_KEY_PASSPHRASE');
    privateKey = await openpgp.decryptKey({ privateKey, passphrase });
  }
  const algorithm = privateKey.getAlgorithmInfo().algorithm;
  if (!algorithm.startsWith('rsa')) throw new Error(`the signing key is ${algorithm}: Terraform verifies RSA signatures only`);
  return { privateKey, publicArmored: privateKey.toPublic().armor(), keyId: privateKey.getKeyID().toHex().toUpperCase() };
}

/** A detached binary signature of `data`, made at `date` (the same inputs give the same bytes). */
export async function signDetached(key: SigningKey, data: Uint8Array, date: Date): Promise<Uint8Array> {
  const openpgp = await pgp();
  const message = await openpgp.createMessage({ binary: data });
  return openpgp.sign({ message, signingKeys: key.privateKey, detached: true, format: 'binary', date, config: SIGN_CONFIG });
}
