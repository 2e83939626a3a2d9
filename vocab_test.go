package kensho

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// The code lists must match ../shared/spec/report-format.md exactly: their
// sizes and orders are what every published table is built on.
func TestCodeListsMatchSpec(t *testing.T) {
	tests := []struct {
		list *CodeList
		want []string
	}{
		{Services, []string{"voice_fixed", "voice_mobile", "voice_050", "data_mobile", "ftth", "dsl", "catv", "isp", "enterprise", "email_paid", "free_internet", "other"}},
		{CauseGroups, []string{"equipment", "human", "external", "unknown"}},
		{Causes, []string{"hw_failure", "sw_bug", "capacity", "work_error", "config_error", "procedure", "other_operator", "natural_disaster", "power_outage", "third_party_damage", "cyber_attack", "unknown"}},
		{EquipmentCodes, []string{"switch_local", "switch_transit", "router", "fibre", "radio_base", "remote_unit", "dslam", "server", "power", "hvac", "satellite_cable", "other"}},
		{Regions, []string{"hokkaido", "tohoku", "kanto", "shinetsu", "hokuriku", "tokai", "kinki", "chugoku", "shikoku", "kyushu", "okinawa", "multi", "national"}},
		{DurationBands, []string{"<1h", "1-2h", "2-6h", "6-12h", "12-24h", "24h+"}},
		{UsersBands, []string{"<500", "500-4999", "5000-29999", "30000-99999", "100000-999999", "1000000+"}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, tt.list.CodeStrings()); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.list.Name, diff)
		}
	}
	if n := len(Prefectures.Codes); n != 47 {
		t.Errorf("%d prefectures, want 47", n)
	}
}

func TestLookupFoldsWidthAndLabels(t *testing.T) {
	tests := []struct {
		list *CodeList
		in   string
		want string
	}{
		{Forms, "省令", "full"},
		{Forms, " 告示 ", "simplified"},
		{Impacts, "品質低下", "degradation"},
		{CauseGroups, "設備要因", "equipment"},
		{Causes, "ｈｗ＿ｆａｉｌｕｒｅ", "hw_failure"}, // full-width ASCII
		{Causes, "ソフトウェア不具合", "sw_bug"},
		{Services, "Voice_Fixed", "voice_fixed"},
		{Services, "携帯電話・PHS(音声)", "voice_mobile"},
		{Services, "携帯電話・PHS（音声）", "voice_mobile"}, // full-width brackets
		{EquipmentCodes, "ＤＳＬＡＭ", "dslam"},
		{EquipmentCodes, "無線基地局", "radio_base"},
		{Prefectures, "東京都", "13"},
		{Prefectures, "東京", "13"},
		{Prefectures, "Tokyo", "13"},
		{Prefectures, "北海道", "01"},
	}
	for _, tt := range tests {
		got, ok := tt.list.Lookup(tt.in)
		if !ok || got.Code != tt.want {
			t.Errorf("%s.Lookup(%q) = %q, %v; want %q", tt.list.Name, tt.in, got.Code, ok, tt.want)
		}
	}
	for _, bad := range []string{"", "hw-failure", "東京府", "other_thing"} {
		if c, ok := Causes.Lookup(bad); ok {
			t.Errorf("Causes.Lookup(%q) = %q, want no match", bad, c.Code)
		}
	}
}

func TestEveryCauseHasAGroupAndEUCategory(t *testing.T) {
	for _, c := range Causes.Codes {
		if !CauseGroups.Has(c.Attr["group"]) {
			t.Errorf("cause %s: unknown group %q", c.Code, c.Attr["group"])
		}
		if !EURootCauses.Has(c.Attr["eu_root_cause"]) {
			t.Errorf("cause %s: unknown EU root cause %q", c.Code, c.Attr["eu_root_cause"])
		}
	}
	for _, s := range Services.Codes {
		if !ServiceCategories.Has(s.Attr["category"]) {
			t.Errorf("service %s: unknown category %q", s.Code, s.Attr["category"])
		}
	}
	for _, e := range EquipmentCodes.Codes {
		if !EquipmentClasses.Has(e.Attr["class"]) {
			t.Errorf("equipment %s: unknown class %q", e.Code, e.Attr["class"])
		}
	}
	var simplified []string
	for _, e := range EquipmentCodes.Codes {
		if SimplifiedFormEquipment(e.Code) {
			simplified = append(simplified, e.Code)
		}
	}
	if diff := cmp.Diff([]string{"radio_base", "remote_unit", "dslam"}, simplified); diff != "" {
		t.Errorf("simplified-form equipment (-want +got):\n%s", diff)
	}
}

// TestBands: the bands published in place of durations and user counts
// start at 0 and rise, each from its inclusive lower bound (the SQL of
// deidentify reads them so).
func TestBands(t *testing.T) {
	for _, tt := range []struct {
		list *CodeList
		attr string
		want []string
	}{
		{DurationBands, "min_minutes", []string{"<1h:0", "1-2h:60", "2-6h:120", "6-12h:360", "12-24h:720", "24h+:1440"}},
		{UsersBands, "min_users", []string{"<500:0", "500-4999:500", "5000-29999:5000", "30000-99999:30000", "100000-999999:100000", "1000000+:1000000"}},
	} {
		var got []string
		for _, c := range tt.list.Codes {
			got = append(got, c.Code+":"+c.Attr[tt.attr])
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.list.Name, diff)
		}
	}
}

