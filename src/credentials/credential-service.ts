// Stored credentials of LINE, Telegram, n8n, Google Sheets and custom APIs: encrypted with Fernet
// at rest, decrypted only when a node uses one (resolve) or a check needs it, masked on the API.
import type { Fernet } from '../crypto/fernet';
import { isUniqueViolation } from '../db/sql';
import { HttpError, badRequest, notFound } from '../http/errors';
import type { Logger } from '../logger';
import type { CredentialChanges, CredentialRow } from '../store/credentials';
import type { Store } from '../store/store';
import { type Metadata, type Provider, type Secrets, maskSecrets, validateMetadata, validateSecrets } from './providers';
import type { CredentialVerifier, VerifyResult } from './verify';

/** What the API shows of a credential: never a secret. */
export interface CredentialView {
  id: number;
  name: string;
  provider: Provider;
  metadata: Metadata;
  is_active: boolean;
  is_default: boolean;
  /** "****" and the main secret's last 4 characters; null when the row cannot be decrypted. */
  credentials_masked: string | null;
  /** Set only when the row cannot be decrypted with the current key. */
  decryption_error?: string;
  created_at: Date;
  updated_at: Date;
}

/** A credential ready to use, secrets in clear: only for the code that calls the service. */
export interface ResolvedCredential {
  id: number;
  name: string;
  provider: Provider;
  secrets: Secrets;
  metadata: Metadata;
}

export interface NewCredential {
  name: string;
  provider: Provider;
  credentials: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  is_active?: boolean;
  is_default?: boolean;
}

/** Partial: secrets and metadata fields given replace those stored (null removes one), the rest are kept. */
export interface CredentialUpdate {
  name?: string;
  provider?: Provider;
  credentials?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  is_active?: boolean;
  is_default?: boolean;
}

/**
 * The LINE and Telegram credentials a session-store is configured with (its own values, else the
 * LINE_* and TELEGRAM_* variables): each becomes its provider's default credential when there is
 * none, and the one made so follows later changes of those values.
 */
export interface EnvironmentCredentials {
  line?: { channel_secret?: string; channel_access_token?: string; channel_id?: string; liff_id?: string };
  telegram?: { bot_token?: string; admin_chat_id?: string };
}

/**
 * Resolved credentials are cached (the LINE webhook resolves on every request). Every write here
 * clears the cache; the expiry bounds how long another instance's write goes unseen.
 */
const CACHE_TTL_MS = 30_000;

/** The settings key that remembers a seeded credential: its id and the values it was made from (encrypted). */
const seedKey = (provider: Provider) => `seeded_credential:${provider}`;
interface SeedRecord {
  id: number;
  values: string;
}

export class UndecryptableCredential extends Error {}

export class Credentials {
  private readonly cache = new Map<string, { value: ResolvedCredential; expires: number }>();
  /** Bumped by every write, so that a read that raced a write does not cache what it read. */
  private generation = 0;

  constructor(
    private readonly store: Store,
    private readonly fernet: Fernet,
    private readonly verifier: CredentialVerifier,
    private readonly log: Logger,
  ) {}

  async list(provider?: Provider): Promise<CredentialView[]> {
    return (await this.store.credentials.list(provider)).map((row) => this.view(row));
  }

  async get(id: number): Promise<CredentialView> {
    return this.view(await this.existing(id));
  }

  /** A provider's first credential (while it has no default) becomes its default. */
  async create(input: NewCredential): Promise<CredentialView> {
    const secrets = validateSecrets(input.provider, input.credentials);
    const metadata = validateMetadata(input.provider, input.metadata ?? {});
    const row = await this.writing((store) =>
      store.transaction(async (tx) => {
        await this.checkNameFree(tx, input.provider, input.name);
        const hasDefault = (await tx.credentials.defaultFor(input.provider)) !== undefined;
        const inserted = await tx.credentials.insert({
          name: input.name,
          provider: input.provider,
          credentials: this.encrypt(secrets),
          metadata,
          is_active: input.is_active ?? true,
          is_default: !hasDefault && input.is_default !== false,
        });
        return input.is_default && hasDefault ? (await tx.credentials.makeDefault(inserted.id, input.provider))! : inserted;
      }),
    );
    return this.view(row);
  }

  async update(id: number, changes: CredentialUpdate): Promise<CredentialView> {
    const row = await this.writing((store) =>
      store.transaction(async (tx) => {
        const current = await tx.credentials.byId(id);
        if (!current) throw notFound('credential');
        if (changes.provider !== undefined && changes.provider !== current.provider) {
          throw badRequest('provider cannot be changed; create a new credential instead', 'provider');
        }
        const columns: CredentialChanges = {};
        if (changes.name !== undefined) {
          await this.checkNameFree(tx, current.provider, changes.name, id);
          columns.name = changes.name;
        }
        if (changes.is_active !== undefined) columns.is_active = changes.is_active;
        if (changes.credentials !== undefined) {
          // A row the key cannot read can still be repaired by giving all its secrets again.
          const stored = this.tryDecrypt(current) ?? {};
          columns.credentials = this.encrypt(validateSecrets(current.provider, { ...stored, ...changes.credentials }));
        }
        if (changes.metadata !== undefined) {
          columns.metadata = validateMetadata(current.provider, { ...current.metadata, ...changes.metadata });
        }
        if (changes.is_default === false) columns.is_default = false;
        const updated = await tx.credentials.update(id, columns);
        return changes.is_default === true ? (await tx.credentials.makeDefault(id, current.provider))! : updated!;
      }),
    );
    return this.view(row);
  }

