import { createRequire } from 'node:module';
import type * as GptTokenizerO200k from 'gpt-tokenizer/encoding/o200k_base';
import type * as GptTokenizerConstants from 'gpt-tokenizer/encodingParams/constants';
import { asciiRankTable } from './token-table.js';

/**
 * Exact o200k_base token counts, as gpt-tokenizer's `countTokens` gives them with special-token
 * text (`<|endoftext|>`) counted as plain text, faster, and without loading gpt-tokenizer for ASCII.
 *
 * The tokenizer splits a text into pieces with its pre-tokenization pattern and byte-pair encodes
 * each piece on its own, so a text's count is the sum of its pieces' counts. For ASCII text (almost
 * all trace content) the same pattern with its Unicode classes narrowed to ASCII finds the same
 * pieces, faster; each distinct piece is merged once, on mimir's own table of o200k_base's ASCII
 * tokens (token-table.ts, generated from gpt-tokenizer's ranks at build time), and remembered.
 * gpt-tokenizer's module costs ≈200 ms to load (it builds a 200k-entry Map from a 2.4 MB literal),
 * so it is loaded only at the first text with a non-ASCII character: such a text is split with
 * gpt-tokenizer's own Unicode pattern, its ASCII pieces merged here and the others counted by
 * gpt-tokenizer, each distinct one once.
 *
 * Why a piece counted alone gives its count within the text: matched alone, the pattern finds the
 * same single piece (its alternatives are tried in the same order on the same characters; the
 * only lookahead, `\s+(?!\S)`, sees the end of the string there, and a whitespace-only piece is
 * matched whole by one of the whitespace alternatives either way). token-count.test.ts checks the
 * counts against gpt-tokenizer on the pattern's edge cases and on arbitrary text.
 */

/** Counting must not throw on special-token text inside a message: it is content. */
const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

interface GptTokenizer {
  readonly countTokens: typeof GptTokenizerO200k.countTokens;
  /** gpt-tokenizer's own pre-tokenization pattern for o200k_base, sticky. */
  readonly piecePattern: RegExp;
}
let gptTokenizer: GptTokenizer | undefined;

/** gpt-tokenizer, loaded at the first non-ASCII text (synchronously: counting is synchronous; the package ships CommonJS too). */
function loadGptTokenizer(): GptTokenizer {
  if (gptTokenizer === undefined) {
    const requireHere = createRequire(import.meta.url);
    const { countTokens } = requireHere('gpt-tokenizer/encoding/o200k_base') as typeof GptTokenizerO200k;
    const { O200K_TOKEN_SPLIT_REGEX } = requireHere('gpt-tokenizer/encodingParams/constants') as typeof GptTokenizerConstants;
    gptTokenizer = { countTokens, piecePattern: new RegExp(O200K_TOKEN_SPLIT_REGEX.source, 'uy') };
  }
  return gptTokenizer;
}

/** Whether gpt-tokenizer has been loaded (only non-ASCII text loads it). For tests. */
export function gptTokenizerLoaded(): boolean {
  return gptTokenizer !== undefined;
}

/**
 * The token count of the ASCII piece text[start, end): gpt-tokenizer's bytePairMerge on characters
 * (one byte each), rank by rank, looked up in the same ranks. Exported for tests.
 */
export function asciiPieceCount(text: string, start = 0, end = text.length): number {
  const table = asciiRankTable();
  if (end - start <= 1) return end - start;
  if (table.rankOf(text, start, end) !== Infinity) return 1;
  const rankOf = (from: number, to: number | undefined): number => (to === undefined ? Infinity : table.rankOf(text, from, to));
  // starts: where each part begins (and the end); ranks[i]: the rank of parts i and i+1 merged.
  const starts: number[] = [];
  const ranks: number[] = [];
  for (let i = start; i <= end; i++) {
    starts.push(i);
    ranks.push(i < end - 1 ? rankOf(i, i + 2) : Infinity);
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
    ranks[at] = rankOf(starts[at] as number, starts[at + 2]);
    if (at > 0) ranks[at - 1] = rankOf(starts[at - 1] as number, starts[at + 1]);
  }
  return starts.length - 1;
}

/**
 * gpt-tokenizer's O200K_TOKEN_SPLIT_PATTERN with every class narrowed to ASCII: \p{L} is [A-Za-z]
 * (\p{Lu} [A-Z], \p{Ll} [a-z]; no ASCII character is Lt, Lm, Lo or M), \p{N} is [0-9], \s is
 * [\t\n\v\f\r ], and the negated classes list their ASCII members. On ASCII text it finds exactly
 * the original's pieces. It never matches a non-ASCII character, so on other text the scan stops
 * at the first one (no alternative matches there) and the whole text goes to gpt-tokenizer: no
 * separate check for non-ASCII text is needed.
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

/** Non-ASCII pieces counted by gpt-tokenizer, remembered (bounded like the long ASCII pieces). */
const MAX_OTHER_PIECES = 20_000;
const otherPieces = new Map<string, number>();

/** A text with a non-ASCII character: split by gpt-tokenizer's own pattern, its ASCII pieces merged here. */
function countMixedText(text: string): number {
  const { countTokens, piecePattern } = loadGptTokenizer();
  const length = text.length;
  let total = 0;
  let start = 0;
  piecePattern.lastIndex = 0;
  while (start < length) {
    // The pattern has an alternative for every character; should a later version not, the text is counted whole.
    if (!piecePattern.test(text)) return countTokens(text, PLAIN_TEXT);
    const end = piecePattern.lastIndex;
    if (isAscii(text, start, end)) {
      total += pieceCount(text, start, end);
    } else {
      const piece = text.slice(start, end);
      let count = otherPieces.get(piece);
      if (count === undefined) {
        count = countTokens(piece, PLAIN_TEXT);
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
