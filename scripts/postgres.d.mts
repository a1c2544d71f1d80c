/** Start a throwaway PostgreSQL cluster; returns its connection URL and a `stop()` that removes it. */
export function startThrowawayPostgres(): Promise<{ url: string; stop(): void }>;
