import { access, readFile } from 'node:fs/promises';
import { UserError } from './errors.js';

/** Reads a file the user named, turning "not found" and "unreadable" into clear user errors. */
export async function readUserFile(path: string, what: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new UserError('file-not-found', `${what} not found: ${path}`, {
        location: { file: path },
        hint: `Check the path, or create the ${what}${what === 'config file' ? ' with `mimir init`' : ''}.`,
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
