-- Operations record their provider's id as the provider gives it; the simulators now give
-- ECommPay's integer ids instead of names the domain had to translate.
UPDATE operations SET provider_id = '1001' WHERE provider_id = 'sim-card';
UPDATE operations SET provider_id = '1079' WHERE provider_id = 'sim-jeton';
