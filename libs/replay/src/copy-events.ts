import { LoggedEvent } from '@sitrep/domain';
import { Pool } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** COPY text format: backslash, tab, newline and carriage return are escaped; null is \N. */
const field = (value: string | number | null | undefined): string =>
  value === null || value === undefined
    ? '\\N'
    : String(value)
        .replace(/\\/g, '\\\\')
        .replace(/\t/g, '\\t')
        .replace(/\n/g, '\\n')
        .replace(/\r/g, '\\r');

function* lines(events: readonly LoggedEvent[]): Generator<string> {
  let chunk = '';
  for (const { event, position } of events) {
    const target =
      event.type === 'claim.asserted'
        ? undefined
        : 'claimId' in event.data.target
          ? event.data.target.claimId
          : undefined;
    chunk +=
      [
        event.id,
        event.type,
        event.schema,
        event.reportId,
        event.claimant,
        event.place.province,
        event.place.pcode,
        target,
        event.observedAt,
        event.recordedAt,
        position.partition,
        position.offset,
        JSON.stringify(event),
      ]
        .map(field)
        .join('\t') + '\n';
    if (chunk.length > 1 << 20) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

/** Bulk-load events into a read model being rebuilt (the schema is not live: no conflicts). */
export async function copyEvents(
  pool: Pool,
  schema: string,
  events: readonly LoggedEvent[],
): Promise<void> {
  if (events.length === 0) return;
  const client = await pool.connect();
  try {
    const sink = client.query(
      copyFrom(
        `COPY ${schema}.events (claim_id, type, schema, report_id, claimant, province, place_pcode, target_id,
           observed_at, recorded_at, partition, log_offset, body) FROM STDIN`,
      ),
    );
    await pipeline(Readable.from(lines(events)), sink);
  } finally {
    client.release();
  }
}
