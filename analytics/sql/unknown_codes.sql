-- unknown_codes: for the error message only, the values of one coded column of
-- deid_accident that are not codes of its list (NULL shows as empty).
SELECT DISTINCT coalesce({{.Column}}, '') AS value
FROM deid_accident
WHERE TRY_CAST({{.Column}} AS {{.Enum}}) IS NULL
ORDER BY value
LIMIT 5;
