import fc from 'fast-check';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { O200K_TOKEN_SPLIT_REGEX } from 'gpt-tokenizer/encodingParams/constants';
import { describe, expect, it } from 'vitest';
import { asciiPieceCount, asciiPieces, countO200kTokens, utf8PieceCount } from './token-count.js';
import { o200kRankTable } from './token-table.js';

/** The reference: gpt-tokenizer itself, special-token text counted as text. */
const reference = (text: string): number => countTokens(text, { disallowedSpecial: new Set() });

/** Characters that steer every alternative of the o200k_base pattern, ASCII and not. */
const TRICKY = [
  ...Array.from('aAzZ09 \t\n\r\v\f\'"/.,;:!?()[]{}<>|-_=+*&^%$#@~`\\'),
  "'s", "'S", "'t", "'ll", "'LL", "'lL", "'ve", "'VE", "'re", "'Re", "'d", "'m", "'x",
  'hello', 'Hello', 'HELLO', 'HELLOworld', 'don', "DON'T", 'camelCase', 'JSONParser',
  '12345', '1234567', ' 42', '  ', '   ', '\n\n', ' \n ', '\r\n', '//', '://', '\n/', '<|endoftext|>', '<|im_start|>',
  'é', 'É', 'ß', '日本', '\u00a0', '\u2028', '\u3000', '\ufeff', '٣', '²', '😀', '\u0301', '–', '…', '«',
];

const trickyText = fc.array(fc.constantFrom(...TRICKY), { maxLength: 40 }).map((parts) => parts.join(''));

/** The pieces gpt-tokenizer's own pattern splits a text into. */
const referencePieces = (text: string): string[] => [...text.matchAll(new RegExp(O200K_TOKEN_SPLIT_REGEX.source, 'gu'))].map((match) => match[0]);
const isAscii = (text: string): boolean => Array.from(text).every((ch) => ch.charCodeAt(0) < 128);

