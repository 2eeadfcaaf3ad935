-- Replays: rebuilding read models from the claim log (one at a time; see libs/replay).
CREATE TABLE replays (
  id                uuid PRIMARY KEY,
  state             text NOT NULL CHECK (state IN ('running', 'done', 'failed')),
  province          text,
  keep_old          boolean NOT NULL DEFAULT false,
  version           integer,
  processed         bigint NOT NULL DEFAULT 0,
  total             bigint NOT NULL DEFAULT 0,
  events_per_second double precision NOT NULL DEFAULT 0,
  started_at        timestamptz NOT NULL,
  finished_at       timestamptz,
  heartbeat_at      timestamptz NOT NULL,
  checksum          jsonb,
  error             text
);
CREATE INDEX replays_started ON replays (started_at DESC);
