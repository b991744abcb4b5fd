-- Fixed-window counters for card submissions (card-testing defence). In the database so that
-- every server process on one PostgreSQL counts against the same limits.
CREATE TABLE rate_limits (
  key          text NOT NULL,
  window_start timestamptz NOT NULL,
  hits         integer NOT NULL,
  PRIMARY KEY (key, window_start)
);
