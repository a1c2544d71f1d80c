/**
 * Registers every Timpora element (`<timpora-provider>`, `<timpora-mrz-scanner>`,
 * `<timpora-foreigner-form>`, `<timpora-operation-calendar>`, `<timpora-sync-status>`).
 * Importing it twice, or next to another copy of the kit, is harmless: each tag is defined once.
 * @packageDocumentation
 */
export * from './index.ts';
import '../components/provider/define.ts';
import '../components/mrz-scanner/define.ts';
import '../components/foreigner-form/define.ts';
import '../components/operation-calendar/define.ts';
import '../components/sync-status/define.ts';
