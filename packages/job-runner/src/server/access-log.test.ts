import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyBaseLogger } from 'fastify';
import { captureLogs, waitFor } from '../testing/harness.ts';
import { AccessLog } from './access-log.ts';

const fields = { request_id: 'r-1', caller: 'bob "the" caller', endpoint: '/api/v1/perform', method: 'POST', path: '/api/v1/perform', status: 200, duration_ms: 1.25 };

test('writes the same line pino would, batched per turn', async () => {
  const logs = captureLogs();
  const logger = logs.logger as unknown as FastifyBaseLogger;
  logger.info(fields, 'request done');
  const log = new AccessLog(logger);
  log.write('info', fields);
  log.write('debug', { ...fields, request_id: 'r-2' });
  assert.equal(logs.lines.length, 1, 'the access lines wait for the end of the turn');
  await waitFor(() => logs.lines.length === 3, 2000, 'flushed lines');
  const [byPino, byAccessLog, debug] = logs.lines;
  assert.deepEqual({ ...byAccessLog, time: undefined }, { ...byPino, time: undefined });
  assert.equal(typeof byAccessLog?.['time'], 'string');
  assert.deepEqual([debug?.['level'], debug?.['request_id']], [20, 'r-2']);
});
