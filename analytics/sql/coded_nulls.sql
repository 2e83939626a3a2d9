-- coded_nulls: per coded column, how many prepared accidents hold no code (a
-- value outside the code list, or none at all); all must be 0.
SELECT
{{- range $i, $c := .Coded}}{{if $i}},{{end}}
    count(*) FILTER (WHERE {{$c.Column}} IS NULL) AS {{$c.Column}}
{{- end}}
FROM {{.Accidents}};
