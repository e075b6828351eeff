import { describe, expect, it } from 'vitest';
import { RecentTexts } from '../../src/evidence/trace/conventions/recent-texts.js';

describe('RecentTexts', () => {
  it('reads each text once while it is among the most recent, and again once it was let go', () => {
    const reads: string[] = [];
    const read = (text: string) => {
      reads.push(text);
      return { parsed: text.toUpperCase() };
    };
    const recent = new RecentTexts<{ parsed: string }>(2);
    const first = recent.get('a'.repeat(5000), read);
    // An equal text that is a different string object is found: the lookup compares content.
    expect(recent.get(`${'a'.repeat(4999)}a`, read)).toBe(first);
    recent.get('b', read);
    // Used again, so 'b' is now the oldest and goes when 'c' comes.
    recent.get('a'.repeat(5000), read);
    recent.get('c', read);
    recent.get('a'.repeat(5000), read);
    recent.get('b', read);
    expect(reads.map((text) => text.slice(0, 3))).toEqual(['aaa', 'b', 'c', 'b']);
  });

  it('remembers an undefined reading too', () => {
    let reads = 0;
    const recent = new RecentTexts<undefined>(4);
    for (let call = 0; call < 3; call++) {
      recent.get('[]', () => {
        reads++;
        return undefined;
      });
    }
    expect(reads).toBe(1);
  });
});
