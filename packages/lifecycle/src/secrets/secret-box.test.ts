import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSecretBox } from './secret-box.ts';

test('sealed secrets open with the same key only and do not contain the plain values', () => {
  const box = createSecretBox('key-one');
  const sealed = box.seal({ TOKEN: 'hunter2' });
  assert.ok(!sealed.includes('hunter2'));
  assert.deepEqual(box.open(sealed), { TOKEN: 'hunter2' });
  assert.throws(() => createSecretBox('key-two').open(sealed));
});
