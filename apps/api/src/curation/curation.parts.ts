/** Curator retractions (scope `admin`), as ApiModule wires them. */
import { RetractClaimHandler } from './retract-claim.handler';
import { RetractionsController } from './retractions.controller';

export const curationParts = {
  controllers: [RetractionsController],
  providers: [RetractClaimHandler],
};
