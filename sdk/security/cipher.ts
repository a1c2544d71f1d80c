/**
 * Encryption at rest, primitives: AES-GCM-256 sealing with a fresh 96-bit IV per write and the row's
 * collection and id bound as additional authenticated data (a ciphertext moved to another row fails to open),
 * and HMAC-SHA256 blind index tokens. Keys are non-extractable WebCrypto keys (see `keys.ts`).
 * @module
 */
import { CryptoUnavailableError, DecryptFailedError } from '../store/errors.ts';

/** A sealed value: AES-GCM ciphertext (with its 128-bit tag) and the IV it was sealed with. */
export interface Sealed {
  /** 12 random bytes, fresh per write. */
  iv: Uint8Array<ArrayBuffer>;
  /** Ciphertext followed by the authentication tag. */
  ct: ArrayBuffer;
}

/** The two keys of a database: `enc` (AES-GCM-256) seals values, `mac` (HMAC-SHA256) makes index tokens. */
export interface DataKeys {
  /** AES-GCM-256, non-extractable: seals and opens values. */
  enc: CryptoKey;
  /** HMAC-SHA256, non-extractable: makes index tokens. */
  mac: CryptoKey;
}

/** `crypto.subtle`, or {@link CryptoUnavailableError} (insecure context, old browser). */
export function subtle(): SubtleCrypto {
  const s = (globalThis as { crypto?: Crypto }).crypto?.subtle;
  if (!s) throw new CryptoUnavailableError();
  return s;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** Additional authenticated data of a row: domain, collection (or store) and key. */
export function aadOf(collection: string, id: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(`timpora-kit/v1\u0000${collection}\u0000${id}`);
}

/** True when `value` has the shape of a {@link Sealed}. */
export function isSealed(value: unknown): value is Sealed {
  const v = value as Partial<Sealed> | null;
  return !!v && typeof v === 'object' && v.iv instanceof Uint8Array && v.ct instanceof ArrayBuffer;
}

/** Seals a JSON-serialisable value for the row (`collection`, `id`). */
export async function seal(key: CryptoKey, collection: string, id: string, value: unknown): Promise<Sealed> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = await subtle().encrypt({ name: 'AES-GCM', iv, additionalData: aadOf(collection, id) }, key, encoder.encode(JSON.stringify(value)));
  return { iv, ct };
}

/**
 * Opens a value sealed for (`collection`, `id`). Rejects with {@link DecryptFailedError} when the data was
 * changed, sealed for another row, or under another key: never returns unauthenticated data.
 */
export async function unseal<T>(key: CryptoKey, collection: string, id: string, sealed: unknown): Promise<T> {
  if (!isSealed(sealed)) throw new DecryptFailedError({ cause: new Error('not a sealed value') });
  let plain: ArrayBuffer;
  try {
    plain = await subtle().decrypt({ name: 'AES-GCM', iv: sealed.iv, additionalData: aadOf(collection, id) }, key, sealed.ct);
  } catch (e) {
    throw new DecryptFailedError({ cause: e });
  }
  try {
    return JSON.parse(decoder.decode(plain)) as T;
  } catch (e) {
    throw new DecryptFailedError({ cause: e });
  }
}

/** Base64url without padding. */
function b64(bytes: Uint8Array): string {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * Keyed index token: the first 16 bytes of HMAC-SHA256(`mac`, `domain` NUL `value`), base64url (22 characters).
 * Equal inputs give equal tokens (so IndexedDB can look them up); without the key they reveal nothing but
 * equality.
 */
export async function indexToken(mac: CryptoKey, domain: string, value: string): Promise<string> {
  const sig = await subtle().sign('HMAC', mac, encoder.encode(`${domain}\u0000${value}`));
  return b64(new Uint8Array(sig, 0, 16));
}
