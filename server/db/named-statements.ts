// PostgreSQL plans a query each time it is sent unless it is a named (prepared) statement. For
// the pages people load over and over, planning cost more than running: the conflict check of
// every reviewer page took 1.2 ms to plan and 0.1 ms to run. This client names each
// parameterized query by a hash of its text, so each pooled connection parses and plans it once
// (PostgreSQL then keeps a plan per connection, and re-plans by itself after a schema change).
// Queries with many parameters (a list of ids, a multi-row insert) go unnamed: their text varies
// with the list's length, and naming them would leave a statement per length on each connection.
//
// Limits: a pooler that does not keep prepared statements between
// transactions (PgBouncer in transaction mode before 1.21) needs DATABASE_NAMED_STATEMENTS=off;
// and a migration that changes the type of a column a running instance reads makes that
// instance's kept statements fail ("cached plan must not change result type") until it restarts,
// so restart every instance after such a migration.
import { createHash } from 'node:crypto';
import pg from 'pg';

const MAX_NAMED_TEXT = 16_000;
const MAX_NAMED_PARAMETERS = 20;

interface QueryConfig {
  text?: unknown;
  name?: unknown;
  values?: unknown;
}

function named(config: unknown, values: unknown): unknown {
  if (typeof config !== 'object' || config === null) return config;
  const query = config as QueryConfig;
  const params = Array.isArray(values) ? values : query.values;
  if (query.name || typeof query.text !== 'string' || query.text.length > MAX_NAMED_TEXT) return config;
  if (!Array.isArray(params) || params.length === 0 || params.length > MAX_NAMED_PARAMETERS) return config;
  const name = `laurel_${createHash('sha1').update(query.text).digest('base64url').slice(0, 22)}`;
  return { ...query, name };
}

export class NamingClient extends pg.Client {
  // pg's overloads are many; every call shape passes through unchanged but for the name.
  override query(...args: unknown[]): never {
    const [config, values, ...rest] = args;
    return (super.query as (...a: unknown[]) => never)(named(config, values), values, ...rest);
  }
}
