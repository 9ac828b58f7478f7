// SQL for the credentials table: each row's secrets are one Fernet token (`credentials`), its
// metadata plain JSONB. At most one default per provider (credentials_one_default_key).
import type { Queryable } from '../db/sql';
import type { Metadata, Provider } from '../credentials/providers';

export interface CredentialRow {
  id: number;
  name: string;
  provider: Provider;
  /** The Fernet token of the secrets' JSON. */
  credentials: string;
  metadata: Metadata;
  is_active: boolean;
  is_default: boolean;
  created_at: Date;
  updated_at: Date;
}

export interface CredentialChanges {
  name?: string;
  credentials?: string;
  metadata?: Metadata;
  is_active?: boolean;
  is_default?: boolean;
}

export class CredentialsTable {
  constructor(private readonly q: Queryable) {}

  list(provider?: Provider): Promise<CredentialRow[]> {
    return provider
      ? this.q.rows<CredentialRow>(`SELECT * FROM credentials WHERE provider = $1 ORDER BY id`, [provider])
      : this.q.rows<CredentialRow>(`SELECT * FROM credentials ORDER BY provider, id`);
  }

  byId(id: number): Promise<CredentialRow | undefined> {
    return this.q.row<CredentialRow>(`SELECT * FROM credentials WHERE id = $1`, [id]);
  }

  byName(provider: Provider, name: string): Promise<CredentialRow | undefined> {
    return this.q.row<CredentialRow>(`SELECT * FROM credentials WHERE provider = $1 AND lower(name) = lower($2)`, [provider, name]);
  }

  /** The provider's default, active or not. */
  defaultFor(provider: Provider): Promise<CredentialRow | undefined> {
    return this.q.row<CredentialRow>(`SELECT * FROM credentials WHERE provider = $1 AND is_default`, [provider]);
  }

  async insert(values: {
    name: string;
    provider: Provider;
    credentials: string;
    metadata: Metadata;
    is_active: boolean;
    is_default: boolean;
  }): Promise<CredentialRow> {
    return (await this.q.row<CredentialRow>(
      `INSERT INTO credentials (name, provider, credentials, metadata, is_active, is_default)
       VALUES ($1, $2, $3, $4::jsonb, $5, $6) RETURNING *`,
      [values.name, values.provider, values.credentials, values.metadata, values.is_active, values.is_default],
    ))!;
  }

  async update(id: number, changes: CredentialChanges): Promise<CredentialRow | undefined> {
    const columns = Object.keys(changes) as (keyof CredentialChanges)[];
    if (columns.length === 0) return this.byId(id);
    const sets = columns.map((c, i) => (c === 'metadata' ? `${c} = $${i + 2}::jsonb` : `${c} = $${i + 2}`));
    return this.q.row<CredentialRow>(`UPDATE credentials SET ${sets.join(', ')}, updated_at = now() WHERE id = $1 RETURNING *`, [
      id,
      ...columns.map((c) => changes[c]!),
    ]);
  }

  async remove(id: number): Promise<boolean> {
    return (await this.q.exec(`DELETE FROM credentials WHERE id = $1`, [id])) > 0;
  }

  /** Makes `id` its provider's only default (call inside a transaction). */
  async makeDefault(id: number, provider: Provider): Promise<CredentialRow | undefined> {
    await this.q.exec(`UPDATE credentials SET is_default = FALSE, updated_at = now() WHERE provider = $1 AND is_default AND id <> $2`, [provider, id]);
    return this.q.row<CredentialRow>(`UPDATE credentials SET is_default = TRUE, updated_at = now() WHERE id = $1 RETURNING *`, [id]);
  }
}
