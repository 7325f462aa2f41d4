import { gzipSync } from 'node:zlib';

const BLOCK = 512;

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

/** One ustar header block for a regular file. */
function header(name: string, size: number, mtime: number): Buffer {
  const block = Buffer.alloc(BLOCK);
  block.write(name, 0, 100, 'utf8');
  block.write(octal(0o644, 8), 100, 'ascii');
  block.write(octal(0, 8), 108, 'ascii');
  block.write(octal(0, 8), 116, 'ascii');
  block.write(octal(size, 12), 124, 'ascii');
  block.write(octal(mtime, 12), 136, 'ascii');
  block.write('        ', 148, 'ascii'); // checksum is computed with its own field as spaces
  block.write('0', 156, 'ascii');
  block.write('ustar\u000000', 257, 'ascii');
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'ascii');
  return block;
}

/**
 * A package tarball as `npm pack` lays it out: every file under `package/`, gzipped. Built here
 * rather than with `npm pack` so the fixtures need no child process and are byte-stable.
 */
export function packTarball(files: Record<string, string>): Buffer {
  const parts: Buffer[] = [];
  const mtime = Math.floor(Date.UTC(1985, 9, 26) / 1000); // npm's own fixed mtime
  for (const [name, text] of Object.entries(files)) {
    const body = Buffer.from(text);
    parts.push(header(`package/${name}`, body.length, mtime), body, Buffer.alloc((BLOCK - (body.length % BLOCK)) % BLOCK));
  }
  parts.push(Buffer.alloc(BLOCK * 2));
  return gzipSync(Buffer.concat(parts));
}
