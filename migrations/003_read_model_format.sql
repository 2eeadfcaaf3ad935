-- Which layout of read-model.sql a version was built with. A live version of an older layout is
-- replaced at migration by an empty version of the current one, which the projector fills from
-- offset 0 of the claim log (read models are rebuilt from the log, never converted).
ALTER TABLE read_model_versions ADD COLUMN format integer NOT NULL DEFAULT 1;
