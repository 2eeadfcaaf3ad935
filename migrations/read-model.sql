-- One read-model version. `:schema` is replaced by the version's schema name (rm_1, rm_2, …).
-- A change here ships as a new version, built from the log by a replay.

CREATE SCHEMA :schema;

-- Every claim event, once per claim id: the facts the projection reads (so that it never parses
-- a body), where it sits in the log, whether it is withdrawn now, and the event itself.
CREATE TABLE :schema.events (
  claim_id        uuid NOT NULL,
  type            text NOT NULL,
  schema          integer NOT NULL,
  report_id       text NOT NULL,
  claimant        text NOT NULL,
  province        text NOT NULL,
  place_pcode     text NOT NULL,
  specific        smallint NOT NULL,      -- 1: a district-level place (rule 2's tie-break)
  kind            text,                   -- assertions: control, presence or contest
  actor           text,
  precision       text,
  target_id       uuid,                   -- disputes, corroborations and retractions by id
  target_claimant text,                   -- blanket disputes
  target_place    text,
  degree          text,                   -- corroborations
  observed_at     timestamptz NOT NULL,
  recorded_at     timestamptz NOT NULL,
  partition       integer NOT NULL,
  log_offset      bigint NOT NULL,
  withdrawn       boolean NOT NULL DEFAULT false,
  -- The event as decoded (json, not jsonb: kept as written, cheaper to load; never queried inside).
  body            json NOT NULL
);
CREATE INDEX ON :schema.events (partition, log_offset);
-- @deferrable-indexes: a replay's bulk load builds these after loading the rows (faster than
-- maintaining them row by row); see createReadModelVersion's `deferIndexes`.
ALTER TABLE :schema.events ADD PRIMARY KEY (claim_id);
CREATE INDEX ON :schema.events (target_id) WHERE target_id IS NOT NULL;
-- The claims bearing on a place observed from an instant on (an observed timeline rewritten).
CREATE INDEX ON :schema.events (place_pcode, observed_at);
-- A claimant's assertions about a place, newest first by rule 2's order (older ones of a line).
CREATE INDEX ON :schema.events (place_pcode, claimant, observed_at DESC, specific DESC, partition DESC, log_offset DESC)
  WHERE kind IS NOT NULL;
-- Blanket disputes of a claimant over a place.
CREATE INDEX ON :schema.events (target_claimant, target_place, observed_at)
  WHERE target_claimant IS NOT NULL;
-- @end-deferrable-indexes

-- The current claimed status of every district that has ever been claimed (the end of its
-- recorded timeline), and the projection's state of it: each claimant's line (`lines`: its run,
-- the assertion after it, the evidence about them; see libs/domain line-record.ts).
CREATE TABLE :schema.district_status (
  pcode        text PRIMARY KEY,
  province     text NOT NULL,
  status       text NOT NULL,
  controller   text,
  verification text NOT NULL,
  positions    jsonb NOT NULL,
  rules        jsonb NOT NULL,
  lines        jsonb NOT NULL,
  updated_at   timestamptz NOT NULL
);
CREATE INDEX ON :schema.district_status (province, pcode);
CREATE INDEX ON :schema.district_status (status, pcode);
CREATE INDEX ON :schema.district_status (controller, pcode);

-- The current state of each province's lane: the positions claimants hold from claims about the
-- whole province only (a district's position that follows from them alone points to the lane's
-- timeline instead of repeating it; see district-state.ts).
CREATE TABLE :schema.lane_status (
  province   text PRIMARY KEY,
  positions  jsonb NOT NULL,
  lines      jsonb NOT NULL,
  updated_at timestamptz NOT NULL
);

-- What each claimant claims now, district by district (one row per position).
CREATE TABLE :schema.positions (
  district        text NOT NULL,
  claimant        text NOT NULL,
  kind            text NOT NULL,
  actor           text,
  observed_at     timestamptz NOT NULL,
  claim_ids       uuid[] NOT NULL,
  disputed_by     text[] NOT NULL,
  corroborated_by jsonb NOT NULL,
  PRIMARY KEY (district, claimant)
);
CREATE INDEX ON :schema.positions (claimant, district);

