package analytics

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/kensho-jp/kensho"
	"github.com/kensho-jp/kensho/internal/duck"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// fixture is 21 accidents of four operators (A01 … D04 become op_key 1 … 4,
// in operator_id order) over fiscal years 2021–2024, each with data in all
// four quarters, and one accident of fiscal year 2025 (a partial year). It
// holds a year boundary (#19 at 31 March 2025 23:59 is FY2024 Q4, #21 at
// 1 April 2025 00:00 is FY2025 Q1), an accident that lasts from one quarter
// into the next (#11, 30 June 23:30 to 1 July 01:30, counts in Q1), a
// named disaster of codes/disasters.csv reported by three operators and a
// name not on the list reported by one (counted as "other named
// disaster"), and accidents that meet the serious-accident criteria
// with and without a serious report. The expectations in
// TestComputeHandFixture were worked out by hand from this list.
func fixture() []accident {
	kanto := []string{"13"}
	return []accident{
		// FY2021
		{"A01", "1", 2021, 1, "full", "quarterly", "2021-05-10 10:00", 180, "outage", "voice_fixed", 40000, kanto, "hw_failure", "switch_local", false, ""},
		{"B02", "1", 2021, 2, "full", "quarterly", "2021-08-15 09:00", 90, "outage", "ftth", 35000, []string{"27"}, "config_error", "router", false, ""},
		{"C03", "1", 2021, 3, "simplified", "quarterly", "2021-11-01 12:00", 30, "degradation", "data_mobile", 5000, []string{"01"}, "natural_disaster", "radio_base", false, "ある地域の大雨"},
		{"D04", "1", 2021, 4, "full", "serious", "2022-02-01 08:00", 240, "outage", "isp", 200000, nil, "sw_bug", "server", false, ""},
		// FY2022
		{"A01", "2", 2022, 1, "full", "quarterly", "2022-04-20 00:00", 60, "outage", "voice_mobile", 50000, []string{"13", "14"}, "work_error", "switch_transit", false, ""},
		{"B02", "2", 2022, 2, "full", "quarterly", "2022-09-18 14:00", 720, "outage", "ftth", 8000, []string{"40"}, "natural_disaster", "fibre", false, "令和4年台風第14号"},
		{"C03", "2", 2022, 2, "simplified", "quarterly", "2022-09-19 06:00", 300, "outage", "data_mobile", 3000, []string{"40", "45"}, "natural_disaster", "radio_base", false, "令和4年台風第14号"},
		{"D04", "2", 2022, 2, "full", "quarterly", "2022-09-19 10:00", 1500, "outage", "catv", 12000, []string{"45"}, "power_outage", "power", false, "令和4年台風第14号"},
		{"A01", "3", 2022, 3, "full", "quarterly", "2022-12-05 03:00", 125, "outage", "enterprise", 31000, kanto, "hw_failure", "router", false, ""},
		{"B02", "3", 2022, 4, "full", "quarterly", "2023-03-10 22:00", 45, "degradation", "voice_050", 120000, []string{"27", "28"}, "capacity", "server", false, ""},
		// FY2023
		{"C03", "3", 2023, 1, "full", "quarterly", "2023-06-30 23:30", 120, "outage", "data_mobile", 60000, []string{"13", "27"}, "config_error", "router", false, ""},
		{"D04", "3", 2023, 2, "full", "quarterly", "2023-07-15 12:00", 30, "outage", "free_internet", 2000000, nil, "cyber_attack", "server", false, ""},
		{"A01", "4", 2023, 3, "full", "serious", "2023-10-02 09:00", 200, "outage", "voice_fixed", 90000, []string{"01"}, "other_operator", "switch_local", true, ""},
		{"B02", "4", 2023, 4, "simplified", "quarterly", "2024-01-05 16:00", 100, "outage", "data_mobile", 40000, []string{"47"}, "third_party_damage", "remote_unit", false, ""},
		{"C03", "4", 2023, 4, "full", "quarterly", "2024-03-01 10:00", 10, "outage", "email_paid", 500, kanto, "unknown", "other", false, ""},
		// FY2024
		{"D04", "4", 2024, 1, "full", "quarterly", "2024-04-10 10:00", 360, "outage", "voice_fixed", 30000, []string{"23"}, "procedure", "power", false, ""},
		{"A01", "5", 2024, 2, "full", "quarterly", "2024-08-01 00:00", 150, "outage", "ftth", 45000, []string{"26"}, "hw_failure", "fibre", false, ""},
		{"B02", "5", 2024, 3, "full", "quarterly", "2024-11-11 11:00", 20, "degradation", "isp", 1500000, nil, "sw_bug", "server", false, ""},
		{"C03", "5", 2024, 4, "simplified", "quarterly", "2025-03-31 23:59", 61, "outage", "data_mobile", 7000, []string{"02"}, "hw_failure", "radio_base", false, ""},
		{"D04", "5", 2024, 4, "full", "serious", "2025-01-20 07:00", 130, "outage", "enterprise", 100, []string{"47"}, "third_party_damage", "satellite_cable", false, ""},
		// FY2025, partial
		{"A01", "6", 2025, 1, "full", "quarterly", "2025-04-01 00:00", 15, "outage", "voice_mobile", 1000, kanto, "hw_failure", "radio_base", false, ""},
	}
}

