// /admin/backups: the schedule as configured, the commands to make and restore a backup, and
// every recorded run newest first with its size, contents, age and whether its file is kept;
// admins only; a page at a time.
import { expect } from 'chai';
import { eq } from 'drizzle-orm';
import supertest from 'supertest';
import { backupRuns } from '../../../models/schema.js';
import { finishBackupRun, startBackupRun } from '../../../server/operations/backup-runs.js';
import { BACKUP_PAGE_SIZE } from '../../../server/operations/backup-history.js';
import { createUser, signIn } from '../../helpers/factories.js';
import { readable } from '../../helpers/forms.js';
import { startHarness, type Harness } from '../../helpers/harness.js';

const HOUR = 60 * 60 * 1000;
const SCHEDULE = { dir: '/var/backups/laurel', everyMs: 6 * HOUR, keep: 7 };

/** The text of each cell of the table's body rows, tags dropped and spaces folded. */
function tableRows(html: string): string[][] {
  const body = /<table id="backup-runs">[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? '';
  return [...body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...row[1]!.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((cell) =>
      readable(cell[1]!.replace(/<br>/g, ' · ').replace(/<[^>]+>/g, ''))
        .replace(/\s+/g, ' ')
        .trim(),
    ),
  );
}

describe('/admin/backups', () => {
  let h: Harness;
  let admin: ReturnType<typeof supertest.agent>;

  const ago = (ms: number) => new Date(h.clock().getTime() - ms);
  async function recordRun(
    startedAt: Date,
    outcome: { sizeBytes: number; rows: number; files: number } | { error: string },
    { trigger = 'scheduled', fileName }: { trigger?: 'scheduled' | 'requested'; fileName?: string } = {},
  ): Promise<number> {
    const id = await startBackupRun(h.db, {
      trigger,
      fileName: fileName ?? `laurel-backup-${startedAt.toISOString().replace(/\D/g, '').slice(0, 14)}.tar.gz`,
      instance: 'portal-1 (pid 4242)',
      now: startedAt,
    });
    await finishBackupRun(
      h.db,
      id,
      'error' in outcome ? { error: new Error(outcome.error) } : outcome,
      new Date(startedAt.getTime() + 12_000),
    );
    return id;
  }

  before(async () => {
    h = await startHarness({ config: { backup: SCHEDULE } });
    await createUser(h.db, { email: 'admin@example.org', roles: ['admin'] });
    await createUser(h.db, { email: 'applicant@school.example.org', roles: ['applicant'] });
    admin = h.agent();
    expect((await signIn(admin, 'admin@example.org')).status).to.equal(303);
  });
  after(() => h.close());
  beforeEach(() => h.db.delete(backupRuns));

  it('shows the schedule, the commands, and each backup with its size, age, contents and whether it is kept', async () => {
    const removed = await recordRun(ago(27 * HOUR), { sizeBytes: 1_400_000, rows: 12_001, files: 3 });
    await h.db
      .update(backupRuns)
      .set({ removedAt: ago(HOUR) })
      .where(eq(backupRuns.id, removed));
    await recordRun(ago(21 * HOUR), { error: 'ENOSPC: no space left on device, write' });
    await recordRun(
      ago(5 * HOUR),
      { sizeBytes: 3_500, rows: 80, files: 0 },
      {
        trigger: 'requested',
        fileName: '/home/ops/before-upgrade.tar.gz',
      },
    );
    await recordRun(ago(3 * HOUR), { sizeBytes: 1_572_864, rows: 12_345, files: 4 });

    const res = await admin.get('/admin/backups');
    expect(res.status).to.equal(200);
    const text = readable(res.text);
    expect(text).to.contain('<h1>Backups</h1>');
    expect(text).to.contain('Every 6 hours into /var/backups/laurel, keeping the newest 7.');
    expect(text).to.contain('<code>npm run backup -- FILE</code>');
    expect(text).to.contain('<code>npm run restore -- FILE</code>');
    expect(text).to.contain('<caption class="visually-hidden">Backups, newest first</caption>');
    expect(text).to.contain(
      '<th scope="col">File</th>\n        <th scope="col">When</th>\n        <th scope="col">Made</th>',
    );

    expect(tableRows(res.text)).to.deep.equal([
      [
        'laurel-backup-20261122090000.tar.gz · by portal-1 (pid 4242)',
        'Nov 22, 2026, 9:00 AM UTC · 3 hours ago',
        'On schedule',
        'Done in 12 s',
        '1.5 MB',
        '12,345',
        '4',
        'Kept',
      ],
      [
        '/home/ops/before-upgrade.tar.gz · by portal-1 (pid 4242)',
        'Nov 22, 2026, 7:00 AM UTC · 5 hours ago',
        'Asked for',
        'Done in 12 s',
        '3.4 KB',
        '80',
        '0',
        'Where the command wrote it',
      ],
      [
        'laurel-backup-20261121150000.tar.gz · by portal-1 (pid 4242)',
        'Nov 21, 2026, 3:00 PM UTC · 21 hours ago',
        'On schedule',
        'Failed in 12 s · ENOSPC: no space left on device, write',
        '',
        '',
        '',
        'No file',
      ],
      [
        'laurel-backup-20261121090000.tar.gz · by portal-1 (pid 4242)',
        'Nov 21, 2026, 9:00 AM UTC · 27 hours ago',
        'On schedule',
        'Done in 12 s',
        '1.3 MB',
        '12,001',
        '3',
        'Removed Nov 22, 2026, 11:00 AM UTC',
      ],
    ]);
    expect(text).not.to.contain('rel="next"');
  });

  it('says how to turn the schedule on when BACKUP_DIR is not set, and when nothing is recorded yet', async () => {
    const off = supertest.agent(h.instance({ config: { backup: undefined } }));
    expect((await signIn(off, 'admin@example.org')).status).to.equal(303);
    const text = readable((await off.get('/admin/backups')).text);
    expect(text).to.contain('Scheduled backups are off: set BACKUP_DIR to the folder they go into');
    expect(text).to.contain('No backups recorded yet.');
  });

  it('lists a page at a time, newest first, with a link to the older ones', async () => {
    const total = BACKUP_PAGE_SIZE + 5;
    // Two started in the same second: the id keeps them apart across the page break.
    for (let index = 0; index < total; index += 1) {
      await recordRun(
        ago(Math.ceil(index / 2) * HOUR),
        { sizeBytes: 1000 + index, rows: index, files: 0 },
        {
          fileName: `run-${index}.tar.gz`,
        },
      );
    }
    const first = await admin.get('/admin/backups');
    const firstNames = tableRows(first.text).map((row) => row[0]!.split(' ')[0]);
    expect(firstNames).to.have.length(BACKUP_PAGE_SIZE);
    const next = /href="(\/admin\/backups\?before=\d+)" rel="next"/.exec(first.text)?.[1];
    expect(next).to.be.a('string');
    expect(first.text).not.to.contain('>Newest</a>');

    const second = await admin.get(next!);
    expect(second.status).to.equal(200);
    const secondNames = tableRows(second.text).map((row) => row[0]!.split(' ')[0]);
    expect(second.text).to.contain('<a href="/admin/backups">Newest</a>');
    expect(second.text).not.to.contain('rel="next"');

    // Newest first: by start, and by id among runs started together.
    const expected = Array.from({ length: total }, (_, index) => index)
      .sort((a, b) => Math.ceil(a / 2) - Math.ceil(b / 2) || b - a)
      .map((index) => `run-${index}.tar.gz`);
    expect([...firstNames, ...secondNames]).to.deep.equal(expected);
  });

  it('is for admins only, and linked from the admin home', async () => {
    const anonymous = await h.agent().get('/admin/backups');
    expect(anonymous.status).to.equal(303);
    expect(anonymous.headers.location).to.equal('/login?next=%2Fadmin%2Fbackups');

    const applicant = h.agent();
    await signIn(applicant, 'applicant@school.example.org');
    const refused = await applicant.get('/admin/backups');
    expect(refused.status).to.equal(403);
    expect(refused.text).not.to.contain('/var/backups/laurel');

    expect((await admin.get('/admin')).text).to.contain('<a href="/admin/backups">Backups</a>');
  });
});
