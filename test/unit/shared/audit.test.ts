// The audit log keeps each summary as a message, written in the reader's language on its page;
// an entry from before that keeps the English it was stored in.
import { expect } from 'chai';
import { eq } from 'drizzle-orm';
import { auditLog } from '../../../models/schema.js';
import type { DatabaseHandle } from '../../../server/db/client.js';
import { msg } from '../../../server/i18n/translate.js';
import { listAudit, messageOf, recordAudit, summaryIn } from '../../../server/services/shared/audit.js';
import { createTestDatabase } from '../../helpers/database.js';
import { createTestClock } from '../../helpers/harness.js';

describe('audit log summaries', () => {
  let database: DatabaseHandle;
  before(async () => {
    database = await createTestDatabase();
  });
  after(() => database.close());

  it('stores the English words and the message, and writes the message in the reader’s language', async () => {
    const deadline = new Date('2027-02-01T06:59:59Z');
    await recordAudit(database.db, createTestClock(), {
      actorId: null,
      action: 'application.extend_deadline',
      subjectType: 'application',
      subjectId: 7,
      summary: msg('audit.applications.deadlineExtended', {
        school: 'Lincoln High School',
        cycle: 'Schools of Opportunity 2026–2027',
        deadline: { at: deadline, zone: 'America/Denver' },
        reason: 'The principal was on leave.',
      }),
      details: { reason: 'The principal was on leave.' },
    });
    const [row] = await database.db.select().from(auditLog).where(eq(auditLog.subjectId, '7'));
    expect(row!.summary).to.equal(
      'Extended the deadline of Lincoln High School (Schools of Opportunity 2026–2027) to ' +
        'Sunday, January 31, 2027, 11:59 PM MT: The principal was on leave.',
    );
    // The details of the act are kept as given, the message beside them, its moment as JSON has it.
    expect(row!.details.reason).to.equal('The principal was on leave.');
    expect(row!.details.summaryMessage).to.deep.include({ key: 'audit.applications.deadlineExtended' });
    expect(messageOf(row!)?.values?.deadline).to.deep.equal({ at: deadline, zone: 'America/Denver' });

    const { entries } = await listAudit(database.db, { action: 'application.extend_deadline', lang: 'es' });
    expect(entries.map((e) => e.summary)).to.deep.equal([
      'Se extendió la fecha límite de Lincoln High School (Schools of Opportunity 2026–2027) hasta ' +
        'domingo, 31 de enero de 2027, 11:59 p.m. MT: The principal was on leave.',
    ]);
  });

  it('writes a nested message (a decision level) in the reader’s language too', async () => {
    await recordAudit(database.db, createTestClock(), {
      actorId: null,
      action: 'decision.decide',
      subjectType: 'application',
      subjectId: 8,
      summary: msg('audit.decisions.decided', {
        level: msg('labels.decisionLevel.silver'),
        school: 'Lincoln High School',
        cycle: '2026–2027',
        changed: 'yes',
        previous: msg('labels.decisionLevel.gold'),
        short: 'no',
        reason: '',
      }),
    });
    const [row] = await database.db.select().from(auditLog).where(eq(auditLog.subjectId, '8'));
    expect(row!.summary).to.equal('Silver for Lincoln High School (2026–2027), was Gold');
    expect(summaryIn('es', row!)).to.equal('Decisión para Lincoln High School (2026–2027): Plata; antes era Oro');
  });

  it('shows an older entry, stored without a message, in the words it was stored in', async () => {
    await database.db.insert(auditLog).values({
      actorId: null,
      action: 'criterion.edit',
      subjectType: 'criterion',
      subjectId: '9',
      summary: 'Edited criterion “Access” of Schools of Opportunity 2025–2026',
      details: { before: { title: 'Acces' } },
    });
    const [row] = await database.db.select().from(auditLog).where(eq(auditLog.subjectId, '9'));
    expect(messageOf(row!)).to.equal(undefined);
    expect(summaryIn('es', row!)).to.equal('Edited criterion “Access” of Schools of Opportunity 2025–2026');
    const { entries } = await listAudit(database.db, { action: 'criterion.edit', lang: 'es' });
    expect(entries.map((e) => e.summary)).to.deep.equal([
      'Edited criterion “Access” of Schools of Opportunity 2025–2026',
    ]);
  });
});
