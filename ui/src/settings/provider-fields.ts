// The form of each provider's credential, as the API checks it (src/credentials/providers.ts,
// seed §3.3): secret fields (stored encrypted, never answered) under `credentials`, the rest
// under `metadata`. A field's key is the name the API gives a 400, e.g. `credentials.bot_token`.
import { registerStrings, t } from '../core/i18n';

export const PROVIDERS = ['LINE', 'TELEGRAM', 'N8N', 'GOOGLE_SHEETS', 'CUSTOM'] as const;
export type Provider = (typeof PROVIDERS)[number];

export interface FieldSpec {
  /** `credentials.<name>` or `metadata.<name>`. */
  key: string;
  group: 'credentials' | 'metadata';
  name: string;
  secret?: boolean;
  required?: boolean;
  /** text: one line; multiline: a textarea; url: an http(s) address; json: an object as JSON text. */
  kind?: 'text' | 'multiline' | 'url' | 'json';
  /** Filled in by Verify connection (the service's answer). */
  learned?: boolean;
}

const secret = (name: string, required = true, kind: FieldSpec['kind'] = 'text'): FieldSpec => ({
  key: `credentials.${name}`,
  group: 'credentials',
  name,
  secret: true,
  required,
  kind,
});
const meta = (name: string, options: Partial<FieldSpec> = {}): FieldSpec => ({ key: `metadata.${name}`, group: 'metadata', name, kind: 'text', ...options });

/** The fields in the order the form shows them (seed §5.2). */
export const PROVIDER_FIELDS: Record<Provider, FieldSpec[]> = {
  LINE: [meta('channel_id'), secret('channel_secret'), secret('channel_access_token'), meta('liff_id'), meta('bot_name', { learned: true })],
  TELEGRAM: [secret('bot_token'), meta('bot_username', { learned: true }), meta('admin_chat_id')],
  N8N: [meta('base_url', { required: true, kind: 'url' }), secret('api_key'), meta('webhook_url', { kind: 'url' })],
  GOOGLE_SHEETS: [secret('service_account_json', true, 'multiline'), meta('spreadsheet_id', { required: true }), meta('sheet_name')],
  CUSTOM: [meta('base_url', { kind: 'url' }), secret('api_key'), secret('api_secret', false), meta('headers', { kind: 'json' })],
};

/** Providers whose Verify connection the API can carry out (seed §7). */
export const VERIFIABLE: readonly Provider[] = ['LINE', 'TELEGRAM', 'N8N'];

export interface Credential {
  id: number;
  name: string;
  provider: Provider;
  metadata: Record<string, unknown>;
  is_active: boolean;
  is_default: boolean;
  credentials_masked: string | null;
  decryption_error?: string;
  created_at: string;
  updated_at: string;
}

export interface VerifyResult {
  success: boolean;
  message: string;
  /** The outcome as a stable code and what fills it in, said in the operator's language. */
  code?: string;
  params?: Record<string, string>;
  bot_info?: Record<string, unknown>;
}

/** The form field a 400's `field` belongs to (`metadata.headers.X-Key` is the headers field). */
export function fieldFor(apiField: string | undefined, fields: string[]): string | undefined {
  if (!apiField) return undefined;
  return fields.find((key) => apiField === key || apiField.startsWith(`${key}.`));
}

registerStrings({
  th: {
    'provider.LINE': 'LINE',
    'provider.TELEGRAM': 'Telegram',
    'provider.N8N': 'n8n',
    'provider.GOOGLE_SHEETS': 'Google Sheets',
    'provider.CUSTOM': 'กำหนดเอง',
    'field.channel_id': 'Channel ID',
    'field.channel_secret': 'Channel secret',
    'field.channel_access_token': 'Channel access token',
    'field.liff_id': 'LIFF ID',
    'field.bot_name': 'ชื่อบอท',
    'field.bot_token': 'Bot token',
    'field.bot_username': 'ชื่อผู้ใช้ของบอท',
    'field.admin_chat_id': 'Chat ID ของกลุ่มแอดมิน',
    'field.base_url': 'Base URL',
    'field.api_key': 'API key',
    'field.webhook_url': 'Webhook URL',
    'field.api_secret': 'API secret',
    'field.headers': 'Headers (JSON)',
    'field.service_account_json': 'Service account JSON',
    'field.spreadsheet_id': 'Spreadsheet ID',
    'field.sheet_name': 'ชื่อชีต',
  },
  en: {
    'provider.LINE': 'LINE',
    'provider.TELEGRAM': 'Telegram',
    'provider.N8N': 'n8n',
    'provider.GOOGLE_SHEETS': 'Google Sheets',
    'provider.CUSTOM': 'Custom',
    'field.channel_id': 'Channel ID',
    'field.channel_secret': 'Channel secret',
    'field.channel_access_token': 'Channel access token',
    'field.liff_id': 'LIFF ID',
    'field.bot_name': 'Bot name',
    'field.bot_token': 'Bot token',
    'field.bot_username': 'Bot username',
    'field.admin_chat_id': 'Admin chat ID',
    'field.base_url': 'Base URL',
    'field.api_key': 'API key',
    'field.webhook_url': 'Webhook URL',
    'field.api_secret': 'API secret',
    'field.headers': 'Headers (JSON)',
    'field.service_account_json': 'Service account JSON',
    'field.spreadsheet_id': 'Spreadsheet ID',
    'field.sheet_name': 'Sheet name',
  },
});

export const providerLabel = (provider: string) => t(`provider.${provider}`);
export const fieldLabel = (name: string) => t(`field.${name}`);

/** A metadata value as one line of text (headers are an object). */
export function metadataText(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

registerStrings({
  th: {
    'verify.connected': 'เชื่อมต่อกับ {service} ในชื่อ {name}',
    'verify.healthy': '{service} ทำงานปกติ',
    'verify.refused': '{service} ปฏิเสธข้อมูลเข้าสู่ระบบนี้ ({detail})',
    'verify.unhealthy': '{service} ตอบว่าทำงานไม่ปกติ ({detail})',
    'verify.unreachable': 'ติดต่อ {service} ไม่ได้ ({detail})',
    'verify.unsupported': 'ยังทดสอบการเชื่อมต่อของ {service} ไม่ได้',
  },
  en: {
    'verify.connected': 'Connected to {service} as {name}',
    'verify.healthy': '{service} is healthy',
    'verify.refused': '{service} refused these credentials ({detail})',
    'verify.unhealthy': '{service} says it is not healthy ({detail})',
    'verify.unreachable': 'Could not reach {service} ({detail})',
    'verify.unsupported': 'Testing {service} is not supported yet',
  },
});
/** A verify result in the operator's language from its code; the API's English for a code without words here. */
export function verifyText(result: VerifyResult): string {
  const key = `verify.${result.code}`;
  return result.code && t(key) !== key ? t(key, result.params ?? {}) : result.message;
}
