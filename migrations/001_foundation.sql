-- Reference data, access keys and ingest bookkeeping. Read models live in their own
-- versioned schemas (see read-model.sql); this file never holds a projection.

CREATE TABLE provinces (
  pcode      text PRIMARY KEY,
  name       text NOT NULL,
  name_dari  text NOT NULL,
  region     text NOT NULL,
  centroid_lon double precision, centroid_lat double precision,
  bbox       double precision[]
);

CREATE TABLE districts (
  pcode          text PRIMARY KEY,
  province_pcode text NOT NULL REFERENCES provinces (pcode),
  name           text NOT NULL,
  name_dari      text NOT NULL,
  centroid_lon double precision, centroid_lat double precision,
  bbox       double precision[]
);
CREATE INDEX districts_province ON districts (province_pcode, pcode);

CREATE TABLE place_aliases (
  pcode  text NOT NULL,
  alias  text NOT NULL,
  source text NOT NULL,
  PRIMARY KEY (pcode, alias, source)
);

-- Which gazetteer files are loaded (sha256 of the three CSVs).
CREATE TABLE gazetteer_versions (
  checksum  text PRIMARY KEY,
  loaded_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_keys (
  id         uuid PRIMARY KEY,
  name       text NOT NULL,
  key_hash   text NOT NULL UNIQUE,
  scopes     text[] NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);

-- The claims of every accepted report, for resubmission checks and for resolving targets by id.
-- Written by the API after the Kafka commit and by the projector from the log (either may be
-- first); everything here can be rebuilt from Kafka.
CREATE TABLE report_claims (
  claim_id     uuid PRIMARY KEY,
  report_id    text NOT NULL,
  idx          integer NOT NULL,
  digest       text NOT NULL,
  recorded_at  timestamptz NOT NULL,
  claimant     text NOT NULL,
  kind         text NOT NULL,
  place        jsonb NOT NULL,
  province     text NOT NULL
);
CREATE INDEX report_claims_report ON report_claims (report_id, idx);

-- Read-model versions: exactly one is live; a replay builds the next one beside it.
CREATE TABLE read_model_versions (
  version     integer PRIMARY KEY,
  schema_name text NOT NULL UNIQUE,
  state       text NOT NULL CHECK (state IN ('building', 'live', 'retired', 'failed')),
  created_at  timestamptz NOT NULL DEFAULT now(),
  live_since  timestamptz
);
CREATE UNIQUE INDEX read_model_one_live ON read_model_versions (state) WHERE state = 'live';
