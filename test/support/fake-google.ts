// Google as a service account's caller sees it, on a loopback port: the OAuth token endpoint
// (the key file's token_uri), which takes a JWT bearer assertion signed RS256 with the account's
// private key (RFC 7523), and Sheets v4 `spreadsheets.values.append`, which takes the access
// token it handed out. Both answer in Google's wire format, errors included.
import crypto from 'node:crypto';
import { listenLoopback, type Loopback, sendJson } from './loopback';

export interface ServiceAccount {
  /** The key file's JSON, as Google hands it out (token_uri points at this fake). */
  keyFile: Record<string, string>;
}

export interface AppendedRows {
  spreadsheetId: string;
  range: string;
  query: Record<string, string>;
  values: unknown[][];
}

export interface FakeGoogle extends Loopback {
  /** A service account whose public key the token endpoint knows. */
  serviceAccount: ServiceAccount;
  /** The assertions' claims the token endpoint accepted. */
  grants: Record<string, unknown>[];
  appended: AppendedRows[];
  /** Forgets every token, grant and row (the sheet has its header row only). */
  reset(): void;
}

const SHEETS_SCOPE = 'https://www.googleapis.com/auth/spreadsheets';

export async function startFakeGoogle(spreadsheetId: string): Promise<FakeGoogle> {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privateKeyId = crypto.randomBytes(20).toString('hex');
  const clientEmail = 'live-chat@line-live-chat-test.iam.gserviceaccount.com';
  const tokens = new Set<string>();
  const grants: Record<string, unknown>[] = [];
  const appended: AppendedRows[] = [];
  const HEADER = ['time', 'event', 'line_user_id', 'name', 'session', 'status'];
  const rows: unknown[][] = [HEADER];
  let url = '';

  const tokenError = (res: Parameters<typeof sendJson>[0], description: string) =>
    sendJson(res, 400, { error: 'invalid_grant', error_description: description });

  const server = await listenLoopback(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const target = new URL(req.url ?? '/', url);

    if (req.method === 'POST' && target.pathname === '/token') {
      if (!String(req.headers['content-type']).startsWith('application/x-www-form-urlencoded')) return tokenError(res, 'Bad Request');
      const form = new URLSearchParams(body);
      if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') {
        return sendJson(res, 400, { error: 'unsupported_grant_type', error_description: `Invalid grant_type: ${form.get('grant_type')}` });
      }
      const [header, claims, signature] = (form.get('assertion') ?? '').split('.');
      if (!signature) return tokenError(res, 'Invalid JWT: Token must be a signed JWT.');
      const verified = crypto.verify('RSA-SHA256', Buffer.from(`${header}.${claims}`), publicKey, Buffer.from(signature, 'base64url'));
      if (!verified) return tokenError(res, 'Invalid JWT Signature.');
      const head = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
      const claim = JSON.parse(Buffer.from(claims, 'base64url').toString('utf8'));
      const now = Math.floor(Date.now() / 1000);
      if (head.alg !== 'RS256') return tokenError(res, 'Invalid JWT: unsupported alg');
      if (claim.iss !== clientEmail) return tokenError(res, 'Invalid JWT: iss is not the service account');
      if (claim.aud !== `${url}/token`) return tokenError(res, 'Invalid JWT: aud is not the token endpoint');
      if (!(typeof claim.exp === 'number' && typeof claim.iat === 'number' && claim.exp > now && claim.exp - claim.iat <= 3600 && claim.iat <= now + 60)) {
        return tokenError(res, 'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.');
      }
      if (
        !String(claim.scope ?? '')
          .split(' ')
          .includes(SHEETS_SCOPE)
      )
        return tokenError(res, 'Invalid JWT: scope does not allow Sheets');
      grants.push(claim);
      const token = `ya29.${crypto.randomBytes(24).toString('base64url')}`;
      tokens.add(token);
      return sendJson(res, 200, { access_token: token, expires_in: 3599, token_type: 'Bearer' });
    }

    const append = /^\/v4\/spreadsheets\/([^/]+)\/values\/([^/]+):append$/.exec(target.pathname);
    if (req.method === 'POST' && append) {
      const bearer = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
      if (!bearer || !tokens.has(bearer)) {
        return sendJson(res, 401, {
          error: {
            code: 401,
            message:
              'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
            status: 'UNAUTHENTICATED',
          },
        });
      }
      const id = decodeURIComponent(append[1]);
      if (id !== spreadsheetId) return sendJson(res, 404, { error: { code: 404, message: 'Requested entity was not found.', status: 'NOT_FOUND' } });
      const query = Object.fromEntries(target.searchParams);
      if (!['RAW', 'USER_ENTERED'].includes(query.valueInputOption)) {
        return sendJson(res, 400, { error: { code: 400, message: "Invalid valueInputOption: ''", status: 'INVALID_ARGUMENT' } });
      }
      let values: unknown;
      try {
        values = JSON.parse(body).values;
      } catch {
        values = undefined;
      }
      if (!Array.isArray(values) || !values.every(Array.isArray)) {
        return sendJson(res, 400, { error: { code: 400, message: 'Invalid JSON payload received. Unknown name "values".', status: 'INVALID_ARGUMENT' } });
      }
      const range = decodeURIComponent(append[2]);
      const sheet = range.split('!')[0];
      const first = rows.length + 1;
      rows.push(...(values as unknown[][]));
      appended.push({ spreadsheetId: id, range, query, values: values as unknown[][] });
      const columns = Math.max(...(values as unknown[][]).map((row) => row.length));
      const lastColumn = String.fromCharCode(64 + columns);
      return sendJson(res, 200, {
        spreadsheetId: id,
        tableRange: `${sheet}!A1:F${first - 1}`,
        updates: {
          spreadsheetId: id,
          updatedRange: `${sheet}!A${first}:${lastColumn}${rows.length}`,
          updatedRows: values.length,
          updatedColumns: columns,
          updatedCells: (values as unknown[][]).reduce((n, row) => n + row.length, 0),
        },
      });
    }
    sendJson(res, 404, { error: { code: 404, message: 'Not Found', status: 'NOT_FOUND' } });
  });
  url = server.url;

  const serviceAccount: ServiceAccount = {
    keyFile: {
      type: 'service_account',
      project_id: 'line-live-chat-test',
      private_key_id: privateKeyId,
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      client_email: clientEmail,
      client_id: '100000000000000000001',
      auth_uri: 'https://accounts.google.com/o/oauth2/auth',
      token_uri: `${url}/token`,
      auth_provider_x509_cert_url: 'https://www.googleapis.com/oauth2/v1/certs',
      client_x509_cert_url: `https://www.googleapis.com/robot/v1/metadata/x509/${encodeURIComponent(clientEmail)}`,
      universe_domain: 'googleapis.com',
    },
  };
  const reset = () => {
    tokens.clear();
    grants.length = 0;
    appended.length = 0;
    rows.splice(0, rows.length, HEADER);
  };
  return { ...server, serviceAccount, grants, appended, reset };
}
