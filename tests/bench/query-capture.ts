import type { Database } from '../../db/connection';

/** The SQL and parameters of one query a benchmark's subject sent. */
export interface SentQuery {
  sql: string;
  bind: unknown[];
}

/**
 * Every parameterized query `work` sends through `db`, in order, whether through Sequelize (its
 * afterQuery hook) or `db.select` (raw node-postgres): a baseline then sends exactly the same SQL.
 */
export async function queriesSent(
  db: Database,
  work: () => Promise<unknown>,
): Promise<SentQuery[]> {
  const sent: SentQuery[] = [];
  db.sequelize.addHook('afterQuery', 'bench-capture', (options, query) => {
    const sql: unknown = Reflect.get(query, 'sql');
    if (typeof sql === 'string' && Array.isArray(options.bind))
      sent.push({ sql, bind: options.bind });
  });
  const stopObserving = db.observeSelects((sql, bind) => sent.push({ sql, bind: [...bind] }));
  try {
    await work();
  } finally {
    db.sequelize.removeHook('afterQuery', 'bench-capture');
    stopObserving();
  }
  return sent;
}
