/**
 * `sdk/security`: encryption at rest for the local store (sealed records, drafts and outbox, keyed-hash
 * indexes, lock/unlock, passphrase-wrapped keys), the retention purge and the sign-out wipe.
 * Most apps only use the client options `encryption` and `retentionDays` and `client.lock/unlock/wipe`.
 * @module
 */
export { EncryptedTimporaStore, NAME_PREFIX_MAX, CLEAR_RECORD_FIELDS, CLEAR_OPERATION_FIELDS, type EncryptionOptions, type EncryptedStoreOptions } from './encrypted-store.ts';
export { KeyManager, KEY_RECORD, MIN_PBKDF2_ITERATIONS, type KeyManagerOptions, type KeyVault } from './keys.ts';
export { seal, unseal, indexToken, aadOf, isSealed, type Sealed, type DataKeys } from './cipher.ts';
export { purgeExpired, wipeStore, type PurgeReport } from './retention.ts';