  async delete(id: number): Promise<void> {
    const removed = await this.writing((store) => store.credentials.remove(id));
    if (!removed) throw notFound('credential');
  }

  /** Makes this credential its provider's only default. */
  async setDefault(id: number): Promise<CredentialView> {
    const row = await this.writing((store) =>
      store.transaction(async (tx) => {
        const current = await tx.credentials.byId(id);
        if (!current) throw notFound('credential');
        return (await tx.credentials.makeDefault(id, current.provider))!;
      }),
    );
    return this.view(row);
  }

  /** Tests the credential against its service; what the service tells (a bot's name) is kept in its metadata. */
  async verify(id: number): Promise<VerifyResult> {
    const row = await this.existing(id);
    const secrets = this.tryDecrypt(row);
    if (!secrets) return { success: false, message: this.undecryptableMessage(row), code: 'undecryptable', params: {} };
    const { result, learned } = await this.verifier.verify(row.provider, secrets, row.metadata);
    if (result.success && learned) {
      await this.writing((store) => store.credentials.update(id, { metadata: { ...row.metadata, ...learned } }));
    }
    return result;
  }

  /**
   * The provider's credential in clear: the chosen one (by id or name), else the active default.
   * Throws a 404 HttpError when there is none, an UndecryptableCredential on a wrong key.
   */
  async resolve(provider: Provider, idOrName?: string | number): Promise<ResolvedCredential> {
    return structuredClone(await this.cached(provider, idOrName));
  }

  /**
   * One secret of the credential resolve would give (undefined when it has none), without a copy
   * of the rest: for the code that calls a service on every msg (line-reply).
   */
  async secret(provider: Provider, idOrName: string | number | undefined, name: string): Promise<string | undefined> {
    return (await this.cached(provider, idOrName)).secrets[name];
  }

  /** The cache's own value: never handed out, since a caller may change what it gets. */
  private async cached(provider: Provider, idOrName: string | number | undefined): Promise<ResolvedCredential> {
    const choice = idOrName === undefined || idOrName === null ? '' : String(idOrName).trim();
    const key = `${provider}\n${choice.toLowerCase()}`;
    const cached = this.cache.get(key);
    if (cached && cached.expires > Date.now()) return cached.value;
    const generation = this.generation;
    const row = await this.find(provider, choice);
    const value: ResolvedCredential = { id: row.id, name: row.name, provider: row.provider, secrets: this.decrypt(row), metadata: row.metadata };
    if (generation === this.generation) this.cache.set(key, { value, expires: Date.now() + CACHE_TTL_MS });
    return value;
  }

  /**
   * Creates "Main LINE OA" / "Telegram admin alerts" from the configured values for a provider with
   * no default yet. A credential made so is updated when those values change later (an operator's
   * edit of it stands until they do); one an operator made is never touched. Answers the names created.
   */
  async seedFromEnvironment(env: EnvironmentCredentials): Promise<string[]> {
    const created: string[] = [];
    const seeds: { provider: Provider; name: string; credentials: Record<string, unknown>; metadata: Record<string, unknown> }[] = [];
    if (env.line) {
      const { channel_secret, channel_access_token, ...metadata } = env.line;
      seeds.push({ provider: 'LINE', name: 'Main LINE OA', credentials: { channel_secret, channel_access_token }, metadata });
    }
    if (env.telegram) {
      const { bot_token, ...metadata } = env.telegram;
      seeds.push({ provider: 'TELEGRAM', name: 'Telegram admin alerts', credentials: { bot_token }, metadata });
    }
    for (const seed of seeds) {
      const values = JSON.stringify({ credentials: seed.credentials, metadata: seed.metadata });
      try {
        const record = await this.store.settings.get<SeedRecord>(seedKey(seed.provider));
        const seeded = record ? await this.store.credentials.byId(record.id) : undefined;
        if (record && seeded?.provider === seed.provider) {
          if (this.decryptText(record.values) === values) continue;
          const updated = await this.update(seeded.id, { credentials: seed.credentials, metadata: seed.metadata });
          await this.store.settings.set(seedKey(seed.provider), { id: updated.id, values: this.fernet.encrypt(values) } satisfies SeedRecord);
          this.log.info(`updated the ${seed.provider} credential "${updated.name}" to the changed configured values`);
          continue;
        }
        if (await this.store.credentials.defaultFor(seed.provider)) continue;
        const made = await this.create({ ...seed, is_active: true, is_default: true });
        await this.store.settings.set(seedKey(seed.provider), { id: made.id, values: this.fernet.encrypt(values) } satisfies SeedRecord);
        created.push(seed.name);
        this.log.info(`stored the configured ${seed.provider} credentials as "${seed.name}", the default`);
      } catch (err) {
        // another instance seeded it first
        if (isUniqueViolation(err, 'credentials_one_default_key')) continue;
        if (err instanceof HttpError) {
          this.log.warn(`the configured ${seed.provider} values (session-store or environment variables) were not stored as a credential: ${err.message}`);
          continue;
        }
        throw err;
      }
    }
    return created;
  }

