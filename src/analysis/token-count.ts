import { createRequire } from 'node:module';
import type * as GptTokenizerConstants from 'gpt-tokenizer/encodingParams/constants';
import { o200kRankTable, type RankTable } from './token-table.js';

/**
 * Exact o200k_base token counts, as gpt-tokenizer's `countTokens` gives them with special-token
 * text (`<|endoftext|>`) counted as plain text, faster, and without loading gpt-tokenizer's encoder.
 *
 * The tokenizer splits a text into pieces with its pre-tokenization pattern and byte-pair encodes
 * each piece's UTF-8 bytes on its own, so a text's count is the sum of its pieces' counts. Each
 * distinct piece is merged once, on mimir's own o200k_base rank table (token-table.ts, generated
 * from gpt-tokenizer's ranks at build time: gpt-tokenizer's module costs ≈200 ms to load, the
 * table a few), and remembered. For ASCII text (almost all trace content) the pattern with its
 * Unicode classes narrowed to ASCII finds the same pieces, faster, and a piece's characters are its
 * bytes. A text with a non-ASCII character is split with gpt-tokenizer's own Unicode pattern (its
 * constants module, ≈6 ms, loaded then), and its non-ASCII pieces are merged on their UTF-8 bytes.
 *
 * Why a piece counted alone gives its count within the text: matched alone, the pattern finds the
 * same single piece (its alternatives are tried in the same order on the same characters; the
 * only lookahead, `\s+(?!\S)`, sees the end of the string there, and a whitespace-only piece is
 * matched whole by one of the whitespace alternatives either way). token-count.test.ts checks the
 * counts against gpt-tokenizer's countTokens on the pattern's edge cases and on arbitrary text.
 */

/**
 * gpt-tokenizer's byte-pair merge of one piece of `length` bytes, rank by rank: `rankOf(from, to)`
 * is the rank of the token made of the piece's bytes [from, to), Infinity when there is none. (The
 * caller looks the whole piece up first, as gpt-tokenizer does.)
 */
function mergedCount(length: number, rankOf: (from: number, to: number) => number): number {
  if (length <= 1) return length;
  const rankAfter = (from: number, to: number | undefined): number => (to === undefined ? Infinity : rankOf(from, to));
  // starts: where each part begins (and the end); ranks[i]: the rank of parts i and i+1 merged.
  const starts: number[] = [];
  const ranks: number[] = [];
  for (let i = 0; i <= length; i++) {
    starts.push(i);
    ranks.push(i < length - 1 ? rankOf(i, i + 2) : Infinity);
  }
  while (starts.length > 1) {
    let lowest = Infinity;
    let at = -1;
    for (let i = 0; i < ranks.length - 1; i++) {
      const rank = ranks[i] as number;
      if (rank < lowest) {
        lowest = rank;
        at = i;
      }
    }
    if (lowest === Infinity) break;
    starts.splice(at + 1, 1);
    ranks.splice(at, 1);
    ranks[at] = rankAfter(starts[at] as number, starts[at + 2]);
    if (at > 0) ranks[at - 1] = rankAfter(starts[at - 1] as number, starts[at + 1]);
  }
  return starts.length - 1;
}

/** The token count of the ASCII piece text[start, end), merged on its characters (one byte each). Exported for tests. */
export function asciiPieceCount(text: string, start = 0, end = text.length): number {
  const table = o200kRankTable();
  if (end - start > 1 && table.rankOf(text, start, end) !== Infinity) return 1;
  return mergedCount(end - start, (from, to) => table.rankOf(text, start + from, start + to));
}

const utf8 = new TextEncoder();
let pieceBytes = new Uint8Array(256);

/**
 * The token count of any piece, as gpt-tokenizer counts it: the whole piece looked up as a string
 * (so never found when it holds a lone surrogate), then merged on its UTF-8 bytes (a lone surrogate
 * is U+FFFD's, as TextEncoder makes it) with gpt-tokenizer's lookup of a byte run (gptRankOfBytes).
 * Exported for tests.
 */
export function utf8PieceCount(piece: string): number {
  if (pieceBytes.length < piece.length * 3) pieceBytes = new Uint8Array(piece.length * 3);
  const bytes = pieceBytes;
  const length = utf8.encodeInto(piece, bytes).written;
  const table = o200kRankTable();
  if (length > 1 && isWellFormed(piece) && table.rankOfBytes(bytes, 0, length) !== Infinity) return 1;
  return mergedCount(length, (from, to) => gptRankOfBytes(table, bytes, length, from, to));
}

/**
 * The rank gpt-tokenizer gives the byte run bytes[from, to) of a piece's `length` UTF-8 bytes. A run
 * that is valid UTF-8 (it starts and ends on character boundaries: the piece's bytes are valid) is
 * decoded with TextDecoder, which drops a leading byte order mark, and looked up as that string; any
 * other run is looked up as bytes. The table holds exactly the tokens either lookup can find.
 */
