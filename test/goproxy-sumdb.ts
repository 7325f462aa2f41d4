import { createHash, generateKeyPairSync, sign } from 'node:crypto';

/**
 * A checksum database as go's sumdb client reads it (golang.org/x/mod/sumdb), for a fixed set of
 * records: a Merkle tree of RFC 6962 hashes whose level-0 tile (up to 256 records) is served,
 * `lookup` answers of `id\ndata\n` + the tree note signed with an Ed25519 key, and the verifier
 * key go takes in GOSUMDB (`name+hash+key`).
 */
export interface FixtureSumdb {
  name: string;
  /** GOSUMDB value: `name+<key hash>+<base64 key>`. */
  verifierKey: string;
  /** Files under `/sumdb/<name>/`, by the path after it (`supported`, `latest`, `lookup/…`, `tile/…`). */
  files: Map<string, Buffer>;
}

/** One record: a module version's two go.sum lines. */
export interface SumdbRecord {
  /** Case-encoded `module@version`, as lookup URLs spell it. */
  encoded: string;
  /** `mod ver h1:…\nmod ver/go.mod h1:…\n`. */
  lines: string;
}

const sha256 = (...parts: (Buffer | string)[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};
const leafHash = (data: Buffer) => sha256(Buffer.from([0]), data);
const nodeHash = (left: Buffer, right: Buffer) => sha256(Buffer.from([1]), left, right);

/** RFC 6962 Merkle tree hash of leaf hashes. */
function treeHash(leaves: Buffer[]): Buffer {
  if (leaves.length === 1) return leaves[0]!;
  let split = 1;
  while (split * 2 < leaves.length) split *= 2;
  return nodeHash(treeHash(leaves.slice(0, split)), treeHash(leaves.slice(split)));
}

export function buildSumdb(name: string, records: readonly SumdbRecord[]): FixtureSumdb {
  if (records.length === 0 || records.length >= 256) throw new Error('the fixture sumdb holds 1..255 records (one partial tile)');
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const key = Buffer.concat([Buffer.from([1]), raw]); // algorithm 1 = Ed25519
  const keyHash = sha256(`${name}\n`, key).subarray(0, 4);
  const verifierKey = `${name}+${keyHash.toString('hex')}+${key.toString('base64')}`;

  const data = records.map((r) => Buffer.from(r.lines));
  const leaves = data.map(leafHash);
  const n = records.length;
  const text = `go.sum database tree\n${n}\n${treeHash(leaves).toString('base64')}\n`;
  const signature = sign(null, Buffer.from(text), privateKey);
  const note = Buffer.from(`${text}\n\u2014 ${name} ${Buffer.concat([keyHash, signature]).toString('base64')}\n`);

  const files = new Map<string, Buffer>();
  files.set('supported', Buffer.alloc(0));
  files.set('latest', note);
  files.set(`tile/8/0/000.p/${n}`, Buffer.concat(leaves));
  files.set(`tile/8/data/000.p/${n}`, Buffer.concat(data.map((d) => Buffer.concat([d, Buffer.from('\n')]))));
  records.forEach((r, id) => files.set(`lookup/${r.encoded}`, Buffer.concat([Buffer.from(`${id}\n`), data[id]!, Buffer.from('\n'), note])));
  return { name, verifierKey, files };
}
