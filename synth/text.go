package synth

import (
	"fmt"
	"strings"

	"github.com/kensho-jp/kensho"
)

// siteName is the 発生場所 of a full-form accident: a building, station or
// route, often carrying the operator's own name, as real reports do (which
// is why the field is never published).
func siteName(r *rng, op *operator, equipment, city string) string {
	no := 1 + r.intn(12)
	switch equipment {
	case "radio_base":
		return fmt.Sprintf("%s %s第%d基地局", city, pickString(r, []string{"北", "南", "東", "西", "中央", "駅前", "港"}), no)
	case "fibre":
		// The other end of the route: another city of the operator's area.
		city2 := pickString(r, prefCities[op.area.pick(r)])
		if city2 == city {
			return fmt.Sprintf("%s内 加入者系伝送路", city)
		}
		return fmt.Sprintf("%s・%s間 中継伝送路", city, city2)
	case "satellite_cable":
		return fmt.Sprintf("%s 海底ケーブル陸揚局", city)
	case "remote_unit", "dslam":
		return fmt.Sprintf("%s %s収容局", city, pickString(r, []string{"第一", "第二", "北部", "南部", "中央"}))
	}
	switch r.intn(4) {
	case 0:
		return fmt.Sprintf("%s%sビル", op.short, strings.TrimSuffix(strings.TrimSuffix(city, "市"), "区"))
	case 1:
		return fmt.Sprintf("%s 第%dネットワークセンター", city, no%4+1)
	case 2:
		return fmt.Sprintf("%s %sデータセンター", city, op.short)
	default:
		return fmt.Sprintf("%s 第%d局舎", city, no)
	}
}

// durationText writes a duration the way summaries do (約3時間20分).
func durationText(min int64) string {
	switch {
	case min < 60:
		return fmt.Sprintf("%d分", min)
	case min < 24*60:
		if min%60 == 0 {
			return fmt.Sprintf("%d時間", min/60)
		}
		return fmt.Sprintf("%d時間%d分", min/60, min%60)
	default:
		return fmt.Sprintf("%d日%d時間", min/(24*60), min%(24*60)/60)
	}
}

