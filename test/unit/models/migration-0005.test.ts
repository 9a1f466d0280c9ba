// Migration 0005 on a portal that already ran: honorees published before it keep their school on
// their public page (the new copy is filled from the school as it stands), and messages sent
// before it lose their working links, as messages sent after it do.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { expect } from 'chai';
import { migrationsDir } from '../../../server/paths.js';

async function runMigration(client: PGlite, tag: string): Promise<void> {
  const source = readFileSync(path.join(migrationsDir, `${tag}.sql`), 'utf8');
  for (const statement of source.split('--> statement-breakpoint')) {
    if (statement.trim() !== '') await client.exec(statement);
  }
}

describe('migration 0005 on existing data', () => {
  let client: PGlite;

  before(async () => {
    client = await PGlite.create();
    for (const tag of [
      '0000_foundation',
      '0001_schools_applications',
      '0002_nominations',
      '0003_reviews',
      '0004_decisions',
    ])
      await runMigration(client, tag);
    await client.exec(`
      insert into programs (id, name, slug) values (1, 'Schools of Opportunity', 'soo');
      insert into cycles (id, program_id, year, name, opens_at, nominations_close_at, applications_close_at, reviews_due_at, announcement_at, published_at)
        values (1, 1, 2025, 'Published', now(), now(), now(), now(), now(), now()),
               (2, 1, 2026, 'Not yet', now(), now(), now(), now(), now(), null);
      insert into schools (id, name, district, city, state, level, website, enrollment, match_key)
        values (1, 'Lincoln High School', 'PPS', 'Portland', 'OR', 'high', 'https://lincoln.example.org', 1540, 'lincoln'),
               (2, 'Grant High School', '', 'Portland', 'OR', 'high', '', null, 'grant');
      insert into applications (id, cycle_id, school_id, status) values (1, 1, 1, 'eligible'), (2, 2, 2, 'eligible');
      insert into decisions (application_id, cycle_id, level, decided_at, slug) values (1, 1, 'gold', now(), 'lincoln'), (2, 2, 'silver', now(), 'grant');
      insert into outbox (template, to_address, subject, text_body, html_body, message_id, unsubscribe_url, status) values
        ('password-reset', 'a@example.org', 'Reset', 'Open https://laurel.test/reset-password/Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4cXV1eHF1dXhxdXU now',
         '<a href="https://laurel.test/reset-password/Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4cXV1eHF1dXhxdXU">reset</a>', '<1@laurel.test>',
         'https://laurel.test/unsubscribe?e=YUBleGFtcGxlLm9yZw&t=c2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJl', 'sent'),
        ('password-reset', 'b@example.org', 'Reset', 'Open https://laurel.test/reset-password/d2FpdGluZ3dhaXRpbmd3YWl0aW5nd2FpdGluZ3dhaXRpbmc now',
         '', '<2@laurel.test>', null, 'pending');
    `);
    await runMigration(client, '0005_trust');
  });
  after(() => client.close());

  it('copies the school of each decision of a published cycle, and only those', async () => {
    const { rows } = await client.query<{
      application_id: number;
      school_name: string | null;
      school_website: string | null;
      school_enrollment: number | null;
    }>('select application_id, school_name, school_website, school_enrollment from decisions order by application_id');
    expect(rows).to.deep.equal([
      {
        application_id: 1,
        school_name: 'Lincoln High School',
        school_website: 'https://lincoln.example.org',
        school_enrollment: 1540,
      },
      { application_id: 2, school_name: null, school_website: null, school_enrollment: null },
    ]);
  });

  it('hides the working links of messages already sent, and leaves waiting ones to be sent', async () => {
    const { rows } = await client.query<{
      status: string;
      text_body: string;
      html_body: string;
      unsubscribe_url: string | null;
    }>('select status, text_body, html_body, unsubscribe_url from outbox order by id');
    expect(rows[0]!.text_body).to.equal('Open https://laurel.test/reset-password/[hidden] now');
    expect(rows[0]!.html_body).to.equal('<a href="https://laurel.test/reset-password/[hidden]">reset</a>');
    expect(rows[0]!.unsubscribe_url).to.equal('https://laurel.test/unsubscribe?e=YUBleGFtcGxlLm9yZw&t=[hidden]');
    expect(rows[1]!.text_body).to.contain('/reset-password/d2FpdGluZ3dhaXRpbmd3YWl0aW5nd2FpdGluZ3dhaXRpbmc');
  });

  it('accepts the new contact statuses and still refuses unknown ones', async () => {
    await client.exec(`insert into users (id, email, name, password_hash) values (1, 'x@example.org', 'X', 'h')`);
    await client.exec(`insert into school_contacts (school_id, user_id, status) values (1, 1, 'revoked')`);
    let refused = false;
    try {
      await client.exec(`insert into school_contacts (school_id, user_id, status) values (2, 1, 'owner')`);
    } catch {
      refused = true;
    }
    expect(refused, 'an unknown status was stored').to.equal(true);
  });
});
