import type { Prompter } from '../../src/cli/prompter.js';

/**
 * Answers prompts from a script, in order, and fails loudly on a question it did not expect —
 * so a walk-through that asks the wrong thing, or too much, fails its test.
 */
export function scriptedPrompter(script: readonly (string | boolean)[]): Prompter & { readonly asked: string[]; readonly said: string[]; readonly choicesSeen: string[][] } {
  const queue = [...script];
  const asked: string[] = [];
  const said: string[] = [];
  const choicesSeen: string[][] = [];
  const next = (message: string): string | boolean => {
    asked.push(message);
    if (queue.length === 0) throw new Error(`unexpected prompt: ${message}`);
    return queue.shift()!;
  };
  return {
    asked,
    said,
    choicesSeen,
    select: (message, choices) => {
      choicesSeen.push(choices.map((c) => c.value));
      const answer = String(next(message));
      if (!choices.some((c) => c.value === answer)) throw new Error(`"${answer}" is not a choice of "${message}": ${choices.map((c) => c.value).join(', ')}`);
      return Promise.resolve(answer as never);
    },
    input: (message) => Promise.resolve(String(next(message))),
    confirm: (message) => Promise.resolve(Boolean(next(message))),
    say: (text) => {
      said.push(text);
    },
  };
}
