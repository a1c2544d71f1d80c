/**
 * Encryption at rest, keys: creation, persistence in the database's `meta` store (as `CryptoKey` objects,
 * which IndexedDB's structured clone keeps non-extractable), optional passphrase protection and lock state.
 *
 * - Device mode (default): two non-extractable keys (AES-GCM-256 and HMAC-SHA256) are generated once and
 *   stored as they are. `lock()` drops them from memory; `unlock()` loads them again.
 * - Passphrase mode: the keys are wrapped (AES-GCM) with a key derived from the passphrase by
 *   PBKDF2-SHA256 (at least 310,000 iterations, 16-byte random salt per database); only the wrapped bytes,
 *   salt and IVs are stored. The data keys are generated extractable for the moment it takes to wrap them,
 *   then only ever unwrapped as non-extractable keys. A wrong passphrase fails the wrap's authentication tag.
 * @module
 */
import { LockedError, WrongPassphraseError } from '../store/errors.ts';
import { subtle, type DataKeys } from './cipher.ts';

/** `meta` key under which the key record is kept. */
export const KEY_RECORD = 'security:keys';
/** Minimum PBKDF2 iteration count (OWASP 2023 recommendation for PBKDF2-HMAC-SHA256). */
export const MIN_PBKDF2_ITERATIONS = 310_000;

/** Stored key record (device mode). */
interface DeviceKeyRecord {
  v: 1;
  mode: 'device';
  enc: CryptoKey;
  mac: CryptoKey;
}

/** Stored key record (passphrase mode). */
interface PassphraseKeyRecord {
  v: 1;
  mode: 'passphrase';
  salt: Uint8Array<ArrayBuffer>;
  iterations: number;
  encIv: Uint8Array<ArrayBuffer>;
  encWrapped: ArrayBuffer;
  macIv: Uint8Array<ArrayBuffer>;
  macWrapped: ArrayBuffer;
}

type KeyRecord = DeviceKeyRecord | PassphraseKeyRecord;

/** Where key records live (the store's `meta`). */
export interface KeyVault {
  /** Reads a `meta` value. */
  getMeta<T>(key: string): Promise<T | undefined>;
  /** Writes a `meta` value only when the key is absent; resolves false when another writer was first. */
  addMeta(key: string, value: unknown): Promise<boolean>;
}

/** Options of {@link KeyManager}. */
export interface KeyManagerOptions {
  /** `device` (default): keys usable without a passphrase. `passphrase`: keys wrapped by a passphrase, starts locked. */
  mode?: 'device' | 'passphrase';
  /** PBKDF2 iterations for new passphrase-wrapped keys (at least {@link MIN_PBKDF2_ITERATIONS}). */
  iterations?: number;
}

const AES = { name: 'AES-GCM', length: 256 } as const;
const HMAC = { name: 'HMAC', hash: 'SHA-256', length: 256 } as const;

/** Holds the in-memory keys and the lock state. */
export class KeyManager {
  /** Device keys or passphrase-wrapped keys. */
  readonly mode: 'device' | 'passphrase';
  readonly #vault: KeyVault;
  readonly #iterations: number;
  #keys: DataKeys | null = null;
  #loading: Promise<DataKeys> | null = null;
  /** Set by `lock()`; device mode then needs an explicit `unlock()`. */
  #locked: boolean;

  constructor(vault: KeyVault, options: KeyManagerOptions = {}) {
    this.#vault = vault;
    this.mode = options.mode ?? 'device';
    this.#iterations = Math.max(MIN_PBKDF2_ITERATIONS, Math.floor(options.iterations ?? MIN_PBKDF2_ITERATIONS));
    this.#locked = this.mode === 'passphrase';
  }

  /** True while no key is usable (after `lock()`, or before the passphrase was given). */
  get locked(): boolean {
    return this.#locked;
  }

