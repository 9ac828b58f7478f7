// The tables, each behind the module that owns its SQL, on one connection or one transaction.
import { Sql } from '../db/sql';
import { AuthTokensTable } from './auth-tokens';
import { CredentialsTable } from './credentials';
import { OperatorsTable } from './operators';
import { SettingsTable } from './settings';

export class Store {
  readonly operators: OperatorsTable;
  readonly authTokens: AuthTokensTable;
  readonly settings: SettingsTable;
  readonly credentials: CredentialsTable;

  constructor(readonly sql: Sql) {
    this.operators = new OperatorsTable(sql);
    this.authTokens = new AuthTokensTable(sql);
    this.settings = new SettingsTable(sql);
    this.credentials = new CredentialsTable(sql);
  }

  /** Runs `work` on a Store whose every table shares one transaction. */
  transaction<T>(work: (store: Store) => Promise<T>): Promise<T> {
    return this.sql.transaction((tx) => work(tx === this.sql ? this : new Store(tx)));
  }
}