describe('countO200kTokens', () => {
  it('splits ASCII text into gpt-tokenizer\'s pieces, and leaves other text to gpt-tokenizer\'s own pattern', () => {
    const ascii = fc.string({ unit: fc.integer({ min: 0, max: 127 }).map((code) => String.fromCharCode(code)), maxLength: 120 });
    fc.assert(
      fc.property(fc.oneof(trickyText, ascii), (text) => {
        expect(asciiPieces(text)).toEqual(isAscii(text) ? referencePieces(text) : undefined);
      }),
      { numRuns: 5000 },
    );
  });

  it('counts like gpt-tokenizer on hand-picked texts', () => {
    const texts = [
      '',
      ' ',
      'Hello, world!',
      "I'm sure they'll say it's fine, but we've seen what DON'T and CAN'T do.",
      'Refund order 4411 for Dana Smith: the blender arrived broken, she wants the money back on her card.',
      '{"order": 4411, "customer": "Dana Smith", "total": 89.90, "items": ["blender"], "status": "delivered"}',
      'Error: upstream payments service timed out after 30000 ms (POST /refunds, request id 8c1f)',
      'line one\n\nline two\r\n\tindented   spaced    \n',
      'trailing spaces   ',
      'x  \n  y',
      'path/to/file.ts:12:5\n//comment\n/* block */',
      'special <|endoftext|> and <|fim_prefix|> text',
      'résumé naïve café', // non-ASCII: handed to gpt-tokenizer whole
      'ASCII then 日本語 then ASCII',
      'non\u00a0breaking',
    ];
    for (const text of texts) expect(countO200kTokens(text), JSON.stringify(text)).toBe(reference(text));
  });

  it('counts like gpt-tokenizer on any mix of the pattern\'s edge cases', () => {
    fc.assert(
      fc.property(trickyText, (text) => {
        expect(countO200kTokens(text)).toBe(reference(text));
      }),
      { numRuns: 3000 },
    );
  });

  it('counts like gpt-tokenizer on arbitrary ASCII and arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.integer({ min: 0, max: 127 }).map((code) => String.fromCharCode(code)), maxLength: 200 }), (text) => {
        expect(countO200kTokens(text)).toBe(reference(text));
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), (text) => {
        expect(countO200kTokens(text)).toBe(reference(text));
      }),
      { numRuns: 500 },
    );
  });

  it('counts right when more distinct pieces come than it remembers', () => {
    // Distinct short words (the packed table) and distinct long ones (the Map), past both bounds.
    const word = (n: number, length: number): string => Array.from({ length }, (_, i) => String.fromCharCode(97 + (Math.floor(n / 26 ** i) % 26))).join('');
    const short = Array.from({ length: 40_000 }, (_, n) => word(n, 5)).join(' ');
    const long = Array.from({ length: 21_000 }, (_, n) => word(n, 14)).join(' ');
    for (const text of [short, long, short, long]) expect(countO200kTokens(text)).toBe(reference(text));
  });

  it('counts a long text the same, however often its pieces were seen before', () => {
    const long = Array.from({ length: 2000 }, (_, i) => `word${i % 97} Another_${i % 13}: value ${i}\n`).join('');
    expect(countO200kTokens(long)).toBe(reference(long));
    expect(countO200kTokens(long)).toBe(reference(long));
  });

  it('merges an ASCII piece on its characters exactly as gpt-tokenizer merges its bytes', () => {
    const asciiPiece = fc.string({ unit: fc.integer({ min: 0, max: 127 }).map((code) => String.fromCharCode(code)), minLength: 1, maxLength: 40 });
    fc.assert(
      fc.property(fc.oneof(asciiPiece, trickyText.filter((text) => text.length > 0 && isAscii(text))), (text) => {
        // Pieces as the pattern cuts them (the merge runs on one piece: a text is cut first).
        for (const piece of asciiPieces(text) ?? []) expect(asciiPieceCount(piece)).toBe(reference(piece));
        // The same piece where it lies in a longer text: the merge reads text[start, end) in place.
        const padded = `<<${text}>>`;
        expect(asciiPieceCount(padded, 2, 2 + text.length)).toBe(asciiPieceCount(text));
      }),
      { numRuns: 3000 },
    );
    // Code and logs: identifiers, paths, hex and numbers, the pieces that miss the cache in real corpora.
    for (const piece of ['_separability_matrix', '/usr/lib/python3.11', ' 0x7f3a9c', 'deadbeefcafebabe', ' CompoundModel', '__init__', ' HTTPConnectionPool']) {
      for (const part of asciiPieces(piece) ?? []) expect(asciiPieceCount(part)).toBe(reference(part));
    }
  });

  it('counts mixed text piece by piece like gpt-tokenizer: ASCII runs beside accents, CJK, emoji and non-breaking spaces', () => {
    const mixedUnit = fc.oneof(
      fc.constantFrom(...TRICKY),
      fc.string({ unit: fc.integer({ min: 0, max: 127 }).map((code) => String.fromCharCode(code)), maxLength: 12 }),
      fc.string({ unit: 'grapheme', maxLength: 4 }),
    );
    fc.assert(
      fc.property(fc.array(mixedUnit, { maxLength: 30 }), (parts) => {
        const text = parts.join('');
        expect(countO200kTokens(text)).toBe(reference(text));
      }),
      { numRuns: 2000 },
    );
    for (const text of ['café', 'Café au lait, s’il vous plaît', 'naïve—résumé', "l'été's", 'Größe 12\u00a0kg', 'Tokyo 東京 2024', 'ok 😀😀 ok', 'x\u0301y']) {
      expect(countO200kTokens(text), JSON.stringify(text)).toBe(reference(text));
    }
  });
});

