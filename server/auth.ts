/**
 * Bearer-token authentication (JWT, HS256, verified with `jose`: signature, expiry, audience) and the
 * per-address limiter of authentication failures.
 * @module
 */
import { SignJWT, jwtVerify } from 'jose';
import type { AgencyId, Role } from '../sdk/model/types.ts';
import { ApiError } from './errors.ts';

/** Roles of the contract. */
export const ROLES: readonly Role[] = ['officer', 'supervisor', 'intelligence', 'viewer', 'admin'];

/** Who is calling, from verified token claims. */
export interface Principal {
  /** `sub` claim: the user. */
  userId: string;
  agency: AgencyId;
  role: Role;
}

/** Roles that may read (and write) restricted fields. */
export function canSeeRestricted(role: Role): boolean {
  return role === 'intelligence' || role === 'supervisor' || role === 'admin';
}

/** True when `s` contains a C0 control character or DEL (NUL included). */
export function hasControlChars(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

const AGENCY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;

/** Verifies tokens and issues dev tokens with one secret and audience. */
export class TokenService {
  private readonly key: Uint8Array;
  private readonly cache = new Map<string, { principal: Principal; exp: number }>();

  constructor(
    secret: string,
    readonly audience: string,
    private readonly now: () => number = Date.now,
  ) {
    if (secret.length < 16) throw new Error('JWT secret must have at least 16 characters');
    this.key = new TextEncoder().encode(secret);
  }

  /** Issues a token (dev sign-in and tests). `ttlSeconds` may be negative to mint an expired token in tests. */
  async issue(principal: Principal, ttlSeconds = 3600, audience = this.audience): Promise<string> {
    const iat = Math.floor(this.now() / 1000);
    return new SignJWT({ agency: principal.agency, role: principal.role })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(principal.userId)
      .setAudience(audience)
      .setIssuedAt(iat)
      .setExpirationTime(iat + ttlSeconds)
      .sign(this.key);
  }

  /** Verifies an `Authorization` header value; throws `401 unauthorized`. */
  async verify(header: string | undefined): Promise<Principal> {
    if (!header) throw unauthorized('Missing bearer token.');
    const m = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/.exec(header);
    if (!m || !m[1]) throw unauthorized('Malformed Authorization header.');
    const token = m[1];
    const nowSec = this.now() / 1000;
    const hit = this.cache.get(token);
    if (hit) {
      if (hit.exp > nowSec) return hit.principal;
      this.cache.delete(token);
      throw unauthorized('Token expired.');
    }
    let payload;
    try {
      ({ payload } = await jwtVerify(token, this.key, {
        algorithms: ['HS256'],
        audience: this.audience,
        requiredClaims: ['sub', 'exp', 'aud'],
        currentDate: new Date(this.now()),
      }));
    } catch {
      throw unauthorized('Invalid or expired token.');
    }
    const { sub, agency, role, exp } = payload as { sub?: unknown; agency?: unknown; role?: unknown; exp?: unknown };
    if (typeof sub !== 'string' || sub.length === 0 || sub.length > 200 || hasControlChars(sub)) throw unauthorized('Token has no valid subject.');
    if (typeof agency !== 'string' || !AGENCY_PATTERN.test(agency)) throw unauthorized('Token has no valid agency.');
    if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) throw unauthorized('Token has no valid role.');
    if (typeof exp !== 'number') throw unauthorized('Token has no expiry.');
    const principal: Principal = { userId: sub, agency, role: role as Role };
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(token, { principal, exp });
    return principal;
  }
}

function unauthorized(message: string): ApiError {
  return new ApiError(401, 'unauthorized', message, { headers: { 'www-authenticate': 'Bearer' } });
}

/** Counts authentication failures per client address in a fixed window. */
export class AuthFailureLimiter {
  private readonly hits = new Map<string, { count: number; resetAt: number }>();

  constructor(
    readonly maxFailures: number,
    readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Throws `429 rate_limited` while `address` is over the limit. */
  check(address: string): void {
    const h = this.hits.get(address);
    if (!h) return;
    const t = this.now();
    if (h.resetAt <= t) {
      this.hits.delete(address);
      return;
    }
    if (h.count >= this.maxFailures) {
      const retry = Math.max(1, Math.ceil((h.resetAt - t) / 1000));
      throw new ApiError(429, 'rate_limited', 'Too many failed sign-ins; try again later.', { headers: { 'retry-after': String(retry) } });
    }
  }

  /** Records one failure. */
  fail(address: string): void {
    const t = this.now();
    const h = this.hits.get(address);
    if (!h || h.resetAt <= t) {
      if (this.hits.size > 100_000) this.hits.clear();
      this.hits.set(address, { count: 1, resetAt: t + this.windowMs });
    } else {
      h.count++;
    }
  }
}
