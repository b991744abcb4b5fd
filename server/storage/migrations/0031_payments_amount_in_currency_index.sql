-- The payments list filtered by an amount range (issue 12, measured over 1 000 000 payments):
-- the amount filter always comes with a currency, and PostgreSQL walked the currency's payments
-- newest first, fetching every row to test its amount (15 000 rows, 15 218 buffers, ~145 ms for
-- a 40.00–41.00 EUR range). With the amount in the key after the order columns, the range is
-- tested on the index entry and only matching rows are fetched (200 buffers), while the same
-- index still serves the currency filter alone in its order. The amount-first index only served
-- an amount without a currency, which the list refuses, so it goes (one index fewer per payment write).
DROP INDEX payments_by_currency_recent;
CREATE INDEX payments_by_currency_recent ON payments (currency, created_at DESC, id DESC, amount);
DROP INDEX payments_by_amount;
