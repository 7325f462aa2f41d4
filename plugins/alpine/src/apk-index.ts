import { gunzipSync } from 'node:zlib';
import { extract } from 'tar-stream';

/** One package record of an APKINDEX: field letter → value (`P`, `V`, `C`, `S`, `t`…). */
export type ApkRecord = Readonly<Record<string, string>>;

/** The largest uncompressed index read; Alpine's biggest (edge/community) is tens of megabytes. */
const MAX_INDEX_BYTES = 512 * 1024 * 1024;
const INDEX_ENTRY = 'APKINDEX';

/**
 * The package records of an APKINDEX.tar.gz. The file is the signature member followed by the
 * index member; the signature tar carries no end-of-archive blocks, so the inflated members read
 * as one tar stream (as apk reads them). Throws a SyntaxError for anything else.
 */
export async function readApkIndex(body: Uint8Array): Promise<ApkRecord[]> {
  let tar: Buffer;
  try {
    tar = gunzipSync(body, { maxOutputLength: MAX_INDEX_BYTES });
  } catch (err) {
    throw new SyntaxError(`APKINDEX.tar.gz does not inflate: ${(err as Error).message}`);
  }
  const text = await tarEntry(tar, INDEX_ENTRY);
  if (text === undefined) throw new SyntaxError(`APKINDEX.tar.gz holds no ${INDEX_ENTRY} file`);
  return parseApkIndexText(text);
}

/**
 * Records of an APKINDEX text: `X:value` lines, a blank line between packages. apk-tools keeps
 * the first value of a repeated letter; so does this.
 */
export function parseApkIndexText(text: string): ApkRecord[] {
  const records: ApkRecord[] = [];
  let current: Record<string, string> = {};
  const flush = () => {
    if (Object.keys(current).length > 0) records.push(current);
    current = {};
  };
  for (const line of text.split('\n')) {
    if (line.trim() === '') {
      flush();
      continue;
    }
    if (line.length < 2 || line[1] !== ':') continue; // not a field line; apk skips it too
    const letter = line[0]!;
    if (!(letter in current)) current[letter] = line.slice(2);
  }
  flush();
  return records;
}

/** The text of the tar entry named `name`, or undefined when there is none. */
async function tarEntry(tar: Buffer, name: string): Promise<string | undefined> {
  const reader = extract();
  reader.end(tar);
  let found: string | undefined;
  try {
    for await (const entry of reader) {
      if (entry.header.name !== name || found !== undefined) {
        entry.resume();
        continue;
      }
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      found = Buffer.concat(chunks).toString('utf8');
    }
  } catch (err) {
    throw new SyntaxError(`APKINDEX.tar.gz is not a tar archive: ${(err as Error).message}`);
  }
  return found;
}