func TestInputColumns(t *testing.T) {
	if n := len(InputColumns); n != 28 {
		t.Fatalf("%d input columns, want 28 (27 plus 8b)", n)
	}
	for _, h := range []string{"報告事業者名", "operator_name", "継続時間（分）", "継続時間(分)", " OPERATOR_ID ", "発生要因（大分類）"} {
		if _, ok := ColumnByHeader(h); !ok {
			t.Errorf("ColumnByHeader(%q) found nothing", h)
		}
	}
	c, _ := ColumnByHeader("影響利用者数")
	if c.Field != "affected_users" || !c.Required || c.Type != "int" {
		t.Errorf("影響利用者数 = %+v", c)
	}
	want := []string{"operator_name", "operator_id", "contact_name", "contact", "report_no", "site_location", "vendor_model", "partner_operator", "summary", "prevention"}
	var ids []string
	for _, c := range InputColumns {
		if c.Identifier {
			ids = append(ids, c.Field)
		}
	}
	if diff := cmp.Diff(want, ids); diff != "" {
		t.Errorf("identifier fields (-want +got):\n%s", diff)
	}
}

func TestParseBoolAndPrefectures(t *testing.T) {
	for in, want := range map[string]bool{"はい": true, "いいえ": false, "有": true, "無": false, "YES": true, "no": false, "true": true, "False": false, "1": true, "０": false} {
		got, ok := ParseBool(in)
		if !ok || got != want {
			t.Errorf("ParseBool(%q) = %v, %v", in, got, ok)
		}
	}
	if _, ok := ParseBool("maybe"); ok {
		t.Error("ParseBool(maybe) ok")
	}
	got := SplitPrefectures("東京都、神奈川,千葉；埼玉/ 茨城 ")
	if diff := cmp.Diff([]string{"東京都", "神奈川", "千葉", "埼玉", "茨城"}, got); diff != "" {
		t.Error(diff)
	}
}

func TestFiscalCalendar(t *testing.T) {
	tests := []struct {
		at   time.Time
		want FiscalQuarter
	}{
		{time.Date(2025, 3, 31, 23, 59, 0, 0, JST), FiscalQuarter{2024, 4}},
		{time.Date(2025, 4, 1, 0, 0, 0, 0, JST), FiscalQuarter{2025, 1}},
		{time.Date(2024, 6, 30, 23, 59, 59, 0, JST), FiscalQuarter{2024, 1}},
		{time.Date(2024, 7, 1, 0, 0, 0, 0, JST), FiscalQuarter{2024, 2}},
		{time.Date(2024, 12, 31, 23, 0, 0, 0, JST), FiscalQuarter{2024, 3}},
		// 2025-03-31 15:00 UTC is 2025-04-01 00:00 JST: the quarter is read in Japan time.
		{time.Date(2025, 3, 31, 15, 0, 0, 0, time.UTC), FiscalQuarter{2025, 1}},
	}
	for _, tt := range tests {
		if !tt.want.Contains(tt.at) {
			t.Errorf("%v does not contain %v", tt.want, tt.at)
		}
	}
	q := FiscalQuarter{2024, 4}
	if got, want := q.Start(), time.Date(2025, 1, 1, 0, 0, 0, 0, JST); !got.Equal(want) {
		t.Errorf("Start = %v", got)
	}
	if got, want := q.End(), time.Date(2025, 4, 1, 0, 0, 0, 0, JST); !got.Equal(want) {
		t.Errorf("End = %v", got)
	}
	if y, ok := EraYear("令和", 6); !ok || y != 2024 {
		t.Errorf("令和6 = %d", y)
	}
	if y, ok := EraYear("平成", 31); !ok || y != 2019 {
		t.Errorf("平成31 = %d", y)
	}
	if _, ok := EraYear("令和", 0); ok {
		t.Error("令和0 accepted")
	}
}

