/**
 * The Postgres notification channel on which the projector announces each committed batch (its
 * payload: the read-model schema written). API processes LISTEN on it to wake live streams and
 * reads waiting for a consistency token; notifications are delivered only on commit.
 */
export const PROJECTION_CHANNEL = 'sitrep_projection';
