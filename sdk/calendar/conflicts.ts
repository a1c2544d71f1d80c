/**
 * Conflict rules between operations: the same team member booked twice, the same agency team booked twice,
 * the same place double-booked. Conflicts are warnings (an officer may still save), computed on occurrences
 * so recurring series are checked slot by slot.
 * @module
 */
import type { Operation, OperationLocation } from '../model/types.ts';
import { expandOperation, expandOperations, type Occurrence } from './recurrence.ts';

/** Stable codes of conflict warnings. */
export type ConflictCode = 'member_double_booked' | 'team_double_booked' | 'location_double_booked';

/** One conflict between two occurrences. */
export interface Conflict {
  /** What is double-booked: a team member, an agency's team, or a place. */
  code: ConflictCode;
  /** Occurrence keys (see {@link Occurrence.key}) of the two sides; `a` is the checked one when checking a draft. */
  a: string;
  /** Occurrence key of the other side. */
  b: string;
  /** Operation ids of the two sides. */
  operationA: string;
  /** Operation id of side `b`. */
  operationB: string;
  /** Overlap as instants (epoch ms). */
  fromMs: number;
  /** End of the overlap (epoch ms, exclusive). */
  toMs: number;
  /** Team member ids booked twice (member conflicts), agency id (team conflicts), or the place key. */
  subject: string;
}

/** Lower-cased, accent- and space-folded place name plus the most precise region code: the place identity. */
export function locationKey(location: OperationLocation | undefined): string | undefined {
  if (!location) return undefined;
  const name = location.name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
  if (!name) return undefined;
  const r = location.region;
  const region = r ? (r.village ?? r.district ?? r.regency ?? r.province ?? '') : '';
  return `${region}|${name}`;
}

const active = (o: Occurrence): boolean => o.status !== 'cancelled';

const signatures = new WeakMap<Operation, Map<string, string>>();
const memberSets = new WeakMap<Operation, Set<string>>();
const locationKeys = new WeakMap<OperationLocation, string | undefined>();

function cachedLocationKey(l: OperationLocation): string | undefined {
  if (locationKeys.has(l)) return locationKeys.get(l);
  const k = locationKey(l);
  locationKeys.set(l, k);
  return k;
}

function memberSet(op: Operation): Set<string> {
  let s = memberSets.get(op);
  if (!s) {
    s = new Set(op.team.map((m) => m.id));
    memberSets.set(op, s);
  }
  return s;
}

function teamSignature(op: Operation): Map<string, string> {
  const hit = signatures.get(op);
  if (hit) return hit;
  const sig = computeTeamSignature(op);
  signatures.set(op, sig);
  return sig;
}

function computeTeamSignature(op: Operation): Map<string, string> {
  // agency -> sorted member ids of that agency in this operation
  const byAgency = new Map<string, string[]>();
  for (const m of op.team) {
    const list = byAgency.get(m.agencyId);
    if (list) list.push(m.id);
    else byAgency.set(m.agencyId, [m.id]);
  }
  const out = new Map<string, string>();
  for (const [agency, ids] of byAgency) if (ids.length > 1) out.set(agency, ids.sort().join(','));
  return out;
}

function compare(x: Occurrence, y: Occurrence, out: Conflict[]): void {
  if (x.operation.id === y.operation.id && x.key === y.key) return;
  const fromMs = Math.max(x.startMs, y.startMs);
  const toMs = Math.min(x.endMs, y.endMs);
  if (!(fromMs < toMs)) return;
  const base = { a: x.key, b: y.key, operationA: x.operation.id, operationB: y.operation.id, fromMs, toMs };
  const xs = teamSignature(x.operation);
  const ys = teamSignature(y.operation);
  const teamAgencies = new Set<string>();
  for (const [agency, sig] of xs) {
    if (ys.get(agency) === sig) {
      teamAgencies.add(agency);
      out.push({ ...base, code: 'team_double_booked', subject: agency });
    }
  }
  const yMembers = memberSet(y.operation);
  if (yMembers.size) for (const m of x.operation.team) {
    if (teamAgencies.has(m.agencyId)) continue; // already reported as the whole team
    if (yMembers.has(m.id)) out.push({ ...base, code: 'member_double_booked', subject: m.id });
  }
  const lx = cachedLocationKey(x.location);
  if (lx !== undefined && lx === cachedLocationKey(y.location)) out.push({ ...base, code: 'location_double_booked', subject: lx });
}

/**
 * All conflicts among `ops` within `[fromMs, toMs)`. Cancelled occurrences never conflict. Each pair is
 * reported once per code and subject. Runs a sweep over sorted occurrences (O(n log n + overlaps)).
 */
