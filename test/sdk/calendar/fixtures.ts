/** Operation factory for calendar tests (no personal data: invented names). */
import type { Operation } from '../../../sdk/model/types.ts';

let n = 0;
export function makeOperation(over: Partial<Operation> = {}): Operation {
  n += 1;
  return {
    id: `op-${n}`,
    sourceAgency: 'imi-jakut',
    createdAt: '2026-01-05T03:00:00.000Z',
    updatedAt: '2026-01-06T04:30:00.000Z',
    version: 2,
    kind: 'joint_operation',
    title: `Operasi gabungan ${n}`,
    leadAgency: 'imi-jakut',
    participatingAgencies: ['polres-jakut', 'disnaker-dki'],
    team: [
      { id: 'm-1', name: 'Petugas A', agencyId: 'imi-jakut', role: 'ketua' },
      { id: 'm-2', name: 'Petugas B', agencyId: 'polres-jakut' },
    ],
    location: { name: 'Kawasan Industri Pulogadung', address: 'Jl. Rawa Gelam', region: { province: '31', regency: '31.72' } },
    start: '2026-03-02T09:00',
    end: '2026-03-02T12:00',
    timeZone: 'Asia/Jakarta',
    status: 'planned',
    recordIds: [],
    ...over,
  };
}
