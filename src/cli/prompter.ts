/** Inquirer is loaded at the first question, not when the CLI starts: most commands ask none. */
const loadInquirer = () => import('@inquirer/prompts');

/** The few questions the interactive commands ask; tests answer them from a script. */
export interface Prompter {
  select<T extends string>(message: string, choices: readonly { value: T; name: string; description?: string }[], defaultValue?: T): Promise<T>;
  input(message: string, options?: { default?: string; required?: boolean }): Promise<string>;
  confirm(message: string, defaultValue: boolean): Promise<boolean>;
  /** Text shown between questions. */
  say(text: string): void;
}

export function inquirerPrompter(write: (text: string) => void): Prompter {
  return {
    select: async (message, choices, defaultValue) =>
      (await loadInquirer()).select({ message, choices: choices.map((c) => ({ ...c })), ...(defaultValue !== undefined && { default: defaultValue }) }),
    input: async (message, options = {}) =>
      (await loadInquirer()).input({ message, ...(options.default !== undefined && { default: options.default }), ...(options.required !== undefined && { required: options.required }) }),
    confirm: async (message, defaultValue) => (await loadInquirer()).confirm({ message, default: defaultValue }),
    say: (text) => {
      write(text + '\n');
    },
  };
}

/** Inquirer throws this when the user presses Ctrl-C. */
export function isPromptAbort(error: unknown): boolean {
  return error instanceof Error && error.name === 'ExitPromptError';
}
