/** The mean size of the message values on a topic, from its first `sample` messages. */
import { Kafka } from 'kafkajs';

export async function meanRecordSize(
  kafka: Kafka,
  topic: string,
  group: string,
  sample: number,
): Promise<number> {
  const consumer = kafka.consumer({ groupId: group, readUncommitted: false });
  let bytes = 0;
  let messages = 0;
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`read only ${messages} messages of ${topic} in 60 s`)),
        60_000,
      );
      consumer
        .run({
          eachBatch: async ({ batch }) => {
            for (const message of batch.messages) {
              if (messages >= sample) break;
              bytes += message.value?.length ?? 0;
              messages += 1;
            }
            if (messages >= sample) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect().catch(() => undefined);
  }
  return Math.round(bytes / Math.max(1, messages));
}
