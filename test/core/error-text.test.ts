import assert from 'node:assert';
import { errorText, errorWithStack } from '../../src/util/error-text';

describe('error text for logs', () => {
  it('names an error with no message of its own by what it holds (a refused connection)', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const text = errorText(new AggregateError([refused]));
    assert.strictEqual(text, 'AggregateError (Error: connect ECONNREFUSED 127.0.0.1:5432)');
  });

  it("keeps a database error's code and detail, and a failed fetch's cause", () => {
    const deadlock = Object.assign(new Error('deadlock detected'), { name: 'DatabaseError', code: '40P01', detail: 'Process 1 waits for ShareLock' });
    assert.strictEqual(errorText(deadlock), 'DatabaseError: deadlock detected [40P01] (Process 1 waits for ShareLock)');
    const cause = Object.assign(new Error('getaddrinfo ENOTFOUND api.line.me'), { code: 'ENOTFOUND' });
    assert.strictEqual(errorText(new TypeError('fetch failed', { cause })), 'TypeError: fetch failed; cause: Error: getaddrinfo ENOTFOUND api.line.me');
  });

  it('puts the stack frames after the message, once', () => {
    const lines = errorWithStack(new Error('boom')).split('\n');
    assert.strictEqual(lines[0], 'Error: boom');
    assert.ok(lines.length > 1 && lines.slice(1).every((l) => /^\s+at /.test(l)));
  });
});
