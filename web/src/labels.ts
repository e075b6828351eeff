import type { Area } from '../../src/model/index.js';

/** The report's names and colours (src/report/html/styles.ts), so the UI and the HTML report read alike. */
export const AREA_NAMES: Readonly<Record<Area, string>> = {
  architecture: 'Architecture',
  'memory-context': 'Memory & context',
  'failure-handling': 'Failure handling',
  'human-oversight': 'Human oversight',
};

export const BAND_COLORS = { red: '#cf222e', yellow: '#e3b341', green: '#1a7f37' } as const;

export const ANSWER_NAMES: Readonly<Record<string, string>> = { yes: 'Yes', partial: 'Partially', no: 'No', 'not-applicable': 'Not applicable' };
