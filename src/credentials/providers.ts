// What each provider's credential holds (seed §3.3): the secret fields, stored encrypted, and the
// metadata, stored in clear. Validation names the field at fault, e.g. `credentials.bot_token`.
import { badRequest } from '../http/errors';

export const PROVIDERS = ['LINE', 'TELEGRAM', 'N8N', 'GOOGLE_SHEETS', 'CUSTOM'] as const;
export type Provider = (typeof PROVIDERS)[number];

export type Secrets = Record<string, string>;
export type Metadata = Record<string, unknown>;

type FieldKind =
  | 'text'
  /** an http(s) URL */
  | 'url'
  /** a JSON object, given as an object or as its text; kept as text */
  | 'json'
  /** an object of header names to string values */
  | 'headers'
  /** a Telegram chat: a numeric id or an @channel name */
  | 'chat';

interface FieldSpec {
  name: string;
  required?: boolean;
  kind?: FieldKind;
}

interface ProviderSpec {
  secrets: FieldSpec[];
  metadata: FieldSpec[];
  /** The secret whose last characters the API shows. */
  maskedFrom(secrets: Secrets): string | undefined;
}

export const PROVIDER_SPECS: Record<Provider, ProviderSpec> = {
  LINE: {
    secrets: [
      { name: 'channel_secret', required: true },
      { name: 'channel_access_token', required: true },
    ],
    metadata: [{ name: 'channel_id' }, { name: 'bot_name' }, { name: 'liff_id' }],
    maskedFrom: (s) => s.channel_access_token,
  },
  TELEGRAM: {
    secrets: [{ name: 'bot_token', required: true }],
    metadata: [{ name: 'bot_username' }, { name: 'bot_name' }, { name: 'admin_chat_id', kind: 'chat' }],
    maskedFrom: (s) => s.bot_token,
  },
  N8N: {
    secrets: [{ name: 'api_key', required: true }],
    metadata: [
      { name: 'base_url', required: true, kind: 'url' },
      { name: 'webhook_url', kind: 'url' },
    ],
    maskedFrom: (s) => s.api_key,
  },
  GOOGLE_SHEETS: {
    secrets: [{ name: 'service_account_json', required: true, kind: 'json' }],
    metadata: [{ name: 'spreadsheet_id', required: true }, { name: 'sheet_name' }],
    // The JSON's own end is always "}"; the key's id tells keys apart without revealing it.
    maskedFrom: (s) => {
      try {
        const id = (JSON.parse(s.service_account_json) as { private_key_id?: unknown }).private_key_id;
        return typeof id === 'string' ? id : undefined;
      } catch {
        return undefined;
      }
    },
  },
  CUSTOM: {
    secrets: [{ name: 'api_key', required: true }, { name: 'api_secret' }],
    metadata: [
      { name: 'base_url', kind: 'url' },
      { name: 'headers', kind: 'headers' },
    ],
    maskedFrom: (s) => s.api_key,
  },
};

const MAX_SECRET_LENGTH = 20000;
const MAX_METADATA_LENGTH = 2000;

export function isProvider(value: unknown): value is Provider {
  return typeof value === 'string' && (PROVIDERS as readonly string[]).includes(value);
}

const isBlank = (value: unknown) => value === undefined || value === null || (typeof value === 'string' && value.trim() === '');

/** The provider's secrets from `input` (null or "" leaves a field out), or a 400 naming the field. */
export function validateSecrets(provider: Provider, input: Record<string, unknown>): Secrets {
  const out: Secrets = {};
  for (const [spec, value] of checkedFields('credentials', provider, PROVIDER_SPECS[provider].secrets, input)) {
    const field = `credentials.${spec.name}`;
    if (spec.kind === 'json') {
      out[spec.name] = jsonObjectText(value, field);
      continue;
    }
    if (typeof value !== 'string') throw badRequest(`${field} must be a string`, field);
    if (value.length > MAX_SECRET_LENGTH) throw badRequest(`${field} must be at most ${MAX_SECRET_LENGTH} characters`, field);
    out[spec.name] = value.trim();
  }
  return out;
}

/** The provider's metadata from `input` (null or "" leaves a field out), or a 400 naming the field. */
export function validateMetadata(provider: Provider, input: Record<string, unknown>): Metadata {
  const out: Metadata = {};
  for (const [spec, value] of checkedFields('metadata', provider, PROVIDER_SPECS[provider].metadata, input)) {
    const field = `metadata.${spec.name}`;
    if (spec.kind === 'headers') {
      out[spec.name] = headers(value, field);
      continue;
    }
    // ids typed as numbers (a channel id, a chat id) are kept as their text
    const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
    if (typeof text !== 'string') throw badRequest(`${field} must be a string`, field);
    const trimmed = text.trim();
    if (trimmed.length > MAX_METADATA_LENGTH) throw badRequest(`${field} must be at most ${MAX_METADATA_LENGTH} characters`, field);
    if (spec.kind === 'url' && !isHttpUrl(trimmed)) throw badRequest(`${field} must be an http(s) URL`, field);
    if (spec.kind === 'chat' && !/^(-?\d+|@[A-Za-z0-9_]{5,})$/.test(trimmed)) {
      throw badRequest(`${field} must be a numeric chat id or an @channel name`, field);
    }
    out[spec.name] = spec.kind === 'url' ? trimmed.replace(/\/+$/, '') : trimmed;
  }
  return out;
}

/** "****" and the last 4 characters of the provider's main secret; just "****" when it is too short to show any. */
export function maskSecrets(provider: Provider, secrets: Secrets): string {
  const main = PROVIDER_SPECS[provider].maskedFrom(secrets);
  return main && main.length >= 8 ? `****${main.slice(-4)}` : '****';
}

/** The given fields of `spec`, refusing unknown ones and missing required ones. */
function checkedFields(group: string, provider: Provider, specs: FieldSpec[], input: Record<string, unknown>): [FieldSpec, unknown][] {
  for (const name of Object.keys(input)) {
    if (!specs.some((s) => s.name === name)) {
      throw badRequest(`${group}.${name} is not a ${provider} field; the fields are ${specs.map((s) => s.name).join(', ')}`, `${group}.${name}`);
    }
  }
  const present: [FieldSpec, unknown][] = [];
  for (const spec of specs) {
    const value = input[spec.name];
    if (isBlank(value)) {
      if (spec.required) throw badRequest(`${group}.${spec.name} is required for ${provider}`, `${group}.${spec.name}`);
      continue;
    }
    present.push([spec, value]);
  }
  return present;
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

function jsonObjectText(value: unknown, field: string): string {
  let parsed = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      throw badRequest(`${field} must be JSON (the service account key file)`, field);
    }
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw badRequest(`${field} must be a JSON object`, field);
  const text = typeof value === 'string' ? value.trim() : JSON.stringify(value);
  if (text.length > MAX_SECRET_LENGTH) throw badRequest(`${field} must be at most ${MAX_SECRET_LENGTH} characters`, field);
  return text;
}

function headers(value: unknown, field: string): Record<string, string> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw badRequest(`${field} must be an object of header names to values`, field);
  const out: Record<string, string> = {};
  for (const [name, headerValue] of Object.entries(value)) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) throw badRequest(`${field} has an invalid header name "${name}"`, `${field}.${name}`);
    if (typeof headerValue !== 'string') throw badRequest(`${field}.${name} must be a string`, `${field}.${name}`);
    out[name] = headerValue;
  }
  return out;
}