  private async find(provider: Provider, choice: string): Promise<CredentialRow> {
    if (choice === '') {
      const row = await this.store.credentials.defaultFor(provider);
      if (!row?.is_active) throw new HttpError(404, `There is no active default ${provider} credential`);
      return row;
    }
    const row = /^\d+$/.test(choice) ? await this.store.credentials.byId(Number(choice)) : await this.store.credentials.byName(provider, choice);
    if (!row || row.provider !== provider) throw new HttpError(404, `There is no ${provider} credential "${choice}"`);
    if (!row.is_active) throw new HttpError(404, `The ${provider} credential "${row.name}" is not active`);
    return row;
  }

  private async existing(id: number): Promise<CredentialRow> {
    const row = await this.store.credentials.byId(id);
    if (!row) throw notFound('credential');
    return row;
  }

  /**
   * A credential is chosen by name (the credential node), so a name is unique within its provider,
   * whatever its case (also the index credentials_name_key, migration 0002).
   */
  private async checkNameFree(tx: Store, provider: Provider, name: string, exceptId?: number): Promise<void> {
    const holder = await tx.credentials.byName(provider, name);
    if (holder && holder.id !== exceptId) throw new HttpError(409, `There already is a ${provider} credential named "${holder.name}"`, 'name');
  }

  /** Runs a write and forgets every cached credential. */
  private async writing<T>(work: (store: Store) => Promise<T>): Promise<T> {
    try {
      return await work(this.store);
    } catch (err) {
      // checkNameFree's answer when another instance took the name in the meantime
      if (isUniqueViolation(err, 'credentials_name_key')) throw new HttpError(409, 'This provider already has a credential of that name', 'name');
      throw err;
    } finally {
      this.generation++;
      this.cache.clear();
    }
  }

  private view(row: CredentialRow): CredentialView {
    const secrets = this.tryDecrypt(row);
    return {
      id: row.id,
      name: row.name,
      provider: row.provider,
      metadata: row.metadata,
      is_active: row.is_active,
      is_default: row.is_default,
      credentials_masked: secrets ? maskSecrets(row.provider, secrets) : null,
      ...(secrets ? {} : { decryption_error: this.undecryptableMessage(row) }),
      created_at: row.created_at,
      updated_at: row.updated_at,
    };
  }

  private encrypt(secrets: Secrets): string {
    return this.fernet.encrypt(JSON.stringify(secrets));
  }

  private decrypt(row: CredentialRow): Secrets {
    const secrets = this.tryDecrypt(row);
    if (!secrets) throw new UndecryptableCredential(this.undecryptableMessage(row));
    return secrets;
  }

  /** A token of this key in clear; undefined for one it cannot read. */
  private decryptText(token: string): string | undefined {
    try {
      return this.fernet.decrypt(token).toString('utf8');
    } catch {
      return undefined;
    }
  }

  private tryDecrypt(row: CredentialRow): Secrets | undefined {
    try {
      const parsed = JSON.parse(this.fernet.decrypt(row.credentials).toString('utf8')) as unknown;
      return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Secrets) : undefined;
    } catch {
      return undefined;
    }
  }

  private undecryptableMessage(row: CredentialRow): string {
    return `The ${row.provider} credential "${row.name}" (id ${row.id}) cannot be decrypted: ENCRYPTION_KEY is not the key it was stored with`;
  }
}

/** The credentials the environment defines, as LiveChatOptions.environmentCredentials. */
export function environmentCredentials(env: {
  lineChannelSecret?: string;
  lineChannelAccessToken?: string;
  lineChannelId?: string;
  telegramBotToken?: string;
  telegramAdminChatId?: string;
}): EnvironmentCredentials {
  return {
    ...(env.lineChannelSecret || env.lineChannelAccessToken
      ? { line: { channel_secret: env.lineChannelSecret, channel_access_token: env.lineChannelAccessToken, channel_id: env.lineChannelId } }
      : {}),
    ...(env.telegramBotToken ? { telegram: { bot_token: env.telegramBotToken, admin_chat_id: env.telegramAdminChatId } } : {}),
  };
}
