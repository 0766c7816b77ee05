-- Every month the detail gold tables are recomputed for when no months are named: those of
-- silver and those the three gold tables still hold (a month silver no longer has loses its rows).
SELECT `month` FROM IDENTIFIER(:silver)
UNION
SELECT `month` FROM IDENTIFIER(:gold_gear)
UNION
SELECT `month` FROM IDENTIFIER(:gold_hr_zones)
UNION
SELECT `month` FROM IDENTIFIER(:gold_bests)
ORDER BY `month`
