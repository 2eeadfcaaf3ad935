import { Body, Controller, Param, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { AuthenticatedRequest } from '../auth/api-key.guard';
import { RequireScope } from '../auth/scopes';
import { ApiDoc } from '../http/openapi/api-doc.decorator';
import { pathOr404 } from '../http/path-params';
import { parseOrThrow } from '../http/validation';
import { RetractClaimCommand, RetractionReceipt } from './retract-claim.handler';
import { retractionSchema } from './retraction.schema';
import { retractClaimDoc, retractionParams } from './retractions.docs';

@ApiTags('curation')
@RequireScope('admin')
@Controller('v1/claims')
export class RetractionsController {
  constructor(private readonly commands: CommandBus) {}

  /**
   * A curator withdraws a claim, with a reason: 201 with the retraction; 200 for the same
   * retraction again; 409 when the claim was already retracted by a curator with another reason.
   */
  @Post(':claimId/retractions')
  @ApiDoc(retractClaimDoc)
  async retract(
    @Param('claimId') claimId: string,
    @Body() body: unknown,
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    pathOr404(retractionParams.shape.claimId, claimId, 'claim');
    const { reason } = parseOrThrow(retractionSchema, body, 'retraction');
    const result = await this.commands.execute<RetractClaimCommand, RetractionReceipt>(
      new RetractClaimCommand(claimId.toLowerCase(), reason, {
        keyId: request.caller!.keyId,
        name: request.caller!.name,
      }),
    );
    void reply.status(result.created ? 201 : 200);
    return result.body;
  }
}