func mustFixtureDB(t *testing.T) *sql.DB {
	t.Helper()
	db := duck.MustOpenMemory(t)
	mustAccidentTable(t, db)
	insertAccidents(t, db, fixture())
	mustDeidentify(t, db)
	return db
}

// want is one hand-computed cell: its value and, for an additive cell, its
// contributions per op_key (nil: none).
type want struct {
	table   string
	key     string // keys joined by "/"
	measure string
	value   float64
	contrib map[int32]float64
}

// na marks a cell that must be not applicable.
const na = -999

func checkCells(t *testing.T, res *Result, wants []want) {
	t.Helper()
	for _, w := range wants {
		tb := findTable(res.Tables, w.table)
		if tb == nil {
			t.Errorf("no table %s", w.table)
			continue
		}
		key := strings.Split(w.key, "/")
		ri := slices.IndexFunc(tb.Rows, func(r kensho.Row) bool { return slices.Equal(r.Key, key) })
		mi := slices.IndexFunc(tb.Measures, func(m kensho.Measure) bool { return m.Name == w.measure })
		if ri < 0 || mi < 0 {
			t.Errorf("%s: no row %v or measure %s", w.table, key, w.measure)
			continue
		}
		c := tb.Rows[ri].Cells[mi]
		if w.value == na {
			if c.Status != kensho.NotApplicable {
				t.Errorf("%s %s %s = %v (status %d), want not applicable", w.table, w.key, w.measure, c.Value, c.Status)
			}
			continue
		}
		if c.Status != kensho.Unprotected {
			t.Errorf("%s %s %s: status %d, want a value", w.table, w.key, w.measure, c.Status)
		}
		if tb.Measures[mi].Additive() {
			if c.Value != w.value {
				t.Errorf("%s %s %s = %v, want %v", w.table, w.key, w.measure, c.Value, w.value)
			}
			got := map[int32]float64{}
			for _, k := range c.Contrib {
				got[k.Op] = k.Value
			}
			if w.contrib == nil {
				w.contrib = map[int32]float64{}
			}
			if diff := cmp.Diff(w.contrib, got); diff != "" {
				t.Errorf("%s %s %s contributions (-want +got):\n%s", w.table, w.key, w.measure, diff)
			}
		} else if math.Abs(c.Value-w.value) > 1e-9*math.Max(1, math.Abs(w.value)) {
			t.Errorf("%s %s %s = %.12g, want %.12g", w.table, w.key, w.measure, c.Value, w.value)
		}
	}
}

func findTable(tables []kensho.StatTable, name string) *kensho.StatTable {
	for i := range tables {
		if tables[i].Name == name {
			return &tables[i]
		}
	}
	return nil
}

