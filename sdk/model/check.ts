/**
 * Internal building blocks for the validators: a small checker that walks `unknown` input and collects
 * {@link ValidationIssue}s. Exported for other validators in `sdk/model` (e.g. operations), not re-exported
 * from the package entry.
 * @module
 */
import { LIMITS, ID_PATTERN } from './rules.ts';
import {
  codePointLength,
  isIsoDate,
  isIsoDateTime,
  isPlainObject,
  issue,
  type ValidationCode,
  type ValidationIssue,
  type ValidationSeverity,
} from './validation.ts';

/** Collects issues while reading fields of an unknown object. */
export class Checker {
  readonly issues: ValidationIssue[] = [];
  constructor(readonly partial: boolean) {}

  add(code: ValidationCode, path: string, severity: ValidationSeverity = 'error', params?: Record<string, string | number>): void {
    this.issues.push(issue(code, path, severity, params));
  }

  /** Reads `obj[key]`; reports `required` when absent (unless partial or optional). Returns undefined when absent. */
  private present(obj: Record<string, unknown>, key: string, path: string, required: boolean): unknown {
    const v = obj[key];
    if (v === undefined || v === null) {
      if (required && !this.partial) this.add('required', path);
      return undefined;
    }
    return v;
  }

  /** A string field; `required` also rejects empty / whitespace-only strings. */
  string(
    obj: Record<string, unknown>,
    key: string,
    path: string,
    opts: { required?: boolean; max?: number; min?: number; pattern?: RegExp; patternCode?: ValidationCode; patternName?: string; allowEmpty?: boolean } = {},
  ): string | undefined {
    const v = this.present(obj, key, path, opts.required ?? false);
    if (v === undefined) return undefined;
    if (typeof v !== 'string') {
      this.add('invalid_type', path, 'error', { expected: 'string' });
      return undefined;
    }
    if (v.trim() === '') {
      if (opts.required && !opts.allowEmpty) {
        this.add('required', path);
        return undefined;
      }
      if (!opts.allowEmpty) return undefined;
      return v;
    }
    const len = codePointLength(v);
    if (opts.max !== undefined && len > opts.max) this.add('too_long', path, 'error', { max: opts.max, length: len });
    if (opts.min !== undefined && len < opts.min) this.add('too_short', path, 'error', { min: opts.min, length: len });
    if (opts.pattern && !opts.pattern.test(v)) {
      this.add(opts.patternCode ?? 'invalid_format', path, 'error', opts.patternName ? { pattern: opts.patternName } : undefined);
    }
    return v;
  }

  /** An identifier (see {@link ID_PATTERN}). */
  id(obj: Record<string, unknown>, key: string, path: string, required: boolean): string | undefined {
    const v = this.string(obj, key, path, { required, max: LIMITS.id });
    if (v !== undefined && !ID_PATTERN.test(v)) this.add('invalid_id', path);
    return v;
  }

  /** One of `allowed`. */
  enumValue<T extends string>(obj: Record<string, unknown>, key: string, path: string, allowed: readonly T[], required: boolean): T | undefined {
    const v = this.present(obj, key, path, required);
    if (v === undefined) return undefined;
    if (typeof v !== 'string') {
      this.add('invalid_type', path, 'error', { expected: 'string' });
      return undefined;
    }
    if (v === '' && required) {
      this.add('required', path);
      return undefined;
    }
    if (!(allowed as readonly string[]).includes(v)) {
      this.add('invalid_enum', path, 'error', { allowed: allowed.join('|') });
      return undefined;
    }
    return v as T;
  }

  /** A calendar date `YYYY-MM-DD` that exists. */
  date(obj: Record<string, unknown>, key: string, path: string, required: boolean): string | undefined {
    const v = this.present(obj, key, path, required);
    if (v === undefined) return undefined;
    if (typeof v !== 'string') {
      this.add('invalid_type', path, 'error', { expected: 'string' });
      return undefined;
    }
    if (v === '') {
      if (required) this.add('required', path);
      return undefined;
    }
    if (!isIsoDate(v)) {
      this.add('invalid_date', path);
      return undefined;
    }
    return v;
  }

  /** An instant with offset. */
  dateTime(obj: Record<string, unknown>, key: string, path: string, required: boolean): string | undefined {
    const v = this.present(obj, key, path, required);
    if (v === undefined) return undefined;
    if (typeof v !== 'string') {
      this.add('invalid_type', path, 'error', { expected: 'string' });
      return undefined;
    }
    if (!isIsoDateTime(v)) {
      this.add('invalid_date', path);
      return undefined;
    }
    return v;
  }

  /** A nested object; reports `invalid_type` for non-objects. */
  object(obj: Record<string, unknown>, key: string, path: string, required: boolean): Record<string, unknown> | undefined {
    const v = this.present(obj, key, path, required);
    if (v === undefined) return undefined;
    if (!isPlainObject(v)) {
      this.add('invalid_type', path, 'error', { expected: 'object' });
      return undefined;
    }
    return v;
  }

  /** An array; reports `invalid_type` and `too_many`. */
  array(obj: Record<string, unknown>, key: string, path: string, required: boolean, max: number): unknown[] | undefined {
    const v = this.present(obj, key, path, required);
    if (v === undefined) return undefined;
    if (!Array.isArray(v)) {
      this.add('invalid_type', path, 'error', { expected: 'array' });
      return undefined;
    }
    if (v.length > max) this.add('too_many', path, 'error', { max, length: v.length });
    return v;
  }

  boolean(obj: Record<string, unknown>, key: string, path: string): boolean | undefined {
    const v = obj[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'boolean') {
      this.add('invalid_type', path, 'error', { expected: 'boolean' });
      return undefined;
    }
    return v;
  }

  /** Reports properties not in `known` as `unknown_field` warnings. */
  unknownFields(obj: Record<string, unknown>, known: readonly string[], path: string): void {
    for (const k of Object.keys(obj)) {
      if (!known.includes(k)) this.add('unknown_field', path ? `${path}.${k}` : k, 'warning');
    }
  }

  /** Entity meta fields (`id`, `sourceAgency`, `createdAt`, `updatedAt`, `version`). */
  meta(obj: Record<string, unknown>, requireMeta: boolean): void {
    const req = requireMeta;
    this.id(obj, 'id', 'id', req);
    this.id(obj, 'sourceAgency', 'sourceAgency', req);
    const created = this.dateTime(obj, 'createdAt', 'createdAt', req);
    const updated = this.dateTime(obj, 'updatedAt', 'updatedAt', req);
    if (created && updated && Date.parse(updated) < Date.parse(created)) {
      this.add('date_order', 'updatedAt', 'error', { after: 'createdAt' });
    }
    const v = obj['version'];
    if (v === undefined || v === null) {
      if (req && !this.partial) this.add('required', 'version');
    } else if (typeof v !== 'number') {
      this.add('invalid_type', 'version', 'error', { expected: 'number' });
    } else if (!Number.isSafeInteger(v) || v < 0) {
      this.add('invalid_version', 'version');
    }
  }
}

/** Meta field names every entity carries. */
export const META_FIELDS = ['id', 'sourceAgency', 'createdAt', 'updatedAt', 'version'] as const;
