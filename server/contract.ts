/**
 * The HTTP contract as data: docs/openapi.yaml is the ONE source of the request and response schemas.
 * The server validates parameters and bodies against it (and, when asked, its own responses), and the
 * sync client is written against the same file.
 * @module
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { isIsoDateTime, type ValidationCode, type ValidationIssue } from '../sdk/model/validation.ts';

/** Location of the contract, resolved from this module (works from the repo and from `server/`). */
export const OPENAPI_URL = new URL('../docs/openapi.yaml', import.meta.url);

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

interface ParameterObject {
  name: string;
  in: 'query' | 'header' | 'path' | 'cookie';
  required?: boolean;
  schema?: JsonObject;
}

const ROOT_ID = 'openapi.json';

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep copy with local `#/...` references re-pointed at the contract document. */
function rebase(value: Json): Json {
  if (Array.isArray(value)) return value.map(rebase);
  if (isObject(value)) {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? ROOT_ID + v : rebase(v);
    }
    return out;
  }
  return value;
}

function ajvCode(e: ErrorObject): ValidationCode {
  switch (e.keyword) {
    case 'required':
      return 'required';
    case 'type':
      return 'invalid_type';
    case 'minLength':
    case 'minItems':
      return 'too_short';
    case 'maxLength':
      return 'too_long';
    case 'maxItems':
      return 'too_many';
    case 'enum':
    case 'const':
      return 'invalid_enum';
    case 'additionalProperties':
    case 'unevaluatedProperties':
      return 'unknown_field';
    case 'format':
      return e.params['format'] === 'date-time' ? 'invalid_date' : 'invalid_format';
    default:
      return 'invalid_format';
  }
}

