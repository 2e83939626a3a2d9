-- accidents_by_year_equipment: accidents per fiscal year, form and failed equipment.
-- One row per operator and finest cell: operator op_key's accidents with
-- these keys. Compute adds the parts up into each cell and every margin
-- above it (form total, total over the kinds of failed equipment), keeping each operator's part as the cell's
-- contribution for the disclosure control. {{.Accidents}} is
-- deid_accident with its codes as ENUMs in code-list order (prepare.sql), so
-- the rows come in publication order.
SELECT
    a.fiscal_year::VARCHAR AS fiscal_year,
    a.form::VARCHAR AS form,
    a.equipment::VARCHAR AS equipment,
    a.op_key,
    count(*) AS accidents
FROM {{.Accidents}} AS a
GROUP BY a.fiscal_year, a.form, a.equipment, a.op_key
ORDER BY a.fiscal_year, a.form, a.equipment, a.op_key;
