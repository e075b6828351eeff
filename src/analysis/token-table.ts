import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * o200k_base's tokens and their ranks, read from o200k-ranks.bin beside this module.
 * scripts/generate-token-table.mjs writes that file from gpt-tokenizer's own ranks at build time (and
 * for the unit suite, in its global setup); its format is described there. The file is a ready-made
 * open-addressing hash index over the tokens' bytes, so loading it is reading 4.3 MB: no string
 * made, no Map filled, no index built (gpt-tokenizer's module costs ≈200 ms). A lookup hashes the
 * bytes where they lie (an ASCII text's characters are its bytes) and compares them with the
 * token's in place: no substring made.
 */
export interface RankTable {
  /** How many tokens the table holds. */
  readonly size: number;
  /** Where the table was read from. */
  readonly path: string;
  /** The header line: the count and the gpt-tokenizer version it was generated from. */
  readonly description: string;
  /** The rank of the token whose bytes are the characters text[from, to) (all ASCII), or Infinity when none is. */
  rankOf(text: string, from: number, to: number): number;
  /** The rank of the token bytes[from, to), or Infinity when none is. */
  rankOfBytes(bytes: Uint8Array, from: number, to: number): number;
}

export const TOKEN_TABLE_URL = new URL('./o200k-ranks.bin', import.meta.url);
/** The header's first words (the generator's FORMAT): the only format this reads. */
const FORMAT = 'mimir-token-table 3 ';
const HEADER = /^mimir-token-table 3 o200k_base ranks (\d+) slots (\d+) from gpt-tokenizer \S+$/;

let loaded: RankTable | undefined;

/** The table, read at the first call. A missing or damaged file is a broken build, said plainly. */
export function o200kRankTable(): RankTable {
  loaded ??= readTable(TOKEN_TABLE_URL);
  return loaded;
}

/** FNV-1a over the character codes of text[from, to), with a final mix so the low bits index well: the generator's hashOf, on ASCII. */
function hashOfText(text: string, from: number, to: number): number {
  let hash = 0x811c9dc5;
  for (let i = from; i < to; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return Math.imul(hash ^ (hash >>> 15), 0x2c1b3c6d) ^ (hash >>> 13);
}

/** hashOfText over bytes: the generator's hashOf. */
function hashOfBytes(bytes: Uint8Array, from: number, to: number): number {
  let hash = 0x811c9dc5;
  for (let i = from; i < to; i++) hash = Math.imul(hash ^ (bytes[i] as number), 0x01000193);
  return Math.imul(hash ^ (hash >>> 15), 0x2c1b3c6d) ^ (hash >>> 13);
}

function readTable(url: URL): RankTable {
  const path = fileURLToPath(url);
  const regenerate = 'It is generated at build time: run `npm run build` (or `node scripts/generate-token-table.mjs`).';
  let file: Buffer;
  try {
    file = readFileSync(url);
  } catch (error) {
    throw new Error(`mimir's token table ${path} could not be read (${(error as Error).message}). ${regenerate}`, { cause: error });
  }
  const headerEnd = file.indexOf(0x0a);
  const description = headerEnd < 0 ? '' : file.toString('ascii', 0, headerEnd);
  const [, sizeText, slotCountText] = HEADER.exec(description) ?? [];
  const size = Number(sizeText);
  const slotCount = Number(slotCountText);
  const slotsStart = Math.ceil((headerEnd + 1) / 4) * 4;
  const isPowerOfTwo = slotCount > 0 && (slotCount & (slotCount - 1)) === 0;
  if (!description.startsWith(FORMAT) || !isPowerOfTwo || !(size > 0 && size < slotCount) || file.length < slotsStart + slotCount * 4 + size * 5) {
    throw new Error(`mimir's token table ${path} is not one this version reads (header ${JSON.stringify(description.slice(0, 100))}, ${file.length} bytes). ${regenerate}`);
  }
  // Each slot: 0 (empty) or the file offset of an entry (rank: 3 bytes, length: 1 byte, the token's bytes).
  // A view when the file's buffer lets one start there (it almost always does), else a copy.
  const slots =
    (file.byteOffset + slotsStart) % 4 === 0
      ? new Uint32Array(file.buffer, file.byteOffset + slotsStart, slotCount)
      : new Uint32Array(file.buffer.slice(file.byteOffset + slotsStart, file.byteOffset + slotsStart + slotCount * 4));
  const mask = slotCount - 1;
  const rankAt = (entry: number): number => (file[entry] as number) | ((file[entry + 1] as number) << 8) | ((file[entry + 2] as number) << 16);

  return {
    size,
    path,
    description,
    rankOf(text, from, to) {
      const length = to - from;
      for (let slot = hashOfText(text, from, to) & mask; ; slot = (slot + 1) & mask) {
        const entry = slots[slot] as number;
        if (entry === 0) return Infinity;
        if (file[entry + 3] !== length) continue;
        let i = 0;
        while (i < length && file[entry + 4 + i] === text.charCodeAt(from + i)) i++;
        if (i === length) return rankAt(entry);
      }
    },
    rankOfBytes(bytes, from, to) {
      const length = to - from;
      for (let slot = hashOfBytes(bytes, from, to) & mask; ; slot = (slot + 1) & mask) {
        const entry = slots[slot] as number;
        if (entry === 0) return Infinity;
        if (file[entry + 3] !== length) continue;
        let i = 0;
        while (i < length && file[entry + 4 + i] === bytes[from + i]) i++;
        if (i === length) return rankAt(entry);
      }
    },
  };
}
