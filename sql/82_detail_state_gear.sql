-- The gear ids silver_gear holds: gear is fetched once per id.
SELECT `id` FROM IDENTIFIER(:gear)
