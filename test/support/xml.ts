import { XMLValidator } from 'fast-xml-parser';

/** True, or the validator's error (so a failing assertion shows where the XML breaks). */
export function wellFormedXml(xml: string): true | object {
  // eslint-disable-next-line @typescript-eslint/no-deprecated -- its successor (fast-xml-validator) is not a dependency; this one still validates
  return XMLValidator.validate(xml);
}