// summaryText is the 事故概要: free text that names the operator, the
// building, the equipment model, partners and people — everything
// anonymization must strip.
func summaryText(r *rng, a *accident, city string) string {
	op := a.op
	svc := labelJa(kensho.Services, a.service)
	model := a.model
	if model == "" {
		model = labelJa(kensho.EquipmentCodes, a.equipment)
	}
	// "…の携帯電話が停止した" / "…の携帯電話の品質が低下した": svc carries
	// the particle that fits the verb.
	verb := "停止"
	if a.impact == "degradation" {
		svc, verb = svc+"の品質", "低下"
	}
	where := city
	if a.nationwide {
		where = "全国"
	}
	var b strings.Builder
	switch {
	case r.chance(0.3):
		fmt.Fprintf(&b, "%sが運用する%sにおいて、", op.name, a.site)
	case r.chance(0.3):
		fmt.Fprintf(&b, "当社（%s）の%sにおいて、", op.short, a.site)
	default:
		fmt.Fprintf(&b, "%sにおいて、", a.site)
	}
	switch a.cause {
	case "hw_failure":
		if a.equipment == "fibre" {
			fmt.Fprintf(&b, "光ファイバ心線が経年劣化により断線し、%sの%sが%sした。", where, svc, verb)
			break
		}
		fmt.Fprintf(&b, "%sでハードウェア故障（%s）が発生し、予備系への切替が正常に動作しなかったため、%sの%sが%sした。",
			model, pickString(r, failedParts(a.equipment)), where, svc, verb)
	case "sw_bug":
		fmt.Fprintf(&b, "%sのソフトウェア（版数%d.%d.%d）の不具合により処理が停止し、%sの%sが%sした。",
			model, 1+r.intn(9), r.intn(20), r.intn(10), where, svc, verb)
	case "capacity":
		fmt.Fprintf(&b, "%sにおいて想定を超えるトラフィックが集中し輻輳が発生、%sの%sが%sした。", model, where, svc, verb)
	case "work_error":
		fmt.Fprintf(&b, "%sの増設工事において、作業員が誤って運用中の回線を切断したため、%sの%sが%sした。", model, where, svc, verb)
	case "config_error":
		fmt.Fprintf(&b, "%sの設定変更作業において経路設定を誤って投入したため、%sの%sが%sした。", model, where, svc, verb)
	case "procedure":
		fmt.Fprintf(&b, "%sの切替手順書に記載漏れがあり、手順どおりの作業で%sの%sが%sした。", model, where, svc, verb)
	case "other_operator":
		fmt.Fprintf(&b, "接続する%sの伝送装置が故障したため、%sの%sが%sした。", a.partner, where, svc, verb)
	case "natural_disaster":
		cause := pickString(r, []string{"落雷", "大雨による土砂崩れ", "強風による倒木", "浸水"})
		if a.disaster != "" {
			cause = a.disaster + "の影響"
		}
		fmt.Fprintf(&b, "設備が%sにより被災し、%sの%sが%sした。", cause, where, svc, verb)
	case "power_outage":
		fmt.Fprintf(&b, "商用電源の停電が長時間継続し、蓄電池が枯渇したため、%sの%sが%sした。", where, svc, verb)
	case "third_party_damage":
		what := map[string]string{
			"fibre":      "付近の道路工事で第三者が光ファイバケーブルを損傷させたため",
			"radio_base": "基地局設備に第三者の車両が接触し損壊したため",
			"power":      "電源設備が第三者の工事により損傷したため",
		}[a.equipment]
		if what == "" {
			what = "設備が第三者により損壊されたため"
		}
		fmt.Fprintf(&b, "%s、%sの%sが%sした。", what, where, svc, verb)
	case "cyber_attack":
		fmt.Fprintf(&b, "%sに対する大規模なDDoS攻撃を受け、%sの%sが%sした。", model, where, svc, verb)
	default:
		fmt.Fprintf(&b, "%sの%sが%sした。原因は調査中。%sを交換して復旧した。", where, svc, verb, model)
	}
	fmt.Fprintf(&b, "影響利用者数は約%d、継続時間は%s。", a.users, durationText(a.duration))
	if r.chance(0.25) {
		fmt.Fprintf(&b, "（報告者：%s %s）", op.name, op.contactFor(a.fy))
	}
	if a.serious {
		fmt.Fprintf(&b, "重大な事故に該当するため、%s本社に対策本部を設置した。", op.short)
	}
	return b.String()
}

// failedParts are the parts a hardware failure names, by equipment.
func failedParts(equipment string) []string {
	switch equipment {
	case "power":
		return []string{"整流器", "蓄電池", "無停電電源装置"}
	case "hvac":
		return []string{"圧縮機", "制御基板", "送風機"}
	}
	return []string{"電源ユニット", "制御カード", "回線インタフェースカード", "ファン", "メモリ"}
}

// preventionText is the 再発防止策.
func preventionText(r *rng, a *accident) string {
	m := a.model
	if m == "" {
		m = "当該装置"
	}
	switch causeGroupOf(a.cause) {
	case "equipment":
		return pickString(r, []string{
			m + "の予備系切替機能を総点検し、保守部品を" + a.site + "に常備する。",
			m + "の版数を更新し、同一機種の全装置に適用する。",
			"監視項目を追加し、" + m + "の異常を早期に検知できるようにする。",
		})
	case "human":
		return pickString(r, []string{
			"作業手順書を見直し、作業前後のダブルチェックを徹底する。",
			"設定投入前の事前検証を必須とし、" + m + "の設定変更は夜間帯に限定する。",
			"作業者への再教育を実施し、作業計画の承認手続を強化する。",
		})
	case "external":
		return pickString(r, []string{
			"予備電源（移動電源車・発電機）の配備を拡充する。",
			"伝送路のルート冗長化を進める。",
			"接続事業者との連絡体制を見直し、切替手順を整備する。",
		})
	}
	return "原因究明を継続し、判明次第対策を講じる。"
}