-- Status timelines: each change of a district's status, controller or verification, on the
-- recorded axis ('r': what the system said then; it only grows) and on the observed axis ('o':
-- what had happened then, by all known now; a late event rewrites it from its instant on). A
-- version holds from valid_from until the next one; before the first, the district is unclaimed.
CREATE TABLE :schema.status_timeline (
  district     text NOT NULL,
  axis         "char" NOT NULL,
  valid_from   timestamptz NOT NULL,
  status       text NOT NULL,
  controller   text,
  verification text NOT NULL,
  caused_by    uuid NOT NULL
);

-- Position timelines: each change of a claimant's position on a district (its run, who disputes
-- and corroborates it), on both axes, and on each province's lane (district = the province's
-- p-code). `record` is the position's line record (JSON). In a district, null means that from
-- there the position is the lane's (or none, when the lane has none either); a district with no
-- row for a claimant reads the lane's.
CREATE TABLE :schema.position_timeline (
  district   text NOT NULL,
  claimant   text NOT NULL,
  axis       "char" NOT NULL,
  valid_from timestamptz NOT NULL,
  kind       text,
  actor      text,
  record     text,
  caused_by  uuid NOT NULL
);

-- The claimants that have had a position on a district (the keys of its position timelines).
CREATE TABLE :schema.district_claimants (
  district text NOT NULL,
  claimant text NOT NULL,
  PRIMARY KEY (district, claimant)
);
CREATE INDEX ON :schema.district_claimants (claimant, district);

-- @deferrable-indexes: the timelines' keys, built after a replay's bulk load.
ALTER TABLE :schema.status_timeline ADD PRIMARY KEY (district, axis, valid_from);
ALTER TABLE :schema.position_timeline ADD PRIMARY KEY (district, claimant, axis, valid_from);
-- @end-deferrable-indexes

-- Districts whose observed timeline a batch changed from an instant on, to be rewritten from
-- there (coalesced: many batches' late events, one rewrite; see observed-settler.ts). Marks are
-- appended, never updated, so that a batch never waits for a rewrite in progress; the settler
-- deletes the marks it has taken, by id.
CREATE TABLE :schema.observed_pending (
  id        bigserial PRIMARY KEY,
  district  text NOT NULL,
  from_at   timestamptz NOT NULL,
  marked_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ON :schema.observed_pending (district);

-- Every change of a district's current document, appended by the live projector in the batch's
-- transaction (and by a scoped replay for the districts it rewrites), for the live stream
-- (GET /v1/stream): the API reads the rows after a subscriber's position. Positions are taken
-- under a transaction-level advisory lock (DistrictChangesRepository), so they are committed
-- in order and a reader that saw a position never later sees a smaller one appear. Rows older
-- than the retention are pruned by the projector (the newest row always stays). A full replay's
-- bulk load leaves it empty: subscribers are told to reload when a version goes live.
CREATE TABLE :schema.district_changes (
  position   bigserial PRIMARY KEY,
  district   text NOT NULL,
  province   text NOT NULL,
  changed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ON :schema.district_changes (province, position);

-- Every actor that claims something or is named by a claim.
CREATE TABLE :schema.actors (
  actor text PRIMARY KEY
);

-- The next offset to apply, per partition, and the partition's recorded clock (the latest
-- recorded instant applied, in milliseconds); committed with the rows they account for.
CREATE TABLE :schema.checkpoints (
  topic       text NOT NULL,
  partition   integer NOT NULL,
  next_offset bigint NOT NULL,
  clock       bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (topic, partition)
);

-- Events that could not be applied and went to the dead-letter topic.
CREATE TABLE :schema.dead_letters (
  topic      text NOT NULL,
  partition  integer NOT NULL,
  log_offset bigint NOT NULL,
  reason     text NOT NULL,
  at         timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (topic, partition, log_offset)
);
