/** Verdict thresholds; the defaults are DESIGN.md's and the report always states which were used. */
export interface VerdictThresholds {
  /** Red when the overall score is below this. */
  readonly redOverallBelow: number;
  /** Red when any area score is below this. */
  readonly redAreaBelow: number;
  /** Green needs the overall score at least this … */
  readonly greenOverallAtLeast: number;
  /** … and every area score at least this. */
  readonly greenAreaAtLeast: number;
}

export interface DisabledCheck {
  readonly checkId: string;
  readonly justification: string;
}

export interface Policy {
  /** Factor applied to the credit of a measurable check that was only attested ("claimed, not shown"). */
  readonly attestationDiscount: number;
  /** An answer without an explicit expiry expires this many days after it was given. */
  readonly attestationValidityDays: number;
  readonly thresholds: VerdictThresholds;
  readonly disabled: readonly DisabledCheck[];
  /** Per-check options, by check id, already validated against each check's options schema. */
  readonly checkOptions: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

export const DEFAULT_THRESHOLDS: VerdictThresholds = {
  redOverallBelow: 50,
  redAreaBelow: 40,
  greenOverallAtLeast: 80,
  greenAreaAtLeast: 60,
};

export const DEFAULT_POLICY: Policy = {
  attestationDiscount: 0.5,
  attestationValidityDays: 180,
  thresholds: DEFAULT_THRESHOLDS,
  disabled: [],
  checkOptions: {},
};