function gptRankOfBytes(table: RankTable, bytes: Uint8Array, length: number, from: number, to: number): number {
  const startsWithByteOrderMark = to - from >= 3 && bytes[from] === 0xef && bytes[from + 1] === 0xbb && bytes[from + 2] === 0xbf;
  if (startsWithByteOrderMark && (to === length || ((bytes[to] as number) & 0xc0) !== 0x80)) {
    return to - from === 3 ? Infinity : table.rankOfBytes(bytes, from + 3, to);
  }
  return table.rankOfBytes(bytes, from, to);
}

/** No lone surrogate (String.prototype.isWellFormed, which ES2023's typings do not declare). */
function isWellFormed(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0xd800 || code > 0xdfff) continue;
    if (code > 0xdbff) return false;
    const next = text.charCodeAt(i + 1);
    if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
    i++;
  }
  return true;
}

let unicodePiecePattern: RegExp | undefined;

/** gpt-tokenizer's own o200k_base pre-tokenization pattern, sticky; loaded at the first non-ASCII text. */
function unicodePieces(): RegExp {
  if (unicodePiecePattern === undefined) {
    const { O200K_TOKEN_SPLIT_REGEX } = createRequire(import.meta.url)('gpt-tokenizer/encodingParams/constants') as typeof GptTokenizerConstants;
    unicodePiecePattern = new RegExp(O200K_TOKEN_SPLIT_REGEX.source, 'uy');
  }
  return unicodePiecePattern;
}

/**
 * gpt-tokenizer's O200K_TOKEN_SPLIT_PATTERN with every class narrowed to ASCII: \p{L} is [A-Za-z]
 * (\p{Lu} [A-Z], \p{Ll} [a-z]; no ASCII character is Lt, Lm, Lo or M), \p{N} is [0-9], \s is
 * [\t\n\v\f\r ], and the negated classes list their ASCII members. On ASCII text it finds exactly
 * the original's pieces. It never matches a non-ASCII character, so on other text the scan stops
 * at the first one (no alternative matches there) and the whole text is split again with the
 * Unicode pattern: no separate check for non-ASCII text is needed.
 */
const SPACE = String.raw`[\t\n\v\f\r ]`;
/** [^\r\n\p{L}\p{N}]: the optional character before a word. */
const BEFORE_WORD = String.raw`[\x00-\x09\x0b\x0c\x0e-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]`;
/** [^\s\p{L}\p{N}]: punctuation and symbols. */
const PUNCTUATION = String.raw`[\x00-\x08\x0e-\x1f\x21-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]`;
const CONTRACTION = String.raw`(?:'(?:[sS]|[dD]|[mM]|[tT]|[lL][lL]|[vV][eE]|[rR][eE]))?`;
const ASCII_PIECE = new RegExp(
  [
    String.raw`${BEFORE_WORD}?[A-Z]*[a-z]+${CONTRACTION}`,
    String.raw`${BEFORE_WORD}?[A-Z]+[a-z]*${CONTRACTION}`,
    String.raw`[0-9]{1,3}`,
    String.raw` ?${PUNCTUATION}+[\r\n/]*`,
    String.raw`${SPACE}*[\r\n]+`,
    String.raw`${SPACE}+(?![^\t\n\v\f\r ])`,
    String.raw`${SPACE}+`,
  ].join('|'),
  // Sticky: each test() matches exactly at lastIndex, and test() allocates no match object.
  'y',
);

/**
 * Distinct pieces remembered with their counts. Pieces of up to 12 characters (nearly all: words
 * with their leading space, punctuation, digits) are keyed by their characters packed 7 bits each
 * into three integers, in an open-addressing table of typed arrays: a lookup reads the piece where
 * it lies in the text, with no substring made and no string hashed or compared. Longer pieces go
 * to a Map. Either starts afresh when full (rarely: pieces are a corpus's vocabulary).
 */
const MAX_PACKED_CHARS = 12;
const TABLE_SIZE = 1 << 18;
const TABLE_MASK = TABLE_SIZE - 1;
const MAX_PACKED_PIECES = TABLE_SIZE >>> 1;
/** Piece length per slot; 0 marks an empty slot. */
const packedLength = new Uint8Array(TABLE_SIZE);
const packedFirst = new Int32Array(TABLE_SIZE);
const packedSecond = new Int32Array(TABLE_SIZE);
const packedThird = new Int32Array(TABLE_SIZE);
const packedCount = new Int32Array(TABLE_SIZE);
let packedPieces = 0;
const MAX_LONG_PIECES = 20_000;
const longPieces = new Map<string, number>();

