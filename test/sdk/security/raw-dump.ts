// Reads a whole IndexedDB database below the store (raw rows), flattened to searchable text.

/** Opens the database as it is on disk (no upgrade). */
export function rawOpen(name: string): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const r = indexedDB.open(name);
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

/** A request as a promise. */
export function reqP<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

/**
 * Every value and key of every object store as lower-case text (bytes decoded as latin1 and utf-8), the
 * CryptoKeys found, and the raw rows.
 */
export async function rawDump(name: string): Promise<{ text: string; keys: CryptoKey[]; rows: Record<string, unknown[]> }> {
  const db = await rawOpen(name);
  const parts: string[] = [];
  const keys: CryptoKey[] = [];
  const rows: Record<string, unknown[]> = {};
  const latin1 = new TextDecoder('latin1');
  const utf8 = new TextDecoder('utf-8');
  const walk = (v: unknown): void => {
    if (typeof v === 'string') parts.push(v);
    else if (typeof v === 'number') parts.push(String(v));
    else if (v instanceof CryptoKey) keys.push(v);
    else if (v instanceof ArrayBuffer || ArrayBuffer.isView(v)) {
      const bytes = v instanceof ArrayBuffer ? new Uint8Array(v) : new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
      parts.push(latin1.decode(bytes), utf8.decode(bytes));
    } else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) (parts.push(k), walk(x));
  };
  for (const store of [...db.objectStoreNames]) {
    const tx = db.transaction(store, 'readonly');
    const values = await reqP(tx.objectStore(store).getAll());
    rows[store] = values;
    walk(values);
    walk(await reqP(tx.objectStore(store).getAllKeys()));
  }
  db.close();
  return { text: parts.join('\n').toLowerCase(), keys, rows };
}

/**
 * Whether `secret` is in the dump `text`. Words of under six letters count only standing alone (not
 * inside a run of letters, digits, `-` or `_`): the keyed search tokens are random base64url strings
 * (sdk/security/cipher.ts), and a run of four or five given letters turned up in one of them now and
 * then (encryption.test.ts failed that way once in a few runs).
 */
export function inClear(text: string, secret: string): boolean {
  if (secret.length >= 6 || !/^[a-z]+$/.test(secret)) return text.includes(secret);
  return new RegExp(`(^|[^a-z0-9_-])${secret}($|[^a-z0-9_-])`).test(text);
}
