import { pack } from 'tar-stream';

/** A tar of regular files (name → content), in the order given, each with `mtime` and root ownership. */
export async function tarOf(files: Record<string, string>, mtime: Date): Promise<Buffer> {
  const tar = pack();
  const chunks: Buffer[] = [];
  tar.on('data', (chunk: unknown) => void chunks.push(chunk as Buffer));
  const done = new Promise<void>((resolve, reject) => {
    tar.on('end', resolve);
    tar.on('error', reject);
  });
  for (const [name, content] of Object.entries(files)) {
    await new Promise<void>((resolve, reject) => {
      tar.entry({ name, mode: 0o644, mtime, uid: 0, gid: 0 }, content, (err) => (err ? reject(err) : resolve()));
    });
  }
  tar.finalize();
  await done;
  return Buffer.concat(chunks);
}
