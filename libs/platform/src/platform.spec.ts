import { ConfigError, loadConfig, redactUrl, topicsFor } from './config';
import { canonicalDigest, claimIdFor, hashApiKey, uuidV5 } from './ids';
import { Admin, KafkaJSProtocolError } from 'kafkajs';
import { fetchTopicOffsetsRetrying, replicationFor } from './kafka';

describe('ids', () => {
  it('computes RFC 4122 UUID v5 (the DNS namespace example)', () => {
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe(
      '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    );
  });

  it('derives claim ids from the report id and the index only', () => {
    expect(claimIdFor('r1', 0)).toBe(claimIdFor('r1', 0));
    expect(claimIdFor('r1', 0)).not.toBe(claimIdFor('r1', 1));
    expect(claimIdFor('r1', 0)).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it('digests JSON regardless of key order, but not of array order', () => {
    expect(canonicalDigest({ a: 1, b: { c: [1, 2], d: 'x' } })).toBe(
      canonicalDigest({ b: { d: 'x', c: [1, 2] }, a: 1 }),
    );
    expect(canonicalDigest({ c: [1, 2] })).not.toBe(canonicalDigest({ c: [2, 1] }));
  });

  it('keeps the ids and digests of reports accepted by earlier builds', () => {
    const report = {
      reportId: 'desk-2021-09-05-017',
      source: {
        outlet: 'Twitter',
        publishedAt: '2021-09-05T18:30:00Z',
        reliability: 'F',
        url: undefined,
      },
      claims: [
        {
          claimant: 'taliban',
          speaker: 'spokesman',
          kind: 'control',
          actor: 'taliban',
          place: 'Rukhah',
          province: 'Panjshir',
          observedAt: '2021-09-05T16:00:00Z',
          credibility: 4,
          quote: 'naïve “quotes” \u2028 \\\\ "x"',
        },
        {
          claimant: 'nrf',
          kind: 'dispute',
          observedAt: '2021-09-05T20:00:00Z',
          target: { index: 0 },
        },
        [1, null, 'a', undefined, { z: 1, a: [{}] }],
      ],
    };
    expect(canonicalDigest(report)).toBe(
      'efbe3697b7f7d8f7d1e65f0a7e7be74827d78f95e9c5ca2fda8266d8f4d84910',
    );
    expect(claimIdFor('desk-2021-09-05-017', 1)).toBe('bc903826-bb53-58d2-b315-92d25f6b9b27');
  });

  it('stores keys as hashes', () => {
    expect(hashApiKey('secret-key')).toMatch(/^[0-9a-f]{64}$/);
    expect(hashApiKey('secret-key')).not.toContain('secret');
  });
});

describe('configuration', () => {
  it('has working defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      topicPrefix: '',
      kafkaBrokers: ['127.0.0.1:9092'],
      partitions: 6,
    });
    expect(config.databaseUrl).toBe('postgres://postgres@127.0.0.1:5432/sitrep');
  });

  it('names every bad variable at once', () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: 'eighty',
        KAFKA_BROKERS: 'nohost',
        SITREP_BOOTSTRAP_KEY: 'short',
        DATABASE_URL: 'mysql://x/y',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    for (const name of ['PORT', 'KAFKA_BROKERS', 'SITREP_BOOTSTRAP_KEY', 'DATABASE_URL'])
      expect(message).toContain(name);
  });

  it('prefixes every topic and group', () => {
    expect(Object.values(topicsFor('t1.')).every((name) => name.startsWith('t1.'))).toBe(true);
  });

  it('hides passwords in logged URLs', () => {
    expect(redactUrl('postgres://sitrep:hunter2@db:5432/sitrep')).not.toContain('hunter2');
  });
});

describe('replication of new topics', () => {
  it('is 3 with 2 in sync on a cluster of 3 brokers or more, 1 on a single broker', () => {
    expect(replicationFor(1)).toEqual({ replicationFactor: 1, minInsyncReplicas: 1 });
    expect(replicationFor(3)).toEqual({ replicationFactor: 3, minInsyncReplicas: 2 });
    expect(replicationFor(5)).toEqual({ replicationFactor: 3, minInsyncReplicas: 2 });
  });

  it('follows KAFKA_REPLICATION_FACTOR and KAFKA_MIN_INSYNC_REPLICAS when set', () => {
    const config = loadConfig({ KAFKA_REPLICATION_FACTOR: '2' });
    expect(replicationFor(3, config)).toEqual({ replicationFactor: 2, minInsyncReplicas: 1 });
    expect(
      replicationFor(
        3,
        loadConfig({ KAFKA_REPLICATION_FACTOR: '3', KAFKA_MIN_INSYNC_REPLICAS: '3' }),
      ),
    ).toEqual({ replicationFactor: 3, minInsyncReplicas: 3 });
    expect(() =>
      loadConfig({ KAFKA_REPLICATION_FACTOR: '1', KAFKA_MIN_INSYNC_REPLICAS: '2' }),
    ).toThrow(/KAFKA_MIN_INSYNC_REPLICAS/);
  });
});

describe("a topic's offsets", () => {
  const offsets = [{ partition: 0, offset: '7', high: '7', low: '0' }];
  /** An admin client whose fetchTopicOffsets answers with these outcomes in turn. */
  const adminAnswering = (...outcomes: (Error | typeof offsets)[]) => {
    let calls = 0;
    const admin = {
      fetchTopicOffsets: () => {
        const outcome = outcomes[Math.min(calls++, outcomes.length - 1)]!;
        return outcome instanceof Error ? Promise.reject(outcome) : Promise.resolve(outcome);
      },
    } as unknown as Admin;
    return { admin, calls: () => calls };
  };
  const notLeader = () =>
    new KafkaJSProtocolError(
      Object.assign(new Error('This server is not the leader for that topic-partition'), {
        type: 'NOT_LEADER_FOR_PARTITION',
        code: 6,
        retriable: true,
      }),
    );

  it('are asked again while the broker is not yet the leader of a new partition', async () => {
    const { admin, calls } = adminAnswering(notLeader(), notLeader(), offsets);
    await expect(fetchTopicOffsetsRetrying(admin, 'claims')).resolves.toEqual(offsets);
    expect(calls()).toBe(3);
  });

  it('fail at once on an error that asking again cannot mend', async () => {
    const denied = new KafkaJSProtocolError(
      Object.assign(new Error('Not authorized to access topics'), {
        type: 'TOPIC_AUTHORIZATION_FAILED',
        code: 29,
        retriable: false,
      }),
    );
    const { admin, calls } = adminAnswering(denied, offsets);
    await expect(fetchTopicOffsetsRetrying(admin, 'claims')).rejects.toBe(denied);
    expect(calls()).toBe(1);
  });

  it('fail with the last error when the broker keeps refusing', async () => {
    const { admin } = adminAnswering(notLeader());
    await expect(fetchTopicOffsetsRetrying(admin, 'claims', 250)).rejects.toThrow(/not the leader/);
  });
});