func ops(kv ...int) map[int32]float64 {
	m := map[int32]float64{}
	for i := 0; i < len(kv); i += 2 {
		m[int32(kv[i])] = float64(kv[i+1])
	}
	return m
}

// Hand-computed trends of the fixture (R 4.2.2, glm(y ~ x, poisson) and
// family = quasipoisson): all accidents 4, 6, 5, 5 in FY2021–2024 give slope
// 0.040018146913, Poisson s.e. 0.200136123119, dispersion 0.1868 (held at
// 1), qt(0.975, 2) = 4.302652729749; 4, 6, 5 in FY2021–2023 give slope
// 0.100167140449, s.e. 0.317021090628, dispersion 0.3117 (held at 1),
// qt(0.975, 1) = 12.706204736175.
func trendPct(slope, se, q float64) (rate, lo, hi float64) {
	return 100 * math.Expm1(slope), 100 * math.Expm1(slope-q*se), 100 * math.Expm1(slope+q*se)
}

func TestComputeHandFixture(t *testing.T) {
	db := mustFixtureDB(t)
	res, err := Compute(context.Background(), db, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int{2021, 2022, 2023, 2024, 2025}, res.FiscalYears); diff != "" {
		t.Errorf("fiscal years (-want +got):\n%s", diff)
	}
	if res.LatestYear != 2025 || !slices.Equal(res.PartialYears, []int{2025}) {
		t.Errorf("latest %d, partial %v; want 2025, [2025]", res.LatestYear, res.PartialYears)
	}
	r24, lo24, hi24 := trendPct(0.040018146913, 0.200136123119, 4.302652729749)
	r23, lo23, hi23 := trendPct(0.100167140449, 0.317021090628, 12.706204736175)
	checkCells(t, res, []want{
		// Years, forms, report types.
		{"accidents_by_year", "2021/total/total", "accidents", 4, ops(1, 1, 2, 1, 3, 1, 4, 1)},
		{"accidents_by_year", "2022/total/total", "accidents", 6, ops(1, 2, 2, 2, 3, 1, 4, 1)},
		{"accidents_by_year", "2022/full/total", "accidents", 5, ops(1, 2, 2, 2, 4, 1)},
		{"accidents_by_year", "2023/total/serious", "accidents", 1, ops(1, 1)},
		{"accidents_by_year", "2024/full/serious", "accidents", 1, ops(4, 1)},
		{"accidents_by_year", "2024/simplified/total", "accidents", 1, ops(3, 1)},
		{"accidents_by_year", "2024/simplified/serious", "accidents", 0, nil},
		{"accidents_by_year", "2025/total/total", "accidents", 1, ops(1, 1)},
		// Quarters: #11 crosses into Q2 and counts in Q1; #19 at 31 March
		// 23:59 is FY2024 Q4; #21 at 1 April 00:00 is FY2025 Q1.
		{"accidents_by_quarter", "2023/1/total", "accidents", 1, ops(3, 1)},
		{"accidents_by_quarter", "2023/2/total", "accidents", 1, ops(4, 1)},
		{"accidents_by_quarter", "2024/4/total", "accidents", 2, ops(3, 1, 4, 1)},
		{"accidents_by_quarter", "2024/4/simplified", "accidents", 1, ops(3, 1)},
		{"accidents_by_quarter", "2022/2/total", "accidents", 3, ops(2, 1, 3, 1, 4, 1)},
		{"accidents_by_quarter", "2022/total/total", "accidents", 6, ops(1, 2, 2, 2, 3, 1, 4, 1)},
		{"accidents_by_quarter", "2025/1/total", "accidents", 1, ops(1, 1)},
		{"accidents_by_quarter", "2025/2/total", "accidents", 0, nil},
		// Causes.
		{"accidents_by_year_cause_group", "2021/total/equipment", "accidents", 2, ops(1, 1, 4, 1)},
		{"accidents_by_year_cause_group", "2022/total/external", "accidents", 3, ops(2, 1, 3, 1, 4, 1)},
		{"accidents_by_year_cause_group", "2023/total/equipment", "accidents", 0, nil},
		{"accidents_by_year_cause_group", "2023/total/unknown", "accidents", 1, ops(3, 1)},
		{"accidents_by_year_cause_group", "2024/total/equipment", "accidents", 3, ops(1, 1, 2, 1, 3, 1)},
		{"accidents_by_year_cause_group", "2024/full/total", "accidents", 4, ops(1, 1, 2, 1, 4, 2)},
		{"accidents_by_year_cause", "2024/total/hw_failure", "accidents", 2, ops(1, 1, 3, 1)},
		{"accidents_by_year_cause", "2024/full/hw_failure", "accidents", 1, ops(1, 1)},
		{"accidents_by_year_cause", "2024/simplified/hw_failure", "accidents", 1, ops(3, 1)},
		{"accidents_by_year_cause", "2022/total/natural_disaster", "accidents", 2, ops(2, 1, 3, 1)},
		{"accidents_by_year_cause", "2023/total/cyber_attack", "accidents", 1, ops(4, 1)},
		// Services and equipment.
		{"accidents_by_year_service", "2023/total/data_mobile", "accidents", 2, ops(2, 1, 3, 1)},
		{"accidents_by_year_service", "2024/total/voice_fixed", "accidents", 1, ops(4, 1)},
		{"accidents_by_year_service", "2024/total/data_mobile", "accidents", 1, ops(3, 1)},
		{"accidents_by_year_equipment", "2024/total/satellite_cable", "accidents", 1, ops(4, 1)},
		{"accidents_by_year_equipment", "2024/total/server", "accidents", 1, ops(2, 1)},
		{"accidents_by_year_equipment_class", "2024/total/transmission", "accidents", 2, ops(1, 1, 4, 1)},
		{"accidents_by_year_equipment_class", "2022/total/transmission", "accidents", 2, ops(1, 1, 2, 1)},
		{"accidents_by_year_equipment_class", "2024/total/facility", "accidents", 1, ops(4, 1)},
		// The ministry's classes: fibre with satellite cable, routers with
		// switches, power apart from air conditioning.
		{"accidents_by_year_ministry_equipment_class", "2024/total/transmission_line", "accidents", 2, ops(1, 1, 4, 1)},
		{"accidents_by_year_ministry_equipment_class", "2022/total/switching_transmission", "accidents", 2, ops(1, 2)},
		{"accidents_by_year_ministry_equipment_class", "2022/total/transmission_line", "accidents", 1, ops(2, 1)},
		{"accidents_by_year_ministry_equipment_class", "2024/total/power", "accidents", 1, ops(4, 1)},
		// Regions: [13,14] is Kanto, [40,45] Kyushu, [13,27] several.
		{"accidents_by_year_region", "2022/total/kyushu", "accidents", 3, ops(2, 1, 3, 1, 4, 1)},
		{"accidents_by_year_region", "2022/total/kanto", "accidents", 2, ops(1, 2)},
		{"accidents_by_year_region", "2023/total/multi", "accidents", 1, ops(3, 1)},
		{"accidents_by_year_region", "2023/total/national", "accidents", 1, ops(4, 1)},
		{"accidents_by_year_region", "2024/total/okinawa", "accidents", 1, ops(4, 1)},
		// Impact, duration and users bands (lower bounds inclusive: 60 min
		// is 1-2h, 720 min 12-24h, 30,000 users 30000-99999).
		{"accidents_by_year_impact", "2022/total/degradation", "accidents", 1, ops(2, 1)},
		{"accidents_by_year_impact", "2022/total/outage", "accidents", 5, ops(1, 2, 2, 1, 3, 1, 4, 1)},
		{"accidents_by_year_duration_band", "2022/total/1-2h", "accidents", 1, ops(1, 1)},
		{"accidents_by_year_duration_band", "2022/total/2-6h", "accidents", 2, ops(1, 1, 3, 1)},
		{"accidents_by_year_duration_band", "2022/total/12-24h", "accidents", 1, ops(2, 1)},
		{"accidents_by_year_duration_band", "2022/total/24h+", "accidents", 1, ops(4, 1)},
		{"accidents_by_year_duration_band", "2024/total/6-12h", "accidents", 1, ops(4, 1)},
		{"accidents_by_year_users_band", "2023/total/30000-99999", "accidents", 3, ops(1, 1, 2, 1, 3, 1)},
		{"accidents_by_year_users_band", "2023/total/1000000+", "accidents", 1, ops(4, 1)},
		{"accidents_by_year_users_band", "2024/total/30000-99999", "accidents", 2, ops(1, 1, 4, 1)},
		{"accidents_by_year_users_band", "2024/total/<500", "accidents", 1, ops(4, 1)},
		// User-hours: 8000×720 + 3000×300 + 12000×1500 user-minutes.
		{"user_hours_by_year_cause_group", "2022/total/external", "user_hours", 411000, ops(2, 96000, 3, 15000, 4, 300000)},
		{"user_hours_by_year_cause_group", "2022/total/external", "affected_users", 23000, ops(2, 8000, 3, 3000, 4, 12000)},
		{"user_hours_by_year_cause_group", "2022/total/external", "accidents", 3, ops(2, 1, 3, 1, 4, 1)},
		{"user_hours_by_year_cause_group", "2024/total/equipment", "user_hours", 37177000.0 / 60,
			map[int32]float64{1: 112500, 2: 500000, 3: 427000.0 / 60}},
		{"user_hours_by_year_cause_group", "2021/total/total", "user_hours", 975000, ops(1, 120000, 2, 52500, 3, 2500, 4, 800000)},
		{"user_hours_by_year_cause_group", "2021/total/total", "affected_users", 280000, ops(1, 40000, 2, 35000, 3, 5000, 4, 200000)},
		// Duration quantiles (type 7): 300, 720, 1500 → median 720, p90
		// 720 + 0.8 × 780; 45, 60, 125, 300, 720, 1500 → 212.5 and 1110.
		{"duration_by_year_cause_group", "2022/total/external", "median_duration_min", 720, nil},
		{"duration_by_year_cause_group", "2022/total/external", "p90_duration_min", 1344, nil},
		{"duration_by_year_cause_group", "2022/total/total", "median_duration_min", 212.5, nil},
		{"duration_by_year_cause_group", "2022/total/total", "p90_duration_min", 1110, nil},
		{"duration_by_year_cause_group", "2024/simplified/equipment", "median_duration_min", 61, nil},
		{"duration_by_year_cause_group", "2023/total/equipment", "median_duration_min", na, nil},
		{"duration_by_year_cause_group", "2023/total/equipment", "accidents", 0, nil},
		// The latest year (2025) in the cross tables.
		{"accidents_latest_cause_service", "2025/hw_failure/voice_mobile", "accidents", 1, ops(1, 1)},
		{"accidents_latest_cause_service", "2025/total/total", "accidents", 1, ops(1, 1)},
		{"accidents_latest_cause_equipment", "2025/hw_failure/radio_base", "accidents", 1, ops(1, 1)},
		// Serious-accident criteria: #16 (voice, 6 h, 30,000), #17 (other,
		// 2.5 h, 45,000), #20 (satellite cable outage ≥ 2 h, 100 users,
		// reported as serious) in FY2024; #18 (1,500,000 users for 20 min)
		// misses them.
		// Reported as serious (報告区分 重大), by service category.
		{"serious_by_year_category", "2024/total", "accidents", 1, ops(4, 1)},
		{"serious_by_year_category", "2024/emergency_voice", "accidents", 0, nil},
		{"serious_by_year_category", "2024/other", "accidents", 1, ops(4, 1)},
		{"serious_by_year_category", "2023/total", "accidents", 1, ops(1, 1)},
		{"serious_by_year_category", "2022/total", "accidents", 0, nil},
		// EU root causes; #13 (another operator's failure) and #14 (cable
		// cut) are third-party failures.
		{"eu_root_cause_by_year", "2023/total/third_party_failure/true", "accidents", 2, ops(1, 1, 2, 1)},
		{"eu_root_cause_by_year", "2023/total/total/false", "accidents", 3, ops(3, 2, 4, 1)},
		{"eu_root_cause_by_year", "2023/total/third_party_failure/total", "user_hours", 22000000.0 / 60,
			map[int32]float64{1: 300000, 2: 4000000.0 / 60}},
		{"eu_root_cause_by_year", "2022/total/natural_phenomenon/total", "accidents", 2, ops(2, 1, 3, 1)},
		{"eu_root_cause_by_year", "2022/total/third_party_failure/true", "accidents", 1, ops(4, 1)},
		// Disasters: the typhoon of the list (three operators), and a name
		// not on the list (one operator), counted as other.
		{"accidents_by_disaster", "typhoon_2022_14/2022", "accidents", 3, ops(2, 1, 3, 1, 4, 1)},
		{"accidents_by_disaster", "other/2021", "accidents", 1, ops(3, 1)},
		// Quarters by cause group, and the seasonality of FY2021–2024:
		// Q2 holds 1 + 3 + 1 + 1 of the 20 accidents.
		{"accidents_by_quarter_cause_group", "2022/2/total/external", "accidents", 3, ops(2, 1, 3, 1, 4, 1)},
		{"accidents_by_quarter_cause_group", "2023/4/simplified/external", "accidents", 1, ops(2, 1)},
		{"seasonality_by_quarter", "2/total/total", "mean_per_year", 1.5, nil},
		{"seasonality_by_quarter", "2/total/total", "share_pct", 30, nil},
		{"seasonality_by_quarter", "1/total/total", "share_pct", 20, nil},
		{"seasonality_by_quarter", "total/total/total", "mean_per_year", 5, nil},
		{"seasonality_by_quarter", "total/total/total", "share_pct", 100, nil},
		{"seasonality_by_quarter", "2/total/total", "years_used", 4, nil},
		{"seasonality_by_quarter", "2/total/external", "mean_per_year", 1, nil},
		{"seasonality_by_quarter", "2/total/external", "share_pct", 50, nil},
		// Changes and trends.
		{"trend_by_cause", "2021/total/total/total", "accidents", 4, ops(1, 1, 2, 1, 3, 1, 4, 1)},
		{"trend_by_cause", "2021/total/total/total", "change", na, nil},
		{"trend_by_cause", "2022/total/total/total", "change", 2, nil},
		{"trend_by_cause", "2022/total/total/total", "change_pct", 50, nil},
		{"trend_by_cause", "2022/total/total/total", "trend_pct_per_year", na, nil},
		{"trend_by_cause", "2023/total/total/total", "trend_pct_per_year", r23, nil},
		{"trend_by_cause", "2023/total/total/total", "trend_ci_low_pct", lo23, nil},
		{"trend_by_cause", "2023/total/total/total", "trend_ci_high_pct", hi23, nil},
		{"trend_by_cause", "2023/total/total/total", "fit_years", 3, nil},
		{"trend_by_cause", "2024/total/total/total", "trend_pct_per_year", r24, nil},
		{"trend_by_cause", "2024/total/total/total", "trend_ci_low_pct", lo24, nil},
		{"trend_by_cause", "2024/total/total/total", "trend_ci_high_pct", hi24, nil},
		{"trend_by_cause", "2024/total/total/total", "trend_flag", 0, nil},
		{"trend_by_cause", "2024/total/total/total", "dispersion", 1, nil},
		{"trend_by_cause", "2024/total/total/total", "fit_first_year", 2021, nil},
		{"trend_by_cause", "2024/total/total/total", "fit_last_year", 2024, nil},
		// FY2025 is partial: its change is shown, its trend is FY2021–2024's.
		{"trend_by_cause", "2025/total/total/total", "change", -4, nil},
		{"trend_by_cause", "2025/total/total/total", "change_pct", -80, nil},
		{"trend_by_cause", "2025/total/total/total", "trend_pct_per_year", r24, nil},
		{"trend_by_cause", "2025/total/total/total", "fit_last_year", 2024, nil},
		{"trend_by_cause", "2024/total/equipment/total", "accidents", 3, ops(1, 1, 2, 1, 3, 1)},
		{"trend_by_cause", "2024/total/equipment/total", "change", 3, nil},
		{"trend_by_cause", "2024/total/equipment/total", "change_pct", na, nil},
		{"trend_by_cause", "2024/total/equipment/hw_failure", "accidents", 2, ops(1, 1, 3, 1)},
		// External: 1, 3, 3, 1 is flat (R: slope 0, dispersion 1.0000233).
		{"trend_by_cause", "2024/total/external/total", "trend_pct_per_year", 0, nil},
		{"trend_by_cause", "2024/total/external/total", "trend_flag", 0, nil},
		{"trend_by_cause", "2024/total/external/total", "dispersion", 1.000023332996, nil},
	})

	// The cross tables follow Config.LatestYear.
	res24, err := Compute(context.Background(), db, Config{LatestYear: 2024})
	if err != nil {
		t.Fatal(err)
	}
	if res24.LatestYear != 2024 {
		t.Errorf("latest year %d, want 2024", res24.LatestYear)
	}
	checkCells(t, res24, []want{
		{"accidents_latest_cause_service", "2024/hw_failure/ftth", "accidents", 1, ops(1, 1)},
		{"accidents_latest_cause_service", "2024/hw_failure/data_mobile", "accidents", 1, ops(3, 1)},
		{"accidents_latest_cause_service", "2024/hw_failure/total", "accidents", 2, ops(1, 1, 3, 1)},
		{"accidents_latest_cause_service", "2024/total/isp", "accidents", 1, ops(2, 1)},
		{"accidents_latest_cause_service", "2024/total/total", "accidents", 5, ops(1, 1, 2, 1, 3, 1, 4, 2)},
		{"accidents_latest_cause_equipment", "2024/third_party_damage/satellite_cable", "accidents", 1, ops(4, 1)},
		{"accidents_latest_cause_equipment", "2024/procedure/power", "accidents", 1, ops(4, 1)},
		{"accidents_latest_cause_equipment", "2024/hw_failure/fibre", "accidents", 1, ops(1, 1)},
	})
	if n := len(findTable(res24.Tables, "accidents_latest_cause_service").Rows); n != 13*13 {
		t.Errorf("cause × service has %d rows, want 13 × 13 (codes and totals)", n)
	}
	// One row per disaster and fiscal year, no total over the years (a
	// figure over several years would join them in the disclosure model).
	if tb := findTable(res.Tables, "accidents_by_disaster"); len(tb.Rows) != 2 ||
		tb.Rows[0].Key[0] != "typhoon_2022_14" || tb.Rows[1].Key[0] != kensho.OtherDisaster {
		t.Errorf("accidents_by_disaster has rows %v, want the typhoon in 2022, then the other named disaster of 2021", tb.Rows)
	}
}

