import path from 'node:path';
import { expect, it } from 'vitest';
import { writeDeadLetters } from '../../src/bus/deadLetters.js';
import { openEmbeddedLog } from '../../src/bus/embedded/embeddedLog.js';
import { DeadLetter } from '../../src/schema/deadLetter.js';
import { readN } from '../bus/logContract.js';
import { tempDir } from '../support/tempDirs.js';

it('writes rejected messages to the dead-letter topic, keyed like their source', async () => {
  const file = path.join(tempDir('lambda-iot-dlq-'), 'log.sqlite');
  const log = openEmbeddedLog({ file });
  const [ack] = await log.produce('iot-telemetry', [{ key: 'device_4', value: '{oops', timestamp: 5 }]);
  const reader = await log.consumer({ topics: ['iot-telemetry'], fromBeginning: true });
  const [record] = await readN(reader, 1);
  const letters = await writeDeadLetters(
    log,
    'iot-dlq',
    [{ record: record!, reason: 'not JSON: x' }],
    'test-consumer',
  );
  expect(letters).toHaveLength(1);
  const dlq = await log.consumer({ topics: ['iot-dlq'], fromBeginning: true });
  const [letter] = await readN(dlq, 1);
  expect(letter!.key).toBe('device_4');
  expect(letter!.timestamp).toBe(5);
  const parsed = DeadLetter.parse(JSON.parse(letter!.value.toString()));
  expect(parsed).toMatchObject({
    payload: '{oops',
    source: { topic: 'iot-telemetry', partition: ack!.partition, offset: 0, key: 'device_4' },
    consumer: 'test-consumer',
    reason: 'not JSON: x',
  });
  await log.close();
});
