import pg from 'pg';
import { Sequelize, type Transaction } from 'sequelize';
import {
  DEFAULT_CONNECT_TIMEOUT_MS,
  databaseNameOf,
  describeDatabaseUrl,
  explainConnectionError,
  parseDatabaseUrl,
} from './database-url';
import { initModels, type Models } from './models';

/** Where a change came from, as the audit log records it. */
export const ChangeSource = { app: 'app', cli: 'cli', sync: 'sync' } as const;
export type ChangeSource = (typeof ChangeSource)[keyof typeof ChangeSource];

/** Who is acting in a transaction; triggers read it back from `lms.*` settings. */
export interface ActorContext {
  actorId: string | null;
  actorIp: string | null;
  source: ChangeSource;
}

/** Options of one connection profile's pool. */
export interface DatabaseOptions {
  /** The most connections the pool opens at once. */
  poolMax?: number;
  /** How long a request for a connection may wait, in ms. */
  acquireTimeoutMs?: number;
  /** How long a new connection may wait for the server to answer, in ms. */
  connectTimeoutMs?: number;
}

/** A connection profile opened: one Sequelize instance with a bounded pool, and its models. */
export class Database {
  readonly sequelize: Sequelize;
  readonly models: Models;
  readonly url: URL;

  private constructor(url: URL, sequelize: Sequelize) {
    this.url = url;
    this.sequelize = sequelize;
    this.models = initModels(sequelize);
  }

  /** Connects (checking the URL and the credentials at once) and returns the open database. */
  static async open(rawUrl: string, options: DatabaseOptions = {}): Promise<Database> {
    const url = parseDatabaseUrl(rawUrl);
    const database = databaseNameOf(url);
    const sequelize = new Sequelize(url.toString(), {
      dialect: 'postgres',
      dialectModule: pg,
      logging: false,
      // Sequelize's first connection (it reads the server version) bypasses the pool and its
      // acquire timeout: only the driver's own timeout keeps a silent server from hanging open().
      dialectOptions: {
        connectionTimeoutMillis: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      },
      hooks: {
        // Sequelize takes the database name from the URL still percent-encoded, so `lms%20prod`
        // was asked for by that name; node-postgres (and so the migrator) decode it.
        beforeConnect: (config) => {
          config.database = database;
        },
      },
      pool: {
        max: options.poolMax ?? 10,
        min: 0,
        idle: 10_000,
        acquire: options.acquireTimeoutMs ?? 30_000,
      },
    });
    try {
      await sequelize.authenticate();
    } catch (error) {
      await sequelize.close();
      throw explainConnectionError((error as { original?: unknown }).original ?? error, url);
    }
    return new Database(url, sequelize);
  }

  /** `user@host:port/database`, for messages. */
  describe(): string {
    return describeDatabaseUrl(this.url);
  }

  /**
   * Runs `work` in one transaction that first sets `lms.actor_id`, `lms.actor_ip` and
   * `lms.source` for its own duration (`SET LOCAL`), so triggers know who made each change.
   */
  async withTransaction<T>(
    actor: ActorContext,
    work: (transaction: Transaction) => Promise<T>,
  ): Promise<T> {
    return this.sequelize.transaction(async (transaction) => {
      await this.sequelize.query(
        `SELECT set_config('lms.actor_id', $1, true), set_config('lms.actor_ip', $2, true), set_config('lms.source', $3, true)`,
        { bind: [actor.actorId ?? '', actor.actorIp ?? '', actor.source], transaction },
      );
      return work(transaction);
    });
  }

  /** Lends a raw `pg` client from the pool, for what the ORM can't do (COPY, streaming). */
  async withRawClient<T>(work: (client: pg.ClientBase) => Promise<T>): Promise<T> {
    const connection = await this.sequelize.connectionManager.getConnection({ type: 'write' });
    try {
      // The postgres dialect's pooled connection is a node-postgres client.
      return await work(connection as pg.ClientBase);
    } finally {
      this.sequelize.connectionManager.releaseConnection(connection);
    }
  }

  private readonly selectListeners = new Set<(sql: string, bind: readonly unknown[]) => void>();

  /** Hears every SELECT that `select` sends (what Sequelize's hooks can't see); returns how to stop. */
  observeSelects(listener: (sql: string, bind: readonly unknown[]) => void): () => void {
    this.selectListeners.add(listener);
    return () => this.selectListeners.delete(listener);
  }

  /**
   * The rows of one parameterized SELECT, sent by node-postgres directly: the hot read path (list
   * pages) without the ORM's per-query work. Runs inside `transaction` when one is given.
   */
  async select<Row extends object>(
    sql: string,
    bind: readonly unknown[],
    transaction?: Transaction,
  ): Promise<Row[]> {
    for (const listener of this.selectListeners) listener(sql, bind);
    const query = async (client: pg.ClientBase): Promise<Row[]> =>
      (await client.query<Row>(sql, [...bind])).rows;
    return transaction ? query(rawConnectionOf(transaction)) : this.withRawClient(query);
  }

  async close(): Promise<void> {
    await this.sequelize.close();
  }
}

/** The node-postgres client a Sequelize transaction runs on, to COPY or query raw inside that same transaction. */
export function rawConnectionOf(transaction: Transaction): pg.ClientBase {
  // Sequelize keeps the pooled client on the transaction; its types don't show it.
  return (transaction as unknown as { connection: pg.ClientBase }).connection;
}
