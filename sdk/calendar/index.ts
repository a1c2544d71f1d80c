/**
 * `sdk/calendar`: time zones (WIB/WITA/WIT through `Intl`), RFC 5545 recurrence, conflict rules and
 * iCalendar import/export for operations. Pure: no DOM.
 * @module
 */
export * from './zones.ts';
export * from './rrule.ts';
export {
  expandOperation,
  expandOperations,
  ruleStarts,
  type Occurrence,
  type ExpandOptions,
} from './recurrence.ts';
export * from './conflicts.ts';
export * from './ics.ts';