describe('the generated o200k_base rank table', () => {
  it('is found beside the module and holds every token of gpt-tokenizer\'s o200k_base with its rank', async () => {
    const table = o200kRankTable();
    expect(table.path.replaceAll('\\', '/')).toMatch(/\/src\/analysis\/o200k-ranks\.bin$/);
    const { default: ranks } = await import('gpt-tokenizer/bpeRanks/o200k_base');
    const encoder = new TextEncoder();
    const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
    let unreachable = 0;
    for (const [rank, token] of ranks.entries()) {
      const bytes = typeof token === 'string' ? encoder.encode(token) : Uint8Array.from(token);
      const found = table.rankOfBytes(bytes, 0, bytes.length);
      // Byte tokens that are valid UTF-8 gpt-tokenizer never finds (it looks valid UTF-8 up among its strings): left out.
      const isValidUtf8 = ((): boolean => {
        try {
          strictUtf8.decode(bytes);
          return true;
        } catch {
          return false;
        }
      })();
      if (typeof token !== 'string' && isValidUtf8) {
        unreachable++;
        expect(found).toBe(Infinity);
        continue;
      }
      if (found !== rank) expect.fail(`token ${rank} ${JSON.stringify(token)}: the table gives ${found}`);
      // ASCII tokens are looked up on a string's characters too.
      if (typeof token === 'string' && isAscii(token) && table.rankOf(token, 0, token.length) !== rank) expect.fail(`ASCII token ${rank} ${JSON.stringify(token)}: rankOf gives ${table.rankOf(token, 0, token.length)}`);
    }
    expect(unreachable).toBe(9);
    expect(table.size).toBe(ranks.length - unreachable);
    expect(table.description).toContain(`${table.size}`);
    // Text that is no token, found nowhere; a token found where it lies inside a longer text.
    expect(table.rankOf('zzqqxxjj-not-a-token', 0, 20)).toBe(Infinity);
    expect(table.rankOf('<hello>', 1, 6)).toBe(table.rankOf('hello', 0, 5));
    expect(table.rankOfBytes(encoder.encode('<hello>'), 1, 6)).toBe(table.rankOf('hello', 0, 5));
  });

  it('merges any piece on its UTF-8 bytes as gpt-tokenizer does', () => {
    const pieces = fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }).map((text) => referencePieces(text)[0] ?? 'a');
    fc.assert(
      fc.property(fc.oneof(pieces, fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }).map((text) => referencePieces(text)[0] ?? 'a')), (piece) => {
        expect(utf8PieceCount(piece)).toBe(reference(piece));
      }),
      { numRuns: 2000 },
    );
    for (const piece of ['é', ' naïve', '日本語', '😀', '\ud800', ' \u00a0', 'Größe']) expect(utf8PieceCount(piece), JSON.stringify(piece)).toBe(reference(piece));
  });

  it('counts byte order marks, U+FFFD and lone surrogates as gpt-tokenizer does (its decoder drops a leading byte order mark)', () => {
    // gpt-tokenizer has byte tokens that start with a byte order mark ("\ufeff//", "\ufeff#") that it can never produce.
    const odd = fc.constantFrom('\ufeff', '\ufeff\ufeff', '\ufffd', '\ud800', '\udc00', '\ud83d', '😀', 'é', '日本', '//', '#', ' ', 'a', 'A', '1', '\n', "'s");
    fc.assert(
      fc.property(fc.array(odd, { maxLength: 12 }), (parts) => {
        const text = parts.join('');
        expect(countO200kTokens(text)).toBe(reference(text));
        for (const piece of referencePieces(text)) expect(utf8PieceCount(piece), JSON.stringify(piece)).toBe(reference(piece));
      }),
      { numRuns: 3000 },
    );
    for (const text of ['\ufeff', '\ufeff//', '\ufeff#', ' \ufeff\ufeff', '\ufeffabc', 'x\ufeff//y', '\ud800abc', '\ufffd\ufffd']) {
      expect(countO200kTokens(text), JSON.stringify(text)).toBe(reference(text));
    }
  });
});
