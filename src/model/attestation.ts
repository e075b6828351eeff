export const ANSWERS = ['yes', 'no', 'partial', 'not-applicable'] as const;
export type Answer = (typeof ANSWERS)[number];

/** A person's answer to one check's question, from the answers file. */
export interface Attestation {
  readonly checkId: string;
  readonly answer: Answer;
  readonly note?: string;
  /** Who answered: a name or an email. */
  readonly by: string;
  /** When the answer was given (ISO date). */
  readonly at: string;
  /** When it stops counting (ISO date); absent means the policy's validity period after `at`. */
  readonly expires?: string;
  /** Where the answer sits in the answers file, for references. */
  readonly file: string;
  readonly line?: number;
}
