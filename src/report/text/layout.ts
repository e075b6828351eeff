import { wrap } from './wrap.js';

/**
 * A labelled field in a fixed label column, its text wrapped under itself:
 *
 *     measured    runs rebuilding context from the transcript: 77.5%
 *                 (95% CI 62.5–87.7%, n = 40)
 */
export function labelledField(label: string, text: string, width: number, options: { indent: number; labelWidth: number }): string[] {
  const pad = ' '.repeat(options.indent);
  const labelColumn = label.length + 1 > options.labelWidth ? label.length + 1 : options.labelWidth;
  // On narrow terminals a wide label column would leave no room for the text: put the text below.
  if (width - options.indent - labelColumn < 20) {
    return [`${pad}${label}`, ...wrap(text, width, { firstPrefix: `${pad}  ` })];
  }
  return wrap(text, width, { firstPrefix: `${pad}${label.padEnd(labelColumn)}`, restPrefix: ' '.repeat(options.indent + labelColumn) });
}