export function findConflicts(ops: readonly Operation[], fromMs: number, toMs: number): Conflict[] {
  return conflictsAmong(expandOperations(ops, fromMs, toMs).filter(active));
}

interface Keys {
  /** `[index key, agency]` of teams of two or more members of one agency. */
  teams: [string, string][];
  /** `[index key, memberId, agencyId]`. */
  members: [string, string, string][];
  location: string | undefined;
  /** Index key of the location. */
  locationIndex: string | undefined;
}
const keyCache = new WeakMap<Operation, Keys>();

function keysOf(occ: Occurrence): Keys {
  const op = occ.operation;
  let k = keyCache.get(op);
  if (!k) {
    const location = cachedLocationKey(op.location);
    k = {
      teams: [...teamSignature(op)].map(([agency, sig]) => [`t|${agency}|${sig}`, agency]),
      members: op.team.map((m) => [`m|${m.id}`, m.id, m.agencyId]),
      location,
      locationIndex: location === undefined ? undefined : `l|${location}`,
    };
    keyCache.set(op, k);
  }
  if (occ.location === op.location) return k;
  const location = cachedLocationKey(occ.location);
  return { ...k, location, locationIndex: location === undefined ? undefined : `l|${location}` };
}

/**
 * Conflicts among already expanded occurrences (sorted by start). Indexed by person, team and place, so the
 * cost grows with the number of shared bookings, not with how many operations run at the same time.
 */
export function conflictsAmong(occurrences: readonly Occurrence[]): Conflict[] {
  const out: Conflict[] = [];
  const open = new Map<string, Occurrence[]>();
  const live = (key: string, at: number): Occurrence[] => {
    let list = open.get(key);
    if (!list) {
      list = [];
      open.set(key, list);
      return list;
    }
    let w = 0;
    for (const o of list) if (o.endMs > at) list[w++] = o;
    list.length = w;
    return list;
  };
  const push = (code: ConflictCode, x: Occurrence, y: Occurrence, subject: string): void => {
    out.push({
      code,
      a: x.key,
      b: y.key,
      operationA: x.operation.id,
      operationB: y.operation.id,
      fromMs: Math.max(x.startMs, y.startMs),
      toMs: Math.min(x.endMs, y.endMs),
      subject,
    });
  };
  for (const occ of occurrences) {
    if (!active(occ) || !(occ.endMs > occ.startMs)) continue;
    const k = keysOf(occ);
    const at = occ.startMs;
    let teamHits: Set<string> | undefined; // `${otherKey}|${agency}` reported as whole teams
    for (const [index, agency] of k.teams) {
      const list = live(index, at);
      for (const other of list) {
        if (other.key === occ.key) continue;
        push('team_double_booked', other, occ, agency);
        (teamHits ??= new Set()).add(`${other.key}|${agency}`);
      }
      list.push(occ);
    }
    for (const [index, member, agency] of k.members) {
      const list = live(index, at);
      for (const other of list) {
        if (other.key === occ.key) continue;
        if (teamHits?.has(`${other.key}|${agency}`)) continue;
        push('member_double_booked', other, occ, member);
      }
      list.push(occ);
    }
    if (k.location !== undefined && k.locationIndex !== undefined) {
      const list = live(k.locationIndex, at);
      for (const other of list) if (other.key !== occ.key) push('location_double_booked', other, occ, k.location);
      list.push(occ);
    }
  }
  return out;
}

/**
 * Conflicts of one draft operation (new or edited) with the others, for warnings before saving. Any stored
 * version of the draft (same id) is ignored. `horizonMs` bounds how far a recurring draft is checked
 * (default 366 days after its first start).
 */
export function conflictsForDraft(
  draft: Operation,
  others: readonly Operation[],
  horizonMs = 366 * 86_400_000,
): Conflict[] {
  const mine = expandOperation(draft, -8.64e15, firstStart(draft) + horizonMs).filter(active);
  if (mine.length === 0) return [];
  const from = mine[0]!.startMs;
  const to = Math.max(...mine.map((m) => m.endMs));
  const theirs = expandOperations(
    others.filter((o) => o.id !== draft.id),
    from,
    to,
  ).filter(active);
  const out: Conflict[] = [];
  for (const m of mine) {
    for (let j = 0; j < theirs.length && theirs[j]!.startMs < m.endMs; j++) {
      if (theirs[j]!.endMs > m.startMs) compare(m, theirs[j]!, out);
    }
  }
  return out;
}

function firstStart(op: Operation): number {
  const list = expandOperation(op, -8.64e15, 8.64e15, { maxIterations: 1 });
  return list[0]?.startMs ?? 0;
}
