package synth

import (
	"math"

	"github.com/kensho-jp/kensho"
)

// reclassify maps a cause to the causes a later investigation may find
// instead (訂正報告 after the root-cause analysis).
var reclassify = map[string][]string{
	"hw_failure": {"sw_bug"}, "sw_bug": {"hw_failure", "capacity"}, "capacity": {"sw_bug"},
	"work_error": {"config_error", "procedure"}, "config_error": {"work_error", "procedure"}, "procedure": {"work_error"},
	"natural_disaster": {"power_outage"}, "power_outage": {"natural_disaster"},
	"unknown": {"hw_failure", "sw_bug"},
}

// correct returns the accident as its operator re-reports it later: the
// affected users recounted, the recovery time corrected, or the cause
// reclassified after investigation. The change never moves the accident
// across the reporting or serious-accident thresholds (so corrections do
// not change how many serious accidents a year has). It returns nil when no
// such change exists.
func correct(r *rng, a *accident) *accident {
	serious := meetsSerious(a.thresholds())
	below := kensho.BelowReportingThreshold(a.thresholds())
	for range 10 {
		c := *a
		note := ""
		switch r.intn(3) {
		case 0:
			c.users = int64(math.Round(float64(a.users) * (0.6 + r.float())))
			c.users = min(max(c.users, 1), a.op.users)
			note = "影響利用者数を精査の結果訂正"
		case 1:
			c.duration = min(a.duration+int64(r.rangeInt(10, 180)), maxDuration)
			note = "復旧日時を訂正"
		default:
			alts := reclassify[a.cause]
			if len(alts) == 0 {
				continue
			}
			c.cause = alts[r.intn(len(alts))]
			note = "原因調査の結果、発生要因を訂正"
		}
		if c.users == a.users && c.duration == a.duration && c.cause == a.cause {
			continue
		}
		if meetsSerious(c.thresholds()) != serious || kensho.BelowReportingThreshold(c.thresholds()) != below {
			continue
		}
		if c.form == formFull {
			c.summary = a.summary + "（訂正：" + note + "）"
		}
		return &c
	}
	return nil
}
