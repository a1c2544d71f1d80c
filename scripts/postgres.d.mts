/**
 * Start a throwaway PostgreSQL cluster; returns its connection URL and a `stop()` that removes it.
 * `fsync` defaults to false (tests); throughput benchmarks pass true.
 */
export function startThrowawayPostgres(options?: { fsync?: boolean }): Promise<{ url: string; stop(): void }>;
