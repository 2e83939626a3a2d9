-- accidents_by_year_equipment_class: accidents per fiscal year, form and equipment class.
-- One row per operator and finest cell: the accidents of operator op_key
-- with these keys. Compute adds the parts up into each cell and its margins
-- (the form total, the total over equipment class, ...), keeping every operator's
-- part as the cell's contribution for the disclosure control.
SELECT
    fiscal_year::VARCHAR AS fiscal_year,
    form,
    equipment_class,
    op_key,
    count(*) AS accidents
FROM deid_accident
GROUP BY fiscal_year, form, equipment_class, op_key
ORDER BY fiscal_year, form, equipment_class, op_key;
