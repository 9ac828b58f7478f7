// Saved configs are lifted step by step to the version the runtime reads (nodes/shared/config-version).
import assert from 'node:assert';
import { NewerConfigError, savedVersion, upgradeConfig } from '../../nodes/shared/config-version';
import type { NodeDefinition } from '../../nodes/shared/node-red';

const saved = (props: Record<string, unknown>) => ({ id: 'n1', type: 'handoff', name: '', z: 'f1', ...props }) as NodeDefinition;

describe('per-node config versions', () => {
  it('reads a config saved before versions existed as version 1', () => {
    assert.strictEqual(savedVersion(saved({})), 1);
    assert.strictEqual(savedVersion(saved({ configVersion: '2' })), 2);
    for (const odd of [0, -1, 1.5, 'x', null]) assert.strictEqual(savedVersion(saved({ configVersion: odd })), 1, String(odd));
  });

  it('lifts a config through each step in turn and stamps the current version, leaving the saved one alone', () => {
    const v1 = saved({ keywords: 'agent', greeting: 'hi' });
    const lifted = upgradeConfig(v1, 3, {
      1: (c) => ({ ...c, keywords: String(c.keywords).split('\n'), greeting: undefined, greetings: [c.greeting] }),
      2: (c) => ({ ...c, matchMode: (c.keywords as string[]).length > 1 ? 'contains' : 'exact' }),
    });
    assert.deepStrictEqual(lifted, { ...v1, keywords: ['agent'], greeting: undefined, greetings: ['hi'], matchMode: 'exact', configVersion: 3 });
    assert.strictEqual(v1.configVersion, undefined);
    assert.deepStrictEqual(
      upgradeConfig(saved({ configVersion: 3, keywords: ['x'] }), 3, { 1: () => assert.fail('not run') }),
      saved({ configVersion: 3, keywords: ['x'] }),
    );
  });

  it('refuses a config saved by a newer release', () => {
    assert.throws(
      () => upgradeConfig(saved({ configVersion: 4 }), 3),
      (err: unknown) => err instanceof NewerConfigError && err.version === 4 && err.current === 3,
    );
  });
});
