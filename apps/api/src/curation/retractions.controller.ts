import { Body, Controller, Param, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { z } from 'zod';
import { AuthenticatedRequest } from '../auth/api-key.guard';
import { RequireScope } from '../auth/scopes';
import { notFound } from '../http/problem';
import { isStorable, NOT_STORABLE, parseOrThrow } from '../http/validation';
import { RetractClaimCommand, RetractionReceipt } from './retract-claim.handler';

export const retractionSchema = z.strictObject({
  reason: z
    .string()
    .trim()
    .min(1, 'a reason is required')
    .max(1000, 'reason: at most 1000 characters')
    // Postgres could not store it: such an event could never be projected.
    .refine(isStorable, `reason ${NOT_STORABLE}`),
});

@ApiTags('curation')
@ApiBearerAuth()
@RequireScope('admin')
@Controller('v1/claims')
export class RetractionsController {
  constructor(private readonly commands: CommandBus) {}

  /**
   * A curator withdraws a claim, with a reason: 201 with the retraction; 200 for the same
   * retraction again; 409 when the claim was already retracted by a curator with another reason.
   */
  @Post(':claimId/retractions')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['reason'],
      additionalProperties: false,
      properties: { reason: { type: 'string', minLength: 1, maxLength: 1000 } },
    },
  })
  async retract(
    @Param('claimId') claimId: string,
    @Body() body: unknown,
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    if (!z.uuid().safeParse(claimId).success) throw notFound(`claim ${claimId}`);
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
