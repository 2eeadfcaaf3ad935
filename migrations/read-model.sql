-- One read-model version. `:schema` is replaced by the version's schema name (rm_1, rm_2, …).
-- A change here ships as a new version, built from the log by a replay.

CREATE SCHEMA :schema;

-- Every claim event, once per claim id: the ledger the fold starts from.
CREATE TABLE :schema.events (
  claim_id    uuid NOT NULL,
  type        text NOT NULL,
  schema      integer NOT NULL,
  report_id   text NOT NULL,
  claimant    text NOT NULL,
  province    text NOT NULL,
  place_pcode text NOT NULL,
  target_id   uuid,
  observed_at timestamptz NOT NULL,
  recorded_at timestamptz NOT NULL,
  partition   integer NOT NULL,
  log_offset  bigint NOT NULL,
  body        jsonb NOT NULL
);
CREATE INDEX ON :schema.events (province, log_offset);
CREATE INDEX ON :schema.events (partition, log_offset);
-- @deferrable-indexes: a replay's bulk load builds these after loading the rows (faster than
-- maintaining them row by row); see createReadModelVersion's `deferIndexes`.
ALTER TABLE :schema.events ADD PRIMARY KEY (claim_id);
CREATE INDEX ON :schema.events (target_id) WHERE target_id IS NOT NULL;
-- @end-deferrable-indexes

-- The current claimed status of every district that has ever been claimed.
CREATE TABLE :schema.district_status (
  pcode        text PRIMARY KEY,
  province     text NOT NULL,
  status       text NOT NULL,
  controller   text,
  verification text NOT NULL,
  positions    jsonb NOT NULL,
  rules        jsonb NOT NULL,
  updated_at   timestamptz NOT NULL
);
CREATE INDEX ON :schema.district_status (province, pcode);
CREATE INDEX ON :schema.district_status (status, pcode);
CREATE INDEX ON :schema.district_status (controller, pcode);

-- What each claimant claims, district by district (one row per position).
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

-- The next offset to apply, per partition; committed with the rows it accounts for.
CREATE TABLE :schema.checkpoints (
  topic       text NOT NULL,
  partition   integer NOT NULL,
  next_offset bigint NOT NULL,
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