func TestThresholds(t *testing.T) {
	at2024 := time.Date(2024, 5, 1, 0, 0, 0, 0, JST)
	at2014 := time.Date(2014, 5, 1, 0, 0, 0, 0, JST)
	tests := []struct {
		name string
		a    Accident
		want bool
	}{
		{"emergency voice 1h 30k", Accident{at2024, "voice_fixed", "outage", "switch_local", 60, 30000}, true},
		{"emergency voice 59min", Accident{at2024, "voice_mobile", "outage", "radio_base", 59, 1000000}, false},
		{"other voice 1h 30k", Accident{at2024, "voice_050", "outage", "server", 60, 30000}, false},
		{"other voice 1h 100k", Accident{at2024, "voice_050", "outage", "server", 60, 100000}, true},
		{"other voice 2h 30k", Accident{at2024, "voice_050", "outage", "server", 120, 30000}, true},
		{"free internet 12h 1M", Accident{at2024, "free_internet", "outage", "server", 720, 1000000}, true},
		{"free internet 23h 999k", Accident{at2024, "free_internet", "outage", "server", 1439, 999999}, false},
		{"free internet 24h 100k", Accident{at2024, "free_internet", "outage", "server", 1440, 100000}, true},
		{"other 2h 30k", Accident{at2024, "isp", "degradation", "router", 120, 30000}, true},
		{"other 1h 1M", Accident{at2024, "ftth", "outage", "fibre", 60, 1000000}, true},
		{"other 1h 999,999", Accident{at2024, "ftth", "outage", "fibre", 60, 999999}, false},
		{"satellite outage 2h no users", Accident{at2024, "other", "outage", "satellite_cable", 120, 0}, true},
		{"satellite degradation 2h", Accident{at2024, "other", "degradation", "satellite_cable", 120, 0}, false},
		{"before 2015: one rule, 1h emergency voice not serious", Accident{at2014, "voice_fixed", "outage", "switch_local", 60, 30000}, false},
		{"before 2015: 2h 30k", Accident{at2014, "voice_fixed", "outage", "switch_local", 120, 30000}, true},
		{"before 2015: satellite rule not yet", Accident{at2014, "other", "outage", "satellite_cable", 120, 0}, false},
	}
	for _, tt := range tests {
		if got := MeetsSeriousCriteria(tt.a); got != tt.want {
			t.Errorf("%s: MeetsSeriousCriteria = %v, want %v", tt.name, got, tt.want)
		}
	}
	below := []struct {
		users, min int64
		want       bool
	}{{29999, 119, true}, {30000, 0, false}, {0, 120, false}, {10, 10, true}}
	for _, b := range below {
		if got := BelowReportingThreshold(Accident{OccurredAt: at2024, AffectedUsers: b.users, DurationMin: b.min}); got != b.want {
			t.Errorf("BelowReportingThreshold(%d users, %d min) = %v", b.users, b.min, got)
		}
	}
	if got := CriteriaEra(time.Date(2015, 3, 31, 23, 59, 0, 0, JST)); got != "1985-04-01" {
		t.Errorf("era before = %s", got)
	}
	if got := CriteriaEra(time.Date(2015, 4, 1, 0, 0, 0, 0, JST)); got != "2015-04-01" {
		t.Errorf("era after = %s", got)
	}
	if n := len(SeriousRulesInForce(at2024)); n != 8 {
		t.Errorf("%d rules in force in 2024, want 8", n)
	}
}

func TestNormalizeText(t *testing.T) {
	if got := NormalizeText("　令和６年　能登半島地震 "); got != "令和6年 能登半島地震" {
		t.Errorf("NormalizeText = %q", got)
	}
}

func BenchmarkServiceCategoryOf(b *testing.B) {
	for i := 0; i < b.N; i++ {
		_ = ServiceCategoryOf("voice_fixed")
	}
}

func TestSQLEnum(t *testing.T) {
	if got, want := SQLEnum([]string{"voice_fixed", "ftth", "o'clock"}), "ENUM('ftth', 'o''clock', 'voice_fixed')"; got != want {
		t.Errorf("SQLEnum = %s, want %s", got, want)
	}
	// The list keeps its spec order; only the type is in byte order.
	if Forms.SQLEnum() != "ENUM('full', 'simplified')" || Services.Codes[0].Code != "voice_fixed" {
		t.Errorf("Forms.SQLEnum() = %s, Services starts with %s", Forms.SQLEnum(), Services.Codes[0].Code)
	}
}

// TestRollups: codes/hierarchy.csv declares every hierarchy of the code
// lists, each pointing at a list that holds every code named.
func TestRollups(t *testing.T) {
	var got []string
	for _, r := range Rollups {
		got = append(got, r.Base+"."+r.Column+" → "+r.Dim)
	}
	want := []string{
		"cause.group → cause_group", "cause.eu_root_cause → eu_root_cause", "service.category → service_category",
		"equipment.class → equipment_class", "equipment.ministry_class → ministry_equipment_class",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Rollups (-want +got):\n%s", diff)
	}
	ministry := Rollup{Dim: "ministry_equipment_class", Base: "equipment", Column: "ministry_class"}
	for code, want := range map[string]string{"fibre": "transmission_line", "router": "switching_transmission", "radio_base": "access", "hvac": "other", "power": "power"} {
		if got := ministry.Parent(code); got != want {
			t.Errorf("the ministry's class of %s = %s, want %s", code, got, want)
		}
	}
	for _, bad := range []Rollup{
		{Dim: "ministry_equipment_class", Base: "equipment", Column: "class"}, // names codes of another list
		{Dim: "ministry_equipment_class", Base: "equipment", Column: "nope"},
		{Dim: "fiscal_year", Base: "equipment", Column: "class"},
	} {
		if err := bad.check(); err == nil {
			t.Errorf("%+v passed the check", bad)
		}
	}
}
