/** The OpenAPI operations of the read endpoints (see http/openapi/api-doc.decorator.ts). */
import { OperationDoc } from '../http/openapi/api-doc.decorator';
import {
  actorExample,
  claimExample,
  districtExample,
  districtHistoryExample,
  districtListExample,
  placeResolutionExample,
  provinceExample,
  timespanExample,
} from '../http/openapi/examples';
import {
  actorAnswer,
  claimAnswer,
  districtAnswer,
  districtHistoryAnswer,
  districtListAnswer,
  placeResolutionAnswer,
  provinceAnswer,
  timespanAnswer,
} from './read.answers';
import {
  actorParams,
  claimParams,
  districtParams,
  historyQuery,
  listQuery,
  provinceParams,
  readAt,
  resolveQuery,
  timespanQuery,
} from './read.requests';

export const readDocs = {
  district: {
    operationId: 'getDistrict',
    summary: 'A district: its claimed status and the positions held on it',
    description:
      "The district's status (claimed, contested, unclaimed), its claimed controller and verification, and each claimant's position with the claims behind it (DESIGN.md, rules 1–6). Now, or as of a moment on either clock.",
    params: districtParams,
    query: readAt,
    responses: {
      200: { description: 'The district', schema: districtAnswer, example: districtExample },
    },
    problems: [404],
  },
  history: {
    operationId: 'getDistrictHistory',
    summary: "A district's changes of status over time",
    description:
      'Every change of status, controller or verification, with the claim that caused it; oldest first (or newest with `order=newest`), paged.',
    params: districtParams,
    query: historyQuery,
    responses: {
      200: {
        description: 'A page of changes',
        schema: districtHistoryAnswer,
        example: districtHistoryExample,
      },
    },
    problems: [404],
  },
  districts: {
    operationId: 'listDistricts',
    summary: 'Districts and their status, filtered and paged',
    description:
      'Districts in p-code order, with their status, controller and verification; filtered by province, status or controller.',
    query: listQuery,
    responses: {
      200: {
        description: 'A page of districts',
        schema: districtListAnswer,
        example: districtListExample,
      },
    },
  },
  province: {
    operationId: 'getProvince',
    summary: 'A province: its districts counted by status and controller',
    description:
      'How many districts of the province are claimed, contested or unclaimed, and by whom; with every district.',
    params: provinceParams,
    query: readAt,
    responses: {
      200: { description: 'The province', schema: provinceAnswer, example: provinceExample },
    },
    problems: [404],
  },
  actor: {
    operationId: 'getActor',
    summary: "An actor's positions and the districts claimed for it",
    description:
      'The positions an actor holds as a claimant (its latest claims per district) and the districts it is claimed to control.',
    params: actorParams,
    query: readAt,
    responses: { 200: { description: 'The actor', schema: actorAnswer, example: actorExample } },
    problems: [404],
  },
  claim: {
    operationId: 'getClaim',
    summary: 'A claim, with the disputes, corroborations and retractions that bear on it',
    description:
      'One claim as recorded (its event, source and place), whether it is retracted, the evidence that bears on it and where it sits in the log.',
    params: claimParams,
    query: readAt,
    responses: { 200: { description: 'The claim', schema: claimAnswer, example: claimExample } },
    problems: [404],
  },
  resolvePlace: {
    operationId: 'resolvePlace',
    summary: 'How a place name would be resolved',
    description:
      "Resolve a place name as a report would spell it (transliterations, typos, aliases) to the gazetteer: the decision a report's claim would get, and the best candidates.",
    query: resolveQuery,
    responses: {
      200: {
        description: 'The resolution',
        schema: placeResolutionAnswer,
        example: placeResolutionExample,
      },
    },
    problems: [404],
  },
  timespan: {
    operationId: 'getTimespan',
    summary: 'When the first and the last status change took effect, on each clock',
    description:
      "The range a time slider needs: the first and the last change of any district's status on the recorded and the observed axis (null before any claim), and the server's now.",
    query: timespanQuery,
    responses: {
      200: { description: 'The span of the log', schema: timespanAnswer, example: timespanExample },
    },
    problems: [],
  },
} satisfies Record<string, OperationDoc>;