// TestComputeGolden keeps every table of the fixture — keys, values,
// contributions, dependencies — in testdata/fixture.golden, so that any
// change to a figure shows in review. Regenerate with go test -update.
func TestComputeGolden(t *testing.T) {
	db := mustFixtureDB(t)
	res, err := Compute(context.Background(), db, Config{})
	if err != nil {
		t.Fatal(err)
	}
	got := goldenText(res)
	const path = "testdata/fixture.golden"
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("tables differ from %s (-want +got):\n%s", path, diff)
	}
	// The same data give the same bytes.
	again, err := Compute(context.Background(), db, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if goldenText(again) != got {
		t.Error("two runs on the same data differ")
	}
}

// goldenText renders tables for review: one line per row, cells as value,
// status, contributions (op:value) and dependencies (table[row.measure]).
func goldenText(res *Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "fiscal years %v, latest %d, partial %v\n", res.FiscalYears, res.LatestYear, res.PartialYears)
	for _, t := range res.Tables {
		fmt.Fprintf(&b, "\n## %s (page %s, chart %s, filter %v, years %v)\n", t.Name, t.Page, t.Chart, t.Filter, t.FiscalYears)
		var head []string
		for _, d := range t.Dims {
			head = append(head, d.Name)
		}
		for _, m := range t.Measures {
			head = append(head, m.Name+"["+string(m.Magnitude)+"]")
		}
		b.WriteString(strings.Join(head, " | ") + "\n")
		for _, r := range t.Rows {
			parts := slices.Clone(r.Key)
			for _, c := range r.Cells {
				if c.Status == kensho.NotApplicable {
					parts = append(parts, "…")
					continue
				}
				s := strconv.FormatFloat(c.Value, 'g', 12, 64)
				for _, k := range c.Contrib {
					s += fmt.Sprintf(" %d:%s", k.Op, strconv.FormatFloat(k.Value, 'g', 12, 64))
				}
				if len(c.DependsOn) > 0 {
					s += fmt.Sprintf(" <%d cells", len(c.DependsOn))
					if c.DependsOn[0].Table != t.Name {
						s += " of " + c.DependsOn[0].Table
					}
					s += ">"
				}
				parts = append(parts, s)
			}
			b.WriteString(strings.Join(parts, " | ") + "\n")
		}
	}
	return b.String()
}

