import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { Readable } from 'node:stream';
import { AuditEvent, AuditEventFilter, AuditEventsReader, LogKey } from './audit-events.reader';

export class ListAuditEventsQuery {
  constructor(
    readonly filter: AuditEventFilter,
    readonly after: LogKey | undefined,
    readonly limit: number,
  ) {}
}

export class ExportAuditEventsQuery {
  constructor(readonly filter: AuditEventFilter) {}
}

/** The opaque cursor of an events page: where the page ended in the log. */
export const encodeLogCursor = (key: LogKey): string =>
  Buffer.from(`${key.partition}:${key.offset}`).toString('base64url');

export function decodeLogCursor(cursor: string): LogKey | undefined {
  const match = /^(\d{1,9}):(\d{1,18})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return match ? { partition: Number(match[1]), offset: Number(match[2]) } : undefined;
}

@QueryHandler(ListAuditEventsQuery)
export class ListAuditEventsHandler implements IQueryHandler<ListAuditEventsQuery> {
  constructor(private readonly events: AuditEventsReader) {}

  async execute({ filter, after, limit }: ListAuditEventsQuery) {
    const rows = await this.events.page(filter, after, limit + 1);
    const items: AuditEvent[] = rows.slice(0, limit);
    const last = items[items.length - 1];
    return {
      items,
      nextCursor: rows.length > limit && last ? encodeLogCursor(last) : null,
      filter: {
        province: filter.province ?? null,
        from: filter.from ?? null,
        to: filter.to ?? null,
        axis: filter.axis,
      },
    };
  }
}

@QueryHandler(ExportAuditEventsQuery)
export class ExportAuditEventsHandler implements IQueryHandler<ExportAuditEventsQuery> {
  constructor(private readonly events: AuditEventsReader) {}

  execute({ filter }: ExportAuditEventsQuery): Promise<Readable> {
    return this.events.export(filter);
  }
}
