/** The audit reads (scope `audit`), as ApiModule wires them. */
import { AuditEventsReader } from './audit-events.reader';
import { AuditController } from './audit.controller';
import { ExportAuditEventsHandler, ListAuditEventsHandler } from './audit.queries';
import { ExplainDistrictHandler } from './explain-district.query';

export const auditParts = {
  controllers: [AuditController],
  providers: [
    AuditEventsReader,
    ExplainDistrictHandler,
    ListAuditEventsHandler,
    ExportAuditEventsHandler,
  ],
};
