/**
 * `sdk/store`: the IndexedDB store (schema, migrations, batched writes with outbox, indexed queries,
 * cross-tab notifications) and its typed errors.
 * @module
 */
export * from './errors.ts';
export {
  TimporaStore,
  requestPersistentStorage,
  storageEstimate,
  type StoreOptions,
  type StoreName,
  type ChangeSource,
  type StoreChange,
  type ChangeListener,
  type WriteOp as StoreWriteOp,
  type WriteOptions as StoreWriteOptions,
  type WriteResult as StoreWriteResult,
  type IndexQuery,
} from './store.ts';
export {
  SCHEMA_VERSION,
  DEFAULT_RECORD_STATUS,
  DEFAULT_DB_NAME,
  COLLECTIONS,
  INDEXES,
  toRow,
  toStoredRow,
  createSchemaV1,
  type CollectionName,
  type CollectionTypes,
  type Row,
  type OutboxEntry as StoreOutboxEntry,
  type DraftEntry,
} from './schema.ts';
export { fold, nameTokens, queryTokens, sortKey, documentKey } from './fold.ts';