/** The token count of text[start, end), one ASCII piece. */
function pieceCount(text: string, start: number, end: number): number {
  const length = end - start;
  if (length > MAX_PACKED_CHARS) {
    const piece = text.slice(start, end);
    let count = longPieces.get(piece);
    if (count === undefined) {
      count = asciiPieceCount(piece);
      if (longPieces.size >= MAX_LONG_PIECES) longPieces.clear();
      longPieces.set(piece, count);
    }
    return count;
  }
  // Characters 0-3, 4-7 and 8-11, 7 bits each: 28 bits per integer, exact for ASCII.
  let first = 0;
  let second = 0;
  let third = 0;
  const firstEnd = Math.min(end, start + 4);
  const secondEnd = Math.min(end, start + 8);
  let at = start;
  for (; at < firstEnd; at++) first = (first << 7) | text.charCodeAt(at);
  for (; at < secondEnd; at++) second = (second << 7) | text.charCodeAt(at);
  for (; at < end; at++) third = (third << 7) | text.charCodeAt(at);
  let hash = Math.imul(first ^ Math.imul(second, 0x9e3779b1) ^ Math.imul(third ^ length, 0x85ebca6b), 0x27d4eb2f);
  hash ^= hash >>> 15;
  let slot = hash & TABLE_MASK;
  for (;;) {
    const slotLength = packedLength[slot] as number;
    if (slotLength === 0) break;
    if (slotLength === length && packedFirst[slot] === first && packedSecond[slot] === second && packedThird[slot] === third) return packedCount[slot] as number;
    slot = (slot + 1) & TABLE_MASK;
  }
  const count = asciiPieceCount(text, start, end);
  if (packedPieces >= MAX_PACKED_PIECES) {
    packedLength.fill(0);
    packedPieces = 0;
    slot = hash & TABLE_MASK;
  }
  packedLength[slot] = length;
  packedFirst[slot] = first;
  packedSecond[slot] = second;
  packedThird[slot] = third;
  packedCount[slot] = count;
  packedPieces++;
  return count;
}

/**
 * Long texts counted before, across runs: an agent's system prompt and instructions come back in
 * every run (tau-bench: two thirds of the text counted). A run's own repeats are memoized by the
 * context analysis; these are what repeats between runs. Bounded by their total length (the Map
 * holds the texts), and started afresh when full.
 */
const MIN_REMEMBERED_CHARS = 512;
const MAX_REMEMBERED_CHARS = 4_000_000;
const rememberedTexts = new Map<string, number>();
let rememberedChars = 0;

/** The exact o200k_base token count of `text`. */
export function countO200kTokens(text: string): number {
  if (text.length < MIN_REMEMBERED_CHARS) return countText(text);
  let count = rememberedTexts.get(text);
  if (count === undefined) {
    count = countText(text);
    if (rememberedChars + text.length > MAX_REMEMBERED_CHARS) {
      rememberedTexts.clear();
      rememberedChars = 0;
    }
    if (text.length <= MAX_REMEMBERED_CHARS) {
      rememberedTexts.set(text, count);
      rememberedChars += text.length;
    }
  }
  return count;
}

function countText(text: string): number {
  const pattern = ASCII_PIECE;
  const length = text.length;
  let total = 0;
  let start = 0;
  pattern.lastIndex = 0;
  while (start < length) {
    // The pattern matches at every position of ASCII text (letters, digits, punctuation and
    // whitespace each have an alternative), and at none where a non-ASCII character is. The ASCII
    // pieces before it may end differently in the Unicode split ("caf" of "café"): start again.
    if (!pattern.test(text)) return countMixedText(text);
    const end = pattern.lastIndex;
    total += pieceCount(text, start, end);
    start = end;
  }
  return total;
}

/** Non-ASCII pieces and their counts, remembered (bounded like the long ASCII pieces). */
const MAX_OTHER_PIECES = 20_000;
const otherPieces = new Map<string, number>();

/** A text with a non-ASCII character: split by gpt-tokenizer's own pattern; ASCII pieces are counted as in ASCII text. */
function countMixedText(text: string): number {
  const pattern = unicodePieces();
  const length = text.length;
  let total = 0;
  let start = 0;
  pattern.lastIndex = 0;
  while (start < length) {
    // Every code point is a letter, a number, whitespace or none of these, and each has an alternative.
    if (!pattern.test(text)) throw new Error(`o200k_base's pattern matched nothing at character ${start} of a ${length}-character text`);
    const end = pattern.lastIndex;
    if (isAscii(text, start, end)) {
      total += pieceCount(text, start, end);
    } else {
      const piece = text.slice(start, end);
      let count = otherPieces.get(piece);
      if (count === undefined) {
        count = utf8PieceCount(piece);
        if (otherPieces.size >= MAX_OTHER_PIECES) otherPieces.clear();
        otherPieces.set(piece, count);
      }
      total += count;
    }
    start = end;
  }
  return total;
}

function isAscii(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** The pieces countO200kTokens counts ASCII `text` in; undefined for text with a non-ASCII character (split by gpt-tokenizer's pattern instead). For tests. */
export function asciiPieces(text: string): string[] | undefined {
  const pieces: string[] = [];
  ASCII_PIECE.lastIndex = 0;
  for (let start = 0; start < text.length; start = ASCII_PIECE.lastIndex) {
    if (!ASCII_PIECE.test(text)) return undefined;
    pieces.push(text.slice(start, ASCII_PIECE.lastIndex));
  }
  return pieces;
}
