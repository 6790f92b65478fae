import type { TopicSummary } from '../../bus/lag.js';
import type { DeviceSummary } from '../../pipeline/deviceSummary.js';
import { type ExerciseCheck, notAnswered, verdict } from './exerciseCheck.js';

/**
 * Notebook 01, exercise 1: the id of the device that failed most often in the simulation (any of them on a tie).
 * @example checkMostFailures('device_3', { devices: summarizeSimulation(simulation).devices });
 */
export function checkMostFailures(
  answer: string | undefined,
  context: { devices: readonly DeviceSummary[] },
): ExerciseCheck {
  const exercise = '01.1 the device that failed most';
  if (answer === undefined) return notAnswered(exercise, 'a device id such as "device_3"');
  const most = Math.max(0, ...context.devices.map((d) => d.failures));
  const leaders = context.devices.filter((d) => d.failures === most).map((d) => d.device_id);
  const mine = context.devices.find((d) => d.device_id === answer);
  const times = (n: number) => (n === 1 ? 'once' : `${n} times`);
  return verdict(exercise, leaders.includes(answer), {
    pass: `${answer} failed ${times(most)}, more than any other device${leaders.length > 1 ? ` (tied with ${leaders.filter((d) => d !== answer).join(', ')})` : ''}`,
    fail:
      mine === undefined
        ? `${JSON.stringify(answer)} is not a device of this plant (${context.devices.length} devices: device_1 …)`
        : `${answer} failed ${times(mine.failures)}; another device failed more often (see the failures column)`,
  });
}

/**
 * Notebook 01, exercise 2: how many messages a topic holds, all partitions together (the sum of end offsets).
 * @example checkTopicMessages(201_600, { topics: await describeTopics(log), topic: 'iot-telemetry' });
 */
export function checkTopicMessages(
  answer: number | undefined,
  context: { topics: readonly TopicSummary[]; topic: string },
): ExerciseCheck {
  const exercise = `01.2 messages in ${context.topic}`;
  if (answer === undefined) return notAnswered(exercise, 'a number of messages');
  const partitions = context.topics.find((t) => t.topic === context.topic)?.partitions ?? [];
  const total = partitions.reduce((n, p) => n + p.endOffset, 0);
  const onePartition = partitions.some((p) => p.endOffset === answer);
  return verdict(exercise, answer === total, {
    pass: `${total.toLocaleString('en-US')} messages in ${partitions.length} partitions`,
    fail: onePartition
      ? `${answer.toLocaleString('en-US')} is what one partition holds; add up every partition of ${context.topic}`
      : `${answer.toLocaleString('en-US')} is not it: a partition's end offset is how many messages it holds`,
  });
}
