/** What reporters share: labels, ordering, value formatting, policy and stamp lines. */
export * from './evidence-trail.js';
export * from './labels.js';
export * from './order.js';
export * from './policy.js';
export * from './values.js';
export * from './credit.js';
export * from './bands.js';
export * from './summary.js';
export * from './rates.js';
