// On PostgreSQL every parameterized query goes out as a named statement, so each pooled
// connection plans it once; a query without parameters is sent as it is.
import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { rowsOf, type DatabaseHandle } from '../../../server/db/client.js';
import { createTestDatabase } from '../../helpers/database.js';

describe('named statements on PostgreSQL', function () {
  let handle: DatabaseHandle;
  before(async function () {
    handle = await createTestDatabase();
    if (handle.kind !== 'postgresql') {
      await handle.close();
      this.skip();
    }
  });
  after(async () => {
    if (handle?.kind === 'postgresql') await handle.close();
  });

  it('prepares a parameterized query once per connection and reuses it', async () => {
    await handle.db.transaction(async (tx) => {
      const prepared = async () =>
        rowsOf<{ name: string; statement: string }>(
          await tx.execute(sql`select name, statement from pg_prepared_statements where name like 'laurel_%'`),
        );
      const before = await prepared();
      for (const n of [1, 2, 3]) {
        const [row] = rowsOf<{ n: number }>(await tx.execute(sql`select ${n}::int + 40 as n`));
        expect(row?.n).to.equal(n + 40);
      }
      const after = await prepared();
      const added = after.filter((s) => !before.some((b) => b.name === s.name));
      expect(added).to.have.length(1);
      expect(added[0]?.statement).to.contain('select $1::int + 40 as n');
      expect(after.some((s) => s.statement.includes('pg_prepared_statements'))).to.equal(false);
    });
  });
});
