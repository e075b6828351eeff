import { access, open, stat } from 'node:fs/promises';
import { UserError } from './errors.js';

/** The most read of any file a user names, unless the caller says less: past it, the file is refused. */
export const MAX_USER_FILE_BYTES = 256 * 1024 * 1024;

/** How to make the files mimir's own commands write, when one is missing. */
const CREATE_WITH: Readonly<Record<string, string>> = {
  'config file': ' with `mimir init`',
  'answers file': ' with `mimir walk` (or start from two lines: `version: 1` and `answers: {}`)',
};

/**
 * Reads a file the user named, turning "not found" and "unreadable" into clear user errors. Only
 * regular files are read (a FIFO or a device such as /dev/zero would block or never end), and at
 * most `maxBytes` of them.
 */
export async function readUserFile(path: string, what: string, maxBytes = MAX_USER_FILE_BYTES): Promise<string> {
  let bytes: Buffer;
  try {
    await refuseIrregularFile(path, what);
    bytes = await readBounded(path, what, maxBytes);
  } catch (error) {
    if (error instanceof UserError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new UserError('file-not-found', `${what} not found: ${path}`, {
        location: { file: path },
        hint: `Check the path, or create the ${what}${CREATE_WITH[what] ?? ''}.`,
      });
    }
    const reason = code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
    throw new UserError('file-unreadable', `cannot read ${what} ${path}: ${reason}`, { location: { file: path }, hint: `Point mimir at a readable ${what}.` });
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // Locate the first bad byte for the message; the lenient decode marks it with U+FFFD.
    const lenient = new TextDecoder('utf-8').decode(bytes);
    const line = lenient.slice(0, lenient.indexOf('\uFFFD')).split('\n').length;
    throw new UserError('file-unreadable', `${what} ${path} is not valid UTF-8`, {
      location: { file: path, line },
      expected: 'UTF-8 text',
      hint: 'Save the file as UTF-8.',
    });
  }
}

export async function fileExists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** Refuses anything but a regular file (directories are left to the caller's read, which says so). */
export async function refuseIrregularFile(path: string, what: string): Promise<void> {
  const info = await stat(path);
  if (info.isFile() || info.isDirectory()) return;
  const kind = info.isFIFO() ? 'a FIFO (named pipe)' : info.isCharacterDevice() || info.isBlockDevice() ? 'a device' : info.isSocket() ? 'a socket' : 'not a regular file';
  throw new UserError('file-unreadable', `cannot read ${what} ${path}: it is ${kind}, not a regular file`, {
    location: { file: path },
    hint: `Point mimir at a regular ${what} (save a stream to a file first).`,
  });
}

/** The file's bytes, refused past `maxBytes` (read up to one byte more, whatever stat said: a file may grow). */
async function readBounded(path: string, what: string, maxBytes: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.alloc(Math.min(1 << 20, maxBytes + 1 - total));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
      if (total > maxBytes) {
        throw new UserError('file-unreadable', `${what} ${path} is larger than ${maxBytes} bytes: refused`, {
          location: { file: path },
          hint: `A ${what} this large is not one mimir wrote or expects; check the path.`,
        });
      }
    }
    return Buffer.concat(chunks, total);
  } finally {
    await handle.close();
  }
}