/** Converts Ajv errors to contract issues (`path` dotted, prefixed by `prefix` when given). */
export function ajvIssues(errors: readonly ErrorObject[] | null | undefined, prefix = ''): ValidationIssue[] {
  const out: ValidationIssue[] = [];
  const seen = new Set<string>();
  for (const e of errors ?? []) {
    // `allOf`/`anyOf` wrappers repeat their members' errors; keep the concrete ones.
    if (e.keyword === 'allOf' || e.keyword === 'anyOf' || e.keyword === 'oneOf' || e.keyword === 'if') continue;
    const parts = e.instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
    if (e.keyword === 'required') parts.push(String(e.params['missingProperty']));
    if (e.keyword === 'additionalProperties') parts.push(String(e.params['additionalProperty']));
    let path = parts.join('.');
    if (prefix) path = path ? `${prefix}.${path}` : prefix;
    const code = ajvCode(e);
    const params: Record<string, string | number> = {};
    if (code === 'invalid_enum' && Array.isArray(e.params['allowedValues'])) params['allowed'] = (e.params['allowedValues'] as unknown[]).join('|');
    if (code === 'invalid_enum' && e.params['allowedValue'] !== undefined) params['allowed'] = String(e.params['allowedValue']);
    if (e.keyword === 'maxLength' || e.keyword === 'maxItems' || e.keyword === 'maximum') params['max'] = Number(e.params['limit']);
    if (e.keyword === 'minLength' || e.keyword === 'minItems' || e.keyword === 'minimum') params['min'] = Number(e.params['limit']);
    if (e.keyword === 'type') params['expected'] = String(e.params['type']);
    if (e.keyword === 'pattern') params['pattern'] = String(e.params['pattern']);
    const key = `${code}|${path}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const issue: ValidationIssue = { code, path, severity: code === 'unknown_field' ? 'error' : 'error' };
    if (Object.keys(params).length) issue.params = params;
    out.push(issue);
  }
  return out;
}

/** Compiled validators for one operation's parameters. */
export interface OperationValidators {
  query: ValidateFunction;
  headers: ValidateFunction;
  path: ValidateFunction;
}

/** The loaded contract with compiled validators. */
export class Contract {
  readonly doc: JsonObject;
  private readonly ajv: Ajv2020;
  private readonly coercing: Ajv2020;
  private readonly ops = new Map<string, OperationValidators>();
  private readonly schemaFns = new Map<string, ValidateFunction>();
  private readonly responseFns = new Map<string, ValidateFunction | null>();

  constructor(source: string = readFileSync(OPENAPI_URL, 'utf8')) {
    this.doc = parse(source) as JsonObject;
    const make = (coerceTypes: boolean): Ajv2020 => {
      const ajv = new Ajv2020({ strict: false, allErrors: true, coerceTypes, useDefaults: coerceTypes });
      ajv.addFormat('date-time', { type: 'string', validate: (s: string) => isIsoDateTime(s) });
      ajv.addSchema({ $id: ROOT_ID, components: rebase(this.doc['components'] ?? {}) } as object);
      return ajv;
    };
    this.ajv = make(false);
    this.coercing = make(true);
  }

  private components(kind: string): JsonObject {
    const c = this.doc['components'];
    const v = isObject(c) ? c[kind] : undefined;
    return isObject(v) ? v : {};
  }

  private deref<T extends Json>(v: Json | undefined): T | undefined {
    let cur = v;
    for (let i = 0; i < 10 && isObject(cur) && typeof cur['$ref'] === 'string'; i++) {
      const [, kind, name] = /^#\/components\/([^/]+)\/(.+)$/.exec(cur['$ref']) ?? [];
      if (!kind || !name) return undefined;
      cur = this.components(kind)[name];
    }
    return cur as T | undefined;
  }

  private operation(path: string, method: string): JsonObject {
    const paths = this.doc['paths'];
    const item = isObject(paths) ? paths[path] : undefined;
    const op = isObject(item) ? item[method.toLowerCase()] : undefined;
    if (!isObject(item) || !isObject(op)) throw new Error(`No operation ${method} ${path} in the contract`);
    return op;
  }

  /** Validators of an operation's parameters (query coerced from strings; headers by lower-case name). */
  validators(path: string, method: string): OperationValidators {
    const key = `${method} ${path}`;
    const hit = this.ops.get(key);
    if (hit) return hit;
    const paths = this.doc['paths'];
    const item = isObject(paths) ? paths[path] : undefined;
    const op = this.operation(path, method);
    const params: ParameterObject[] = [];
    for (const list of [isObject(item) ? item['parameters'] : undefined, op['parameters']]) {
      if (!Array.isArray(list)) continue;
      for (const p of list) {
        const param = this.deref<JsonObject>(p);
        if (param) params.push(param as unknown as ParameterObject);
      }
    }
    const build = (where: ParameterObject['in'], lower: boolean): JsonObject => {
      const properties: JsonObject = {};
      const required: string[] = [];
      for (const p of params.filter((x) => x.in === where)) {
        const name = lower ? p.name.toLowerCase() : p.name;
        properties[name] = rebase(p.schema ?? {});
        if (p.required) required.push(name);
      }
      return { type: 'object', properties, required };
    };
    const v: OperationValidators = {
      query: this.coercing.compile(build('query', false)),
      headers: this.ajv.compile(build('header', true)),
      path: this.ajv.compile(build('path', false)),
    };
    this.ops.set(key, v);
    return v;
  }

  /** Validates `value` against `components.schemas[name]`. */
  validateSchema(name: string, value: unknown, prefix = ''): ValidationIssue[] {
    let fn = this.schemaFns.get(name);
    if (!fn) {
      fn = this.ajv.getSchema(`${ROOT_ID}#/components/schemas/${name}`);
      if (!fn) throw new Error(`No schema ${name} in the contract`);
      this.schemaFns.set(name, fn);
    }
    return fn(value) ? [] : ajvIssues(fn.errors, prefix);
  }

  /** Property names declared by an object schema (following `allOf`). */
  propertiesOf(name: string): string[] {
    const out = new Set<string>();
    const walk = (s: Json | undefined): void => {
      const schema = this.deref<JsonObject>(s);
      if (!isObject(schema)) return;
      if (isObject(schema['properties'])) for (const k of Object.keys(schema['properties'])) out.add(k);
      if (Array.isArray(schema['allOf'])) for (const part of schema['allOf']) walk(part);
    };
    walk({ $ref: `#/components/schemas/${name}` });
    return [...out];
  }

  /**
   * Validates a response body against the contract (used by tests and `validateResponses`).
   * Returns the issues; an undocumented status is reported as an issue at the root.
   */
  validateResponse(path: string, method: string, status: number, body: unknown): ValidationIssue[] {
    const key = `${method} ${path} ${status}`;
    let fn = this.responseFns.get(key);
    if (fn === undefined) {
      const op = this.operation(path, method);
      const responses = isObject(op['responses']) ? op['responses'] : {};
      const res = this.deref<JsonObject>(responses[String(status)]);
      if (!res) return [{ code: 'invalid_enum', path: '', severity: 'error', params: { status } }];
      const content = isObject(res['content']) ? res['content'] : undefined;
      const json = content && isObject(content['application/json']) ? content['application/json'] : undefined;
      fn = json && json['schema'] !== undefined ? this.ajv.compile(rebase(json['schema']) as object) : null;
      this.responseFns.set(key, fn);
    }
    if (fn === null) return body === undefined || body === '' ? [] : [{ code: 'unknown_field', path: '', severity: 'error' }];
    return fn(body) ? [] : ajvIssues(fn.errors);
  }
}

let shared: Contract | undefined;
/** The contract loaded once per process. */
export function contract(): Contract {
  shared ??= new Contract();
  return shared;
}
