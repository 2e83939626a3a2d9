-- accidents_by_year_ministry_equipment_class: accidents per fiscal year, form
-- and the ministry's equipment class (codes/README.md). Each row is one
-- operator's accidents (op_key) with one combination of the finest keys: the table's cells before any margin. Compute
-- adds these parts up into every cell and margin (the form total, the total
-- over classes), each operator's sum being the cell's contribution for the
-- disclosure control.
SELECT
    fiscal_year::VARCHAR AS fiscal_year,
    form,
    ministry_equipment_class,
    op_key,
    count(*) AS accidents
FROM deid_accident
GROUP BY fiscal_year, form, ministry_equipment_class, op_key
ORDER BY fiscal_year, form, ministry_equipment_class, op_key;
