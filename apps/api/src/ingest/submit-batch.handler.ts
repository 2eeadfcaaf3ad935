import { Inject } from '@nestjs/common';
import { CommandBus, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Submitter, targetIdsOf } from '@sitrep/domain';
import { claimIdFor, JsonLogger, LOGGER } from '@sitrep/platform';
import { BODY_LIMIT } from '../http/http-server';
import { NdjsonLine, tooLarge } from '../http/ndjson-body';
import { invalidRequest, Problem } from '../http/problem';
import { problemBody, toProblem } from '../http/problem.filter';
import { parseOrThrow } from '../http/validation';
import { ReportReceipt, SubmitReportCommand } from './submit-report.handler';
import { ReportInput, reportSchema } from './report.schema';

export const BATCH_PATH = '/v1/reports:batch';
/** Reports of one batch submitted at once (the writer groups them into Kafka transactions). */
const IN_FLIGHT = 256;

export class SubmitReportBatchCommand {
  constructor(
    readonly lines: readonly NdjsonLine[],
    readonly submittedBy: Submitter,
  ) {}
}

/** The answer to one line, as its line of the NDJSON response. */
export interface BatchLineResult {
  readonly line: number;
  readonly status: number;
  readonly reportId?: string;
  readonly claimIds?: readonly string[];
  /** The receipt `POST /v1/reports` gives (201 and 200). */
  readonly report?: ReportReceipt['body'];
  /** The problem document `POST /v1/reports` gives (every other status). */
  readonly problem?: Record<string, unknown>;
}

interface Parsed {
  readonly line: number;
  readonly report: ReportInput;
  /** Indexes (in the batch) of earlier lines this one must wait for. */
  readonly after: readonly number[];
}

/** A line's report, or the problem that keeps it out (400, or 413 for a line over 1 MiB). */
function parseLine({ text }: NdjsonLine): ReportInput | Problem {
  if (Buffer.byteLength(text) > BODY_LIMIT)
    return tooLarge('this line is larger than 1 MiB, the limit of one report; split the report');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return invalidRequest(
      `the line is not valid JSON (${(error as Error).message}); each line must be one report as POST /v1/reports takes it`,
    );
  }
  try {
    return parseOrThrow(reportSchema, json, 'report');
  } catch (problem) {
    return problem as Problem;
  }
}

/**
 * Every line of a batch goes through the same path as `POST /v1/reports` (SubmitReportCommand:
 * schema, the domain's decision, the grouped Kafka writer and its resubmission rules), many at
 * once. Order is kept where it matters: a line waits for earlier lines with the same report id,
 * and for the earlier lines whose claims it targets by id, as if the lines were sent one by one.
 */
@CommandHandler(SubmitReportBatchCommand)
export class SubmitReportBatchHandler implements ICommandHandler<
  SubmitReportBatchCommand,
  BatchLineResult[]
> {
  constructor(
    private readonly commands: CommandBus,
    @Inject(LOGGER) private readonly logger: JsonLogger,
  ) {}

  async execute({ lines, submittedBy }: SubmitReportBatchCommand): Promise<BatchLineResult[]> {
    const results: (BatchLineResult | Promise<BatchLineResult>)[] = [];
    const done: Promise<unknown>[] = [];
    const lineOfReport = new Map<string, number>();
    const lineOfClaim = new Map<string, number>();
    let free = IN_FLIGHT;
    const waiting: (() => void)[] = [];
    const acquire = () =>
      free > 0 ? ((free -= 1), Promise.resolve()) : new Promise<void>((r) => waiting.push(r));
    const release = () => (waiting.length > 0 ? waiting.shift()!() : (free += 1));

    for (const [at, line] of lines.entries()) {
      const report = parseLine(line);
      if (report instanceof Problem) {
        results.push(this.refused(line.line, report, reportIdIn(line.text)));
        done.push(Promise.resolve());
        continue;
      }
      const after = [
        lineOfReport.get(report.reportId),
        ...targetIdsOf(report).map((id) => lineOfClaim.get(id.toLowerCase())),
      ].filter((n): n is number => n !== undefined);
      lineOfReport.set(report.reportId, at);
      report.claims.forEach((_, index) => {
        const id = claimIdFor(report.reportId, index);
        if (!lineOfClaim.has(id)) lineOfClaim.set(id, at);
      });
      // Slots are taken in line order: a line waits only for earlier lines, which hold theirs.
      await acquire();
      const result = this.submit({ line: line.line, report, after }, submittedBy, done).finally(
        release,
      );
      results.push(result);
      done.push(result);
    }
    return Promise.all(results);
  }

  private async submit(
    { line, report, after }: Parsed,
    submittedBy: Submitter,
    done: readonly Promise<unknown>[],
  ): Promise<BatchLineResult> {
    await Promise.all(after.map((n) => done[n]));
    try {
      const receipt = await this.commands.execute<SubmitReportCommand, ReportReceipt>(
        new SubmitReportCommand(report, submittedBy),
      );
      return {
        line,
        status: receipt.created ? 201 : 200,
        reportId: report.reportId,
        claimIds: receipt.body.claims.map((c) => c.claimId),
        report: receipt.body,
      };
    } catch (error) {
      return this.refused(line, toProblem(error), report.reportId, error);
    }
  }

  private refused(
    line: number,
    problem: Problem,
    reportId: string | undefined,
    error?: unknown,
  ): BatchLineResult {
    if (problem.status === 500)
      this.logger.write('error', 'a line of a batch failed', {
        line,
        reportId,
        error: (error as Error | undefined)?.message,
        stack: (error as Error | undefined)?.stack,
      });
    const claimIds = problem.extensions['claimIds'];
    return {
      line,
      status: problem.status,
      ...(reportId !== undefined && { reportId }),
      ...(Array.isArray(claimIds) && { claimIds: claimIds as string[] }),
      problem: problemBody(problem, BATCH_PATH),
    };
  }
}

/** The report id of a line that was refused, when it has a readable one (to say which report). */
function reportIdIn(text: string): string | undefined {
  try {
    const id = (JSON.parse(text) as { reportId?: unknown } | null)?.reportId;
    return typeof id === 'string' && id.length <= 128 ? id : undefined;
  } catch {
    return undefined;
  }
}