func TestComputeRejectsBrokenData(t *testing.T) {
	ctx := context.Background()
	t.Run("no deid_accident", func(t *testing.T) {
		db := duck.MustOpenMemory(t)
		_, err := Compute(ctx, db, Config{})
		if err == nil || !strings.Contains(err.Error(), "deid_accident") || !strings.Contains(err.Error(), "anonymize") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("no accidents", func(t *testing.T) {
		db := duck.MustOpenMemory(t)
		mustAccidentTable(t, db)
		mustDeidentify(t, db)
		_, err := Compute(ctx, db, Config{})
		if err == nil || !strings.Contains(err.Error(), "no accidents") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("latest year without data", func(t *testing.T) {
		db := mustFixtureDB(t)
		_, err := Compute(ctx, db, Config{LatestYear: 2019})
		if err == nil || !strings.Contains(err.Error(), "2019") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("quarter outside the fiscal calendar", func(t *testing.T) {
		db := duck.MustOpenMemory(t)
		mustAccidentTable(t, db)
		// Declared FY2024 Q4, but 1 April 2025 00:00 JST is FY2025.
		insertAccidents(t, db, []accident{{"A", "1", 2024, 4, "full", "quarterly", "2025-04-01 00:00", 130, "outage", "isp", 40000, []string{"13"}, "hw_failure", "router", false, ""}})
		mustDeidentify(t, db)
		_, err := Compute(ctx, db, Config{})
		if err == nil || !strings.Contains(err.Error(), "FY2024Q4") || !strings.Contains(err.Error(), "2025-04-01 00:00") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("code outside the code list", func(t *testing.T) {
		db := mustFixtureDB(t)
		// deid_accident's coded columns are ENUMs of their lists, which no
		// stray code can enter; a table written otherwise (by an older
		// kensho, or by hand) has text there, and Compute checks it.
		if _, err := db.Exec(`ALTER TABLE deid_accident ALTER service TYPE VARCHAR`); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(`UPDATE deid_accident SET service = 'telegraph' WHERE record_key = 3`); err != nil {
			t.Fatal(err)
		}
		_, err := Compute(ctx, db, Config{})
		if err == nil || !strings.Contains(err.Error(), "deid_accident.service") || !strings.Contains(err.Error(), `"telegraph"`) ||
			!strings.Contains(err.Error(), "services.csv") {
			t.Errorf("err = %v", err)
		}
	})
}
