/** The four areas production readiness comes down to, in report order. */
export const AREAS = ['architecture', 'memory-context', 'failure-handling', 'human-oversight'] as const;
export type Area = (typeof AREAS)[number];

export const AREA_TITLES: Readonly<Record<Area, string>> = {
  architecture: 'Architecture',
  'memory-context': 'Memory & context',
  'failure-handling': 'Failure handling',
  'human-oversight': 'Human oversight',
};

/** Most severe first. Weights live in scoring; the model only names the levels. */
export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Severity = (typeof SEVERITIES)[number];
