-- The schema that holds the three tables; created once, then left alone.
-- ${schema} is `catalog`.`schema` from the databricks-catalog and databricks-schema inputs,
-- back-quoted and checked (CREATE SCHEMA is not among the statements IDENTIFIER() may name).
CREATE SCHEMA IF NOT EXISTS ${schema}
