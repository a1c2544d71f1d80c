// Demo set-up for `npm start`: registers the sample agencies on the reference server (agencies are written by
// the admin role only), so every agency's window receives them through sync. Idempotent across restarts.
import { AGENCIES } from '../demo/sample-data.ts';

async function waitForServer(server: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(`${server}/health`)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`reference server at ${server} did not start`);
}

/** Waits for the server, then creates the sample agencies that are missing; returns how many it created. */
export async function seedDemoAgencies(server: string): Promise<number> {
  await waitForServer(server);
  const tokenResponse = await fetch(`${server}/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sub: 'demo-setup', agency: 'imi-jakut', role: 'admin' }),
  });
  const { accessToken } = (await tokenResponse.json()) as { accessToken: string };
  let created = 0;
  for (const agency of AGENCIES) {
    const response = await fetch(`${server}/agencies/${encodeURIComponent(agency.id)}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}`, 'idempotency-key': `demo-agency-${agency.id}` },
      body: JSON.stringify(agency),
    });
    if (response.status === 201) created++;
    // 412/428: the agency is already there (an earlier start).
    else if (response.status !== 200 && response.status !== 428 && response.status !== 412) {
      console.error(`seeding agency ${agency.id}: HTTP ${response.status} ${await response.text()}`);
    }
  }
  return created;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const created = await seedDemoAgencies(process.argv[2] ?? 'http://127.0.0.1:8787');
  console.log(`demo agencies on the reference server: ${created} created, ${AGENCIES.length - created} already there`);
}
