/**
 * Per-collection rules of the reference server: writable fields (from the contract), defaults, the shared
 * `sdk/model` validators, who may write, and what each role may see (restricted fields).
 * @module
 */
import type { Role } from '../sdk/model/types.ts';
import { validateAgency, validateRecord } from '../sdk/model/validate-record.ts';
import { validateOperation } from '../sdk/model/validate-operation.ts';
import type { ValidationIssue } from '../sdk/model/validation.ts';
import { canSeeRestricted, type Principal } from './auth.ts';
import { contract } from './contract.ts';
import type { Collection } from './store/types.ts';

/** A JSON object entity. */
export type Entity = Record<string, unknown>;

/** Meta fields the server manages. */
export const META = ['id', 'sourceAgency', 'createdAt', 'updatedAt', 'version'] as const;

/** Rules of one collection. */
export interface CollectionSpec {
  name: Collection;
  /** Contract schema of POST/PUT bodies. */
  inputSchema: string;
  /** Writable top-level fields (from the contract's `*Fields` schema). */
  fields: ReadonlySet<string>;
  /** Holds personal data: reads and writes are audited. */
  personal: boolean;
  defaults(body: Entity): Entity;
  validate(entity: Entity, now: Date): ValidationIssue[];
  /** Indexed status column. */
  status(entity: Entity): string | undefined;
  canCreate(p: Principal): boolean;
  /** May `p` change or delete an entity owned by `owner`? */
  canEdit(p: Principal, owner: string): boolean;
}

function ownerOrSupervisor(p: Principal, owner: string): boolean {
  if (p.role === 'viewer') return false;
  return p.role === 'supervisor' || p.role === 'admin' || p.agency === owner;
}

function specs(): Record<Collection, CollectionSpec> {
  const c = contract();
  return {
    records: {
      name: 'records',
      inputSchema: 'RecordInput',
      fields: new Set(c.propertiesOf('RecordFields')),
      personal: true,
      defaults: (b) => ({ ...b, findings: b['findings'] ?? [], status: b['status'] ?? 'active' }),
      validate: (e, now) => validateRecord(e, { now, requireMeta: true }),
      status: (e) => (typeof e['status'] === 'string' ? e['status'] : undefined),
      canCreate: (p) => p.role !== 'viewer',
      canEdit: ownerOrSupervisor,
    },
    operations: {
      name: 'operations',
      inputSchema: 'OperationInput',
      fields: new Set(c.propertiesOf('OperationFields')),
      personal: true,
      defaults: (b) => ({
        ...b,
        participatingAgencies: b['participatingAgencies'] ?? [],
        team: b['team'] ?? [],
        recordIds: b['recordIds'] ?? [],
      }),
      validate: (e) => validateOperation(e, { requireMeta: true }),
      status: (e) => (typeof e['status'] === 'string' ? e['status'] : undefined),
      canCreate: (p) => p.role !== 'viewer',
      canEdit: ownerOrSupervisor,
    },
    agencies: {
      name: 'agencies',
      inputSchema: 'AgencyInput',
      fields: new Set(c.propertiesOf('AgencyFields')),
      personal: false,
      defaults: (b) => b,
      validate: (e, now) => validateAgency(e, { now, requireMeta: true }),
      status: () => undefined,
      canCreate: (p) => p.role === 'admin',
      canEdit: (p) => p.role === 'admin',
    },
  };
}

let cached: Record<Collection, CollectionSpec> | undefined;
/** The collection rules. */
export function collectionSpec(name: Collection): CollectionSpec {
  cached ??= specs();
  return cached[name];
}

/** The entity as `role` may see it: restricted record fields removed for roles without access. */
export function viewFor(collection: Collection, entity: Entity, role: Role): Entity {
  if (collection !== 'records' || canSeeRestricted(role)) return entity;
  const findings = entity['findings'];
  const hidden = Array.isArray(findings) && findings.some(isRestrictedFinding);
  // Nothing to hide: the entity itself (callers may then send its stored JSON text as it is).
  if (!hidden && !('restrictedNotes' in entity)) return entity;
  const out: Entity = { ...entity };
  delete out['restrictedNotes'];
  if (hidden) out['findings'] = (findings as unknown[]).filter((f) => !isRestrictedFinding(f));
  return out;
}

function isRestrictedFinding(f: unknown): boolean {
  return typeof f === 'object' && f !== null && (f as Entity)['restricted'] === true;
}

/**
 * Restricted content sent by a role that may not write it: issues (empty when none).
 * `storedRestrictedIds` are the ids of restricted findings already stored (a caller may not address them).
 */
export function restrictedWrites(body: Entity, storedRestrictedIds: ReadonlySet<string>): ValidationIssue[] {
  const out: ValidationIssue[] = [];
  if ('restrictedNotes' in body) out.push({ code: 'unknown_field', path: 'restrictedNotes', severity: 'error', params: { reason: 'restricted' } });
  const findings = body['findings'];
  if (Array.isArray(findings)) {
    findings.forEach((f: unknown, i) => {
      if (typeof f !== 'object' || f === null) return;
      const finding = f as Entity;
      if (finding['restricted'] === true || (typeof finding['id'] === 'string' && storedRestrictedIds.has(finding['id']))) {
        out.push({ code: 'unknown_field', path: `findings.${i}.restricted`, severity: 'error', params: { reason: 'restricted' } });
      }
    });
  }
  return out;
}

/** Restricted findings of a stored record. */
export function restrictedFindings(entity: Entity): Entity[] {
  const f = entity['findings'];
  return Array.isArray(f) ? (f as unknown[]).filter((x): x is Entity => typeof x === 'object' && x !== null && (x as Entity)['restricted'] === true) : [];
}

/** Top-level fields of an entity that hold data (meta excluded). */
export function dataFields(entity: Entity): string[] {
  return Object.keys(entity).filter((k) => !(META as readonly string[]).includes(k)).sort();
}

/** Top-level fields whose value differs between two versions (meta excluded). Names only. */
export function changedFields(before: Entity, after: Entity): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  const out: string[] = [];
  for (const k of keys) {
    if ((META as readonly string[]).includes(k)) continue;
    if (JSON.stringify(before[k]) !== JSON.stringify(after[k])) out.push(k);
  }
  return out.sort();
}
