-- The schema that holds the three tables; created once, then left alone.
-- :schema is `catalog`.`schema` from the databricks-catalog and databricks-schema inputs.
CREATE SCHEMA IF NOT EXISTS IDENTIFIER(:schema)