  /** The data keys; loads (device mode: creates on first use) them. Rejects with {@link LockedError} when locked. */
  async keys(): Promise<DataKeys> {
    if (this.#locked) throw new LockedError();
    if (this.#keys) return this.#keys;
    this.#loading ??= this.#loadDevice().finally(() => {
      this.#loading = null;
    });
    const keys = await this.#loading;
    if (this.#locked) throw new LockedError();
    return keys;
  }

  /** Drops the keys from memory; reads and writes reject with {@link LockedError} until {@link unlock}. */
  lock(): void {
    this.#keys = null;
    this.#locked = true;
  }

  /**
   * Makes the keys usable again. Passphrase mode: `passphrase` is required; on a database without keys it
   * creates them protected by it; otherwise a wrong one rejects with {@link WrongPassphraseError}.
   */
  async unlock(passphrase?: string): Promise<void> {
    if (this.mode === 'device') {
      this.#locked = false;
      await this.keys();
      return;
    }
    if (typeof passphrase !== 'string' || passphrase === '') throw new WrongPassphraseError();
    const record = await this.#vault.getMeta<KeyRecord>(KEY_RECORD);
    let keys: DataKeys;
    if (!record) keys = await this.#createWrapped(passphrase);
    else if (record.mode !== 'passphrase') throw new WrongPassphraseError({ cause: new Error('keys are not passphrase-protected') });
    else keys = await unwrapAll(record, passphrase);
    this.#keys = keys;
    this.#locked = false;
  }

  /** Forgets the keys in memory (after a wipe). */
  forget(): void {
    this.#keys = null;
    this.#locked = true;
  }

  async #loadDevice(): Promise<DataKeys> {
    if (this.mode === 'passphrase') throw new LockedError();
    const s = subtle();
    let record = await this.#vault.getMeta<KeyRecord>(KEY_RECORD);
    if (record && record.mode !== 'device') throw new LockedError();
    if (!record) {
      const enc = (await s.generateKey(AES, false, ['encrypt', 'decrypt'])) as CryptoKey;
      const mac = (await s.generateKey(HMAC, false, ['sign', 'verify'])) as CryptoKey;
      const created: DeviceKeyRecord = { v: 1, mode: 'device', enc, mac };
      // Another tab may have created keys first: then use those.
      if (await this.#vault.addMeta(KEY_RECORD, created)) record = created;
      else record = await this.#vault.getMeta<KeyRecord>(KEY_RECORD);
      if (!record || record.mode !== 'device') throw new LockedError();
    }
    this.#keys = { enc: record.enc, mac: record.mac };
    return this.#keys;
  }

  async #createWrapped(passphrase: string): Promise<DataKeys> {
    const s = subtle();
    const salt = crypto.getRandomValues(new Uint8Array(16));
    const kek = await deriveKek(passphrase, salt, this.#iterations);
    // Extractable only for the wrap below; never stored or returned.
    const encX = (await s.generateKey(AES, true, ['encrypt', 'decrypt'])) as CryptoKey;
    const macX = (await s.generateKey(HMAC, true, ['sign', 'verify'])) as CryptoKey;
    const encIv = crypto.getRandomValues(new Uint8Array(12));
    const macIv = crypto.getRandomValues(new Uint8Array(12));
    const record: PassphraseKeyRecord = {
      v: 1,
      mode: 'passphrase',
      salt,
      iterations: this.#iterations,
      encIv,
      encWrapped: await s.wrapKey('raw', encX, kek, { name: 'AES-GCM', iv: encIv }),
      macIv,
      macWrapped: await s.wrapKey('raw', macX, kek, { name: 'AES-GCM', iv: macIv }),
    };
    if (!(await this.#vault.addMeta(KEY_RECORD, record))) {
      // Another tab set a passphrase first: this passphrase must open those keys.
      const existing = await this.#vault.getMeta<KeyRecord>(KEY_RECORD);
      if (!existing || existing.mode !== 'passphrase') throw new WrongPassphraseError();
      return unwrapAll(existing, passphrase);
    }
    return unwrapWith(record, kek);
  }
}

async function deriveKek(passphrase: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<CryptoKey> {
  const s = subtle();
  const base = await s.importKey('raw', new TextEncoder().encode(passphrase.normalize('NFC')), 'PBKDF2', false, ['deriveKey']);
  return s.deriveKey({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, base, AES, false, ['wrapKey', 'unwrapKey']);
}

async function unwrapWith(record: PassphraseKeyRecord, kek: CryptoKey): Promise<DataKeys> {
  const s = subtle();
  try {
    const enc = await s.unwrapKey('raw', record.encWrapped, kek, { name: 'AES-GCM', iv: record.encIv }, AES, false, ['encrypt', 'decrypt']);
    const mac = await s.unwrapKey('raw', record.macWrapped, kek, { name: 'AES-GCM', iv: record.macIv }, HMAC, false, ['sign', 'verify']);
    return { enc, mac };
  } catch (e) {
    throw new WrongPassphraseError({ cause: e });
  }
}

async function unwrapAll(record: PassphraseKeyRecord, passphrase: string): Promise<DataKeys> {
  const kek = await deriveKek(passphrase, record.salt, Math.max(MIN_PBKDF2_ITERATIONS, record.iterations));
  return unwrapWith(record, kek);
}
