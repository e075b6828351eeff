import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { createGunzip, gunzipSync, constants as zlibConstants } from 'node:zlib';

/**
 * Opening a trace file as a stream of (decompressed) bytes. Compression is recognized by content,
 * never by file name: a `.json` that is really gzip is read, a `.gz` that is not is read as is.
 */

const READ_CHUNK_BYTES = 1 << 20;
const GUNZIP_CHUNK_BYTES = 1 << 16;

export function isGzip(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

export interface TraceInput {
  readonly gzipped: boolean;
  /** Size of the file on disk (compressed, when it is). */
  readonly totalBytes: number;
  /** The decompressed bytes. Errors (a truncated gzip stream) surface from the iteration. */
  readonly chunks: AsyncIterable<Buffer>;
  /** Bytes of the file read so far (compressed, when it is): for progress against totalBytes. */
  rawBytesRead(): number;
}

/** The first bytes of a file (fewer if it is shorter). */
export async function readHead(path: string, bytes: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Throws the file system's error when the file cannot be opened (callers report `unreadable`). */
export async function openTraceInput(path: string): Promise<TraceInput> {
  const info = await stat(path);
  if (!info.isFile()) throw new Error(`${path} is not a regular file`);
  const gzipped = isGzip(await readHead(path, 2));
  let rawBytes = 0;
  if (!gzipped) {
    return {
      gzipped,
      totalBytes: info.size,
      rawBytesRead: () => rawBytes,
      chunks: (async function* () {
        for await (const chunk of createReadStream(path, { highWaterMark: READ_CHUNK_BYTES })) {
          rawBytes += (chunk as Buffer).length;
          yield chunk as Buffer;
        }
      })(),
    };
  }
  return {
    gzipped,
    totalBytes: info.size,
    rawBytesRead: () => rawBytes,
    chunks: (async function* () {
      const raw = createReadStream(path, { highWaterMark: READ_CHUNK_BYTES });
      const gunzip = createGunzip({ chunkSize: GUNZIP_CHUNK_BYTES });
      raw.on('data', (chunk: string | Buffer) => {
        rawBytes += chunk.length;
      });
      // pipe() does not forward errors; without this a read error would leave the gunzip hanging.
      raw.on('error', (error) => gunzip.destroy(error));
      raw.pipe(gunzip);
      try {
        for await (const chunk of gunzip) yield chunk as Buffer;
      } finally {
        raw.destroy();
        gunzip.destroy();
      }
    })(),
  };
}

/** zlib's complaint about input that stops before the gzip stream ends. */
export function isTruncatedGzip(error: unknown): boolean {
  return error instanceof Error && ((error as NodeJS.ErrnoException).code === 'Z_BUF_ERROR' || error.message === 'unexpected end of file');
}

/** Any other zlib complaint: corrupt compressed data. */
export function isCorruptGzip(error: unknown): boolean {
  const code = error instanceof Error ? (error as NodeJS.ErrnoException).code : undefined;
  return typeof code === 'string' && code.startsWith('Z_');
}

/**
 * Decompresses a whole gzip buffer (for formats read whole, like a protobuf export). A truncated
 * stream yields what could be recovered, with `truncated` set.
 */
export function gunzipWhole(data: Buffer, maxOutputLength: number): { readonly bytes: Buffer; readonly truncated: boolean } {
  try {
    return { bytes: gunzipSync(data, { maxOutputLength }), truncated: false };
  } catch (error) {
    if (!isTruncatedGzip(error)) throw error;
    // Z_SYNC_FLUSH makes zlib hand out what it has instead of insisting on the stream's end.
    return { bytes: gunzipSync(data, { maxOutputLength, finishFlush: zlibConstants.Z_SYNC_FLUSH }), truncated: true };
  }
}
