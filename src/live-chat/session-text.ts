// The texts the system (or an operator, on closing) sends alongside a session change: the
// handoff greeting, closing and auto-close messages. They go through LineSender like any other
// message (stored first, retried), but a failure is logged and answered, never thrown: the
// session change they accompany stands.
import type { Credentials } from '../credentials/credential-service';
import type { Logger } from '../logger';
import type { LineSender, SendRequest, SendResult } from '../line/line-sender';
import { lineErrorText } from '../line/line-clients';

export type TextOutcome = SendResult | { status: 'FAILED'; error: string };

export interface SessionTextRequest extends Omit<SendRequest, 'messages' | 'channelAccessToken'> {
  /** One text, or several sent together (a greeting and the queue place). */
  text: string | string[];
  /** LINE credential id or name; the default one when absent. */
  credential?: string;
  /** What the text is, for the log ("handoff greeting"). */
  what: string;
}

export async function sendSessionText(lineSender: LineSender, credentials: Credentials, log: Logger, request: SessionTextRequest): Promise<TextOutcome> {
  const { text, credential, what, ...send } = request;
  try {
    const line = await credentials.resolve('LINE', credential?.trim() || undefined);
    return await lineSender.sendToContact({ ...send, messages: text, channelAccessToken: line.secrets.channel_access_token ?? '' });
  } catch (err) {
    const error = lineErrorText(err);
    log.warn(`${what} to ${request.contact.line_user_id} not sent: ${error}`);
    return { status: 'FAILED', error };
  }
}
