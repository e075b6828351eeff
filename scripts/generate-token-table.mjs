// Writes o200k-ranks.bin, the rank table mimir's token counter loads at its first count
// (src/analysis/token-table.ts reads it), generated from gpt-tokenizer's own o200k_base ranks as
// installed: never copied by hand, so it cannot drift from the package that checks it.
//
//   node scripts/generate-token-table.mjs [--if-missing]   (--if-missing: only where absent or in another format)
//
// Run by `npm run build` (after tsc) and by the unit suite's global setup (with --if-missing, so
// `npx vitest run` works on a fresh checkout). It writes the table beside the module that loads it,
// in src/analysis/ (for vitest) and, when dist/analysis/ exists, in dist/analysis/ (the built CLI).
//
// Why a table of its own: gpt-tokenizer's module parses a 2.4 MB array literal and fills a
// 200,000-entry Map before the first count (≈200 ms of start-up). Here the tokens are laid out as a
// ready-made hash index over their bytes, so that loading it is reading the file: no string made,
// no Map filled, no index built at run time (building one took 40–75 ms on a loaded machine, from
// its random writes alone).
//
// Format, all integers little-endian:
// - a header line, `mimir-token-table 3 o200k_base ranks <count> slots <2^k> from gpt-tokenizer <version>\n`,
//   zero-padded to a multiple of 4 bytes;
// - the slots: 2^k 32-bit integers, each 0 (empty) or the file offset of a token's entry; a token
//   sits at slot hash(bytes) & (2^k - 1) or, when that is taken, the next free one after it (open
//   addressing, linear probing);
// - the entries: the token's rank (3 bytes), its length (1 byte; no token is longer than 255 bytes)
//   and its bytes (UTF-8, or raw bytes for the tokens that are parts of a character). The tokens are
//   the ones gpt-tokenizer can produce: its string tokens and its byte tokens that are not valid UTF-8.
// The hash is FNV-1a over the bytes with a final mix; src/analysis/token-table.ts computes the same
// hash to look a token up, and token-count.test.ts looks every token up in the file, so the two
// cannot drift apart unnoticed.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const FILE_NAME = 'o200k-ranks.bin';
const targets = [join(ROOT, 'src', 'analysis', FILE_NAME), ...(existsSync(join(ROOT, 'dist', 'analysis')) ? [join(ROOT, 'dist', 'analysis', FILE_NAME)] : [])];

/** The header's first words: the loader reads only this format, and --if-missing rewrites a table in any other. */
const FORMAT = 'mimir-token-table 3 ';
const alreadyWritten = process.argv.includes('--if-missing') && targets.every((target) => existsSync(target) && readFileSync(target).subarray(0, FORMAT.length).toString('ascii') === FORMAT);
if (!alreadyWritten) await writeTables();

async function writeTables() {
  const require = createRequire(import.meta.url);
  const packageJson = JSON.parse(readFileSync(require.resolve('gpt-tokenizer/package.json'), 'utf8'));
  // The package's own rank list: index = rank, value = the token as a string (or bytes, for tokens
  // that are not valid UTF-8).
  const { default: ranks } = await import('gpt-tokenizer/bpeRanks/o200k_base');
  if (!Array.isArray(ranks) || ranks.length < 100_000) throw new Error(`gpt-tokenizer ${packageJson.version}: bpeRanks/o200k_base is not the rank list this script knows`);

  const tokens = [];
  const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
  for (const [rank, token] of ranks.entries()) {
    // A string token is the UTF-8 text of its bytes; a token that is not valid UTF-8 is given as its bytes.
    const bytes = typeof token === 'string' ? Buffer.from(token, 'utf8') : Buffer.from(token);
    // gpt-tokenizer looks valid UTF-8 up among its string tokens only, so the few byte tokens that are
    // valid UTF-8 (9, all starting with a byte order mark) are never found: leave them out likewise.
    if (typeof token !== 'string' && isValidUtf8(strictUtf8, bytes)) continue;
    if (bytes.length === 0 || bytes.length > 255) throw new Error(`o200k_base token ${rank} has ${bytes.length} bytes; the format allows 1 to 255`);
    if (rank >= 1 << 24) throw new Error(`o200k_base token ${rank}: the format's ranks have 3 bytes`);
    tokens.push({ rank, bytes });
  }
  const slotBits = Math.ceil(Math.log2(tokens.length * 2));
  const slotCount = 2 ** slotBits;
  const header = Buffer.from(`${FORMAT}o200k_base ranks ${tokens.length} slots ${slotCount} from gpt-tokenizer ${packageJson.version}\n`, 'ascii');
  const slotsStart = Math.ceil(header.length / 4) * 4;
  const entriesStart = slotsStart + slotCount * 4;
  const entriesLength = tokens.reduce((sum, { bytes }) => sum + 4 + bytes.length, 0);
  const table = Buffer.alloc(entriesStart + entriesLength);
  header.copy(table, 0);
  let at = entriesStart;
  for (const { rank, bytes } of tokens) {
    let slot = hashOf(bytes) & (slotCount - 1);
    while (table.readUInt32LE(slotsStart + slot * 4) !== 0) slot = (slot + 1) & (slotCount - 1);
    table.writeUInt32LE(at, slotsStart + slot * 4);
    table.writeUIntLE(rank, at, 3);
    table[at + 3] = bytes.length;
    bytes.copy(table, at + 4);
    at += 4 + bytes.length;
  }
  const count = tokens.length;

  for (const target of targets) {
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, table);
  }
  console.log(`wrote ${count} o200k_base ranks (${table.length} bytes, gpt-tokenizer ${packageJson.version}) to ${targets.map((target) => target.slice(ROOT.length + 1)).join(', ')}`);
}

function isValidUtf8(decoder, bytes) {
  try {
    decoder.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** FNV-1a over the bytes, with a final mix so the low bits index well: token-table.ts's hashOfBytes (and hashOfText, on ASCII). */
function hashOf(bytes) {
  let hash = 0x811c9dc5;
  for (const byte of bytes) hash = Math.imul(hash ^ byte, 0x01000193);
  return Math.imul(hash ^ (hash >>> 15), 0x2c1b3c6d) ^ (hash >>> 13);
}
