/**
 * `sdk/model`: the Timpora domain types, runtime validation (codes, not prose), field rules and factories.
 * Pure: no DOM, usable from Node (server, CLI, benchmarks) and the browser.
 * @module
 */
export type * from './types.ts';
export * from './validation.ts';
export * from './rules.ts';
export * from './validate-record.ts';
export * from './factory.ts';
export * from './countries.ts';
export * from './validate-operation.ts';
