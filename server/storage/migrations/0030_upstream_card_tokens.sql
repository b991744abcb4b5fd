-- The upstream's own saved card for each card a customer saved at EPay (issue 14: recurring with
-- upstream tokens). A merchant-initiated charge goes upstream as `/v2/payment/card/recurring` on
-- this token, the way a merchant of the upstream would charge it, rather than as a sale with the
-- card number again and no cardholder. Keyed by the upstream (URL and project) too: a project
-- connected elsewhere gets tokens there. No card data here: the upstream token charges nothing
-- without the upstream secret, which stays sealed in provider_connections.
CREATE TABLE upstream_card_tokens (
  project_id           bigint NOT NULL,
  card_token           text NOT NULL,
  upstream             text NOT NULL,
  upstream_customer_id text NOT NULL,
  upstream_token       text NOT NULL,
  created_at           timestamptz NOT NULL,
  PRIMARY KEY (project_id, card_token, upstream)
);
