/**
 * What was read from a few recent texts, looked up by the text itself. Traces repeat long texts on
 * every call of an agent (system instructions, tool definitions), and reading one again costs a
 * JSON parse. The lookup compares strings, newest first, instead of hashing them: hashing reads
 * the whole text, which costs about as much as parsing it, while a comparison stops at a length
 * mismatch or the first differing byte, and an equal text is a memory compare.
 */
export class RecentTexts<T> {
  private readonly entries: { readonly text: string; readonly value: T }[] = [];

  constructor(private readonly capacity: number) {}

  /** The value read from `text`: remembered, or read now with `read` and remembered. */
  get(text: string, read: (text: string) => T): T {
    const entries = this.entries;
    for (let index = 0; index < entries.length; index++) {
      const entry = entries[index] as (typeof entries)[number];
      if (entry.text !== text) continue;
      if (index > 0) {
        entries.splice(index, 1);
        entries.unshift(entry);
      }
      return entry.value;
    }
    const value = read(text);
    if (entries.length >= this.capacity) entries.pop();
    entries.unshift({ text, value });
    return value;
  }
}
