-- Deletes the activity_details rows of activities that are no longer in silver, or that silver now holds
-- under another month: a row survives only if silver has its (id, month). One MERGE whose only
-- clause is WHEN NOT MATCHED BY SOURCE (Delta Lake 2.3+, Databricks Runtime 12.2+), which both
-- open-source Delta and Databricks document; a DELETE needs no subquery support this way.
MERGE INTO IDENTIFIER(:activity_details) AS t
USING (SELECT `id`, `month` FROM IDENTIFIER(:silver)) AS s
ON t.`activity_id` = s.`id` AND t.`month` = s.`month`
WHEN NOT MATCHED BY SOURCE THEN DELETE
