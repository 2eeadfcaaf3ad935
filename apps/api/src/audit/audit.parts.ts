/** The audit reads (scope `audit`), as ApiModule wires them. */
import { AuditEventsReader } from './audit-events.reader';
import { AuditController } from './audit.controller';
import {
  ExplainDistrictHandler,
  ExportAuditEventsHandler,
  ListAuditEventsHandler,
} from './audit.queries';

export const auditParts = {
  controllers: [AuditController],
  providers: [
    AuditEventsReader,
    ExplainDistrictHandler,
    ListAuditEventsHandler,
    ExportAuditEventsHandler,
  ],
};
