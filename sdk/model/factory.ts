/**
 * Identifiers and factories for new entities.
 * @module
 */
import type { Agency, ForeignerRecord, Operation } from './types.ts';

/** New client-side identifier (UUID v4 from `crypto.randomUUID`). */
export function newId(): string {
  return crypto.randomUUID();
}

/** Fields a caller may leave out when creating a record: the client fills them (meta) or defaults them. */
export type NewRecordInput = Omit<ForeignerRecord, 'id' | 'sourceAgency' | 'createdAt' | 'updatedAt' | 'version' | 'findings' | 'status'> &
  Partial<Pick<ForeignerRecord, 'id' | 'sourceAgency' | 'createdAt' | 'updatedAt' | 'version' | 'findings' | 'status'>>;

/**
 * Builds a complete {@link ForeignerRecord} from the fields a person entered: a new `id` when absent,
 * `findings: []`, `status: 'active'`, timestamps `now`, `version: 0` (the store bumps it to 1 on the first write).
 * Does not validate; pass the result to `validateRecord`.
 */
export function createRecord(input: NewRecordInput, options: { sourceAgency?: string; now?: Date } = {}): ForeignerRecord {
  const at = (options.now ?? new Date()).toISOString();
  return {
    ...input,
    id: input.id ?? newId(),
    sourceAgency: input.sourceAgency ?? options.sourceAgency ?? '',
    createdAt: input.createdAt ?? at,
    updatedAt: input.updatedAt ?? at,
    version: input.version ?? 0,
    findings: input.findings ?? [],
    status: input.status ?? 'active',
  };
}

/** Input for {@link createOperation}: the meta fields are optional. */
export type NewOperationInput = Omit<Operation, 'id' | 'sourceAgency' | 'createdAt' | 'updatedAt' | 'version'> &
  Partial<Pick<Operation, 'id' | 'sourceAgency' | 'createdAt' | 'updatedAt' | 'version'>>;

/** Builds an {@link Operation} with meta fields filled (see {@link createRecord}). */
export function createOperation(input: NewOperationInput, options: { sourceAgency?: string; now?: Date } = {}): Operation {
  const at = (options.now ?? new Date()).toISOString();
  return {
    ...input,
    id: input.id ?? newId(),
    sourceAgency: input.sourceAgency ?? options.sourceAgency ?? input.leadAgency,
    createdAt: input.createdAt ?? at,
    updatedAt: input.updatedAt ?? at,
    version: input.version ?? 0,
  };
}

/** Input for {@link createAgency}. */
export type NewAgencyInput = Omit<Agency, 'sourceAgency' | 'createdAt' | 'updatedAt' | 'version'> &
  Partial<Pick<Agency, 'sourceAgency' | 'createdAt' | 'updatedAt' | 'version'>>;

/** Builds an {@link Agency} with meta fields filled (`sourceAgency` defaults to the agency's own id). */
export function createAgency(input: NewAgencyInput, options: { now?: Date } = {}): Agency {
  const at = (options.now ?? new Date()).toISOString();
  return {
    ...input,
    sourceAgency: input.sourceAgency ?? input.id,
    createdAt: input.createdAt ?? at,
    updatedAt: input.updatedAt ?? at,
    version: input.version ?? 0,
  };
}
