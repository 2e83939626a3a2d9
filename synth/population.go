package synth

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// kindSpec describes one kind of operator in the synthetic population.
//
// The population follows the structure of the Japanese market as the
// annual verification reports and the MIC's market data describe it (a few
// national mobile and fixed carriers with tens of millions of users, two
// regional incumbents, power-company affiliated regional carriers, many cable
// operators and ISPs), sized so that about 120 operators file full-form and
// about 35 file simplified-form reports in a year at --scale 1, the numbers
// the issue cites. The user counts are ranges chosen to match that
// structure, not published figures for any company. Every name is
// fictional.
type kindSpec struct {
	code  string
	label string // Japanese label, for the README
	count int    // in the default population
	// users: explicit sizes for the largest few, then log-uniform in
	// [usersMin, usersMax].
	usersTop           []float64
	usersMin, usersMax float64
	registered         bool    // 登録 (facility-owning) rather than 届出
	national           float64 // share of the kind that serves the whole country
	services           []weighted[string]
	// simplified: equipment the kind reports on the simplified form (告示):
	// base stations, remote line units, DSLAMs. Empty: full form only.
	simplified []weighted[string]
	// owns: equipment the kind operates itself (a cable operator has no
	// base stations); an accident on other equipment is another
	// operator's.
	owns []string
	// fullFactor, simpFactor scale the kind's share of each form's
	// national volume (see operator.rate).
	fullFactor, simpFactor float64
	nameForms              []string // %s is a fictional element
	// fewPartners: the kinds this kind buys wholesale service from
	// (卸元), named in partner_operator and in summaries.
	partnerKinds []string
}

var kinds = []*kindSpec{
	{code: "mno", label: "全国の携帯電話事業者", count: 4, usersTop: []float64{38e6, 31e6, 27e6, 6e6}, usersMin: 3e6, usersMax: 3e7,
		registered: true, national: 1,
		services:   []weighted[string]{{"voice_mobile", 0.35}, {"data_mobile", 0.5}, {"email_paid", 0.08}, {"free_internet", 0.02}, {"voice_fixed", 0.05}},
		simplified: []weighted[string]{{"radio_base", 1}},
		owns:       []string{"radio_base", "switch_local", "switch_transit", "router", "fibre", "server", "power", "hvac", "satellite_cable", "other"},
		fullFactor: 1.6, simpFactor: 1,
		nameForms: []string{"%sモバイル株式会社", "株式会社%sコミュニケーションズ", "%s移動通信株式会社", "%sテレコム株式会社"},
	},
	{code: "incumbent", label: "地域の固定通信事業者（東・西）", count: 2, usersTop: []float64{16e6, 14e6}, usersMin: 5e6, usersMax: 1.5e7,
		registered: true,
		services:   []weighted[string]{{"voice_fixed", 0.35}, {"ftth", 0.4}, {"enterprise", 0.15}, {"dsl", 0.05}, {"isp", 0.05}},
		simplified: []weighted[string]{{"remote_unit", 0.65}, {"dslam", 0.35}},
		owns:       []string{"remote_unit", "dslam", "switch_local", "switch_transit", "router", "fibre", "server", "power", "hvac", "satellite_cable", "other"},
		fullFactor: 1.6, simpFactor: 0.55,
		nameForms: []string{"%s東日本株式会社", "%s西日本株式会社"},
	},
	{code: "fixed_national", label: "全国の固定・長距離通信事業者", count: 4, usersTop: []float64{8e6, 4e6}, usersMin: 8e5, usersMax: 3e6,
		registered: true, national: 1,
		services:   []weighted[string]{{"voice_fixed", 0.2}, {"voice_050", 0.15}, {"ftth", 0.25}, {"isp", 0.2}, {"enterprise", 0.15}, {"email_paid", 0.05}},
		owns:       []string{"switch_local", "switch_transit", "router", "fibre", "server", "power", "hvac", "satellite_cable", "other"},
		fullFactor: 1.2,
		nameForms:  []string{"%sテレコム株式会社", "%sネットワークス株式会社", "株式会社%sコミュニケーションズ"},
	},
	{code: "regional", label: "電力系などの地域通信事業者", count: 9, usersMin: 1e5, usersMax: 1.5e6,
		registered: true,
		services:   []weighted[string]{{"ftth", 0.45}, {"voice_fixed", 0.2}, {"isp", 0.2}, {"enterprise", 0.15}},
		owns:       []string{"switch_local", "router", "fibre", "server", "power", "hvac", "other", "remote_unit"},
		fullFactor: 1,
		nameForms:  []string{"株式会社%sネット", "%s通信ネットワーク株式会社", "株式会社%sテレコム"},
	},
	{code: "bwa", label: "全国BWA事業者", count: 2, usersTop: []float64{2.8e7, 6e6}, usersMin: 1e6, usersMax: 1e7,
		registered: true, national: 1,
		services:   []weighted[string]{{"data_mobile", 1}},
		simplified: []weighted[string]{{"radio_base", 1}},
		owns:       []string{"radio_base", "router", "fibre", "server", "power", "other"},
		fullFactor: 1, simpFactor: 0.6,
		nameForms: []string{"%sワイヤレス株式会社", "%sブロードバンド・ワイヤレス株式会社"},
	},
	{code: "bwa_regional", label: "地域BWA事業者", count: 16, usersMin: 2e3, usersMax: 4e4,
		registered: true,
		services:   []weighted[string]{{"data_mobile", 1}},
		simplified: []weighted[string]{{"radio_base", 1}},
		owns:       []string{"radio_base", "router", "power"},
		simpFactor: 4,
		nameForms:  []string{"%sエリアワイヤレス株式会社", "株式会社%s地域BWA"},
	},
	{code: "dsl", label: "DSL事業者", count: 6, usersMin: 5e3, usersMax: 3e5, national: 0.5,
		services:   []weighted[string]{{"dsl", 0.7}, {"isp", 0.2}, {"voice_050", 0.1}},
		simplified: []weighted[string]{{"dslam", 1}},
		owns:       []string{"dslam", "router", "server", "power", "other"},
		fullFactor: 0.8, simpFactor: 2,
		nameForms: []string{"%sブロードバンド株式会社", "株式会社%sDSL"},
	},
	{code: "cable", label: "ケーブルテレビ事業者", count: 50, usersTop: []float64{5e6}, usersMin: 5e3, usersMax: 5e5,
		registered:   true,
		services:     []weighted[string]{{"catv", 0.55}, {"voice_fixed", 0.2}, {"isp", 0.15}, {"ftth", 0.1}},
		owns:         []string{"switch_local", "router", "fibre", "server", "power", "hvac", "other"},
		fullFactor:   1.1,
		nameForms:    []string{"%sケーブルテレビ株式会社", "株式会社%sケーブルネットワーク", "%sケーブルビジョン株式会社", "株式会社%sテレビ"},
		partnerKinds: []string{"incumbent", "regional"},
	},
	{code: "isp", label: "インターネット接続事業者（ISP）", count: 40, usersTop: []float64{3e6, 1.5e6}, usersMin: 1e4, usersMax: 8e5, national: 0.55,
		services:     []weighted[string]{{"isp", 0.45}, {"email_paid", 0.15}, {"ftth", 0.25}, {"voice_050", 0.1}, {"free_internet", 0.05}},
		owns:         []string{"router", "server", "power", "hvac", "other"},
		fullFactor:   0.9,
		nameForms:    []string{"株式会社%sインターネット", "%sネット株式会社", "株式会社%sオンライン", "%sネットサービス株式会社"},
		partnerKinds: []string{"incumbent", "fixed_national", "regional"},
	},
	{code: "mvno", label: "MVNO", count: 10, usersMin: 5e4, usersMax: 3e6, national: 1,
		services:     []weighted[string]{{"data_mobile", 0.75}, {"voice_mobile", 0.25}},
		owns:         []string{"router", "server", "power", "other"},
		fullFactor:   0.9,
		nameForms:    []string{"%sモバイルサービス株式会社", "株式会社%sSIM", "%sコネクト株式会社"},
		partnerKinds: []string{"mno"},
	},
	{code: "free_internet", label: "無料のインターネット関連サービス事業者", count: 5, usersTop: []float64{6e7, 3e7}, usersMin: 1e6, usersMax: 1.2e7, national: 1,
		services:   []weighted[string]{{"free_internet", 1}},
		owns:       []string{"router", "server", "power", "other"},
		fullFactor: 0.2,
		nameForms:  []string{"%sポータル株式会社", "株式会社%sメール", "株式会社%sメッセージ"},
	},
	{code: "enterprise", label: "法人向けネットワーク・データセンター事業者", count: 8, usersMin: 1e3, usersMax: 3e5, national: 0.7,
		services:     []weighted[string]{{"enterprise", 0.7}, {"isp", 0.3}},
		owns:         []string{"router", "fibre", "server", "power", "hvac", "satellite_cable", "other"},
		fullFactor:   1,
		nameForms:    []string{"%sデータセンター株式会社", "%sビジネスネット株式会社", "株式会社%sソリューションズ"},
		partnerKinds: []string{"incumbent", "fixed_national"},
	},
	{code: "ip_phone", label: "IP電話（050）事業者", count: 5, usersMin: 2e4, usersMax: 2e6, national: 1,
		services:     []weighted[string]{{"voice_050", 1}},
		owns:         []string{"server", "router", "switch_transit", "power", "other"},
		fullFactor:   0.8,
		nameForms:    []string{"%sフォン株式会社", "株式会社%sボイス"},
		partnerKinds: []string{"fixed_national", "incumbent"},
	},
}

// DefaultOperators is the size of the default population.
func DefaultOperators() int {
	n := 0
	for _, k := range kinds {
		n += k.count
	}
	return n
}

// nameElements are invented words (with a romanization for mail domains)
// from which the fictional operator names are built.
var nameElements = []struct{ ja, romaji string }{
	{"ホタル", "hotaru"}, {"ユウナギ", "yunagi"}, {"シノノメ", "shinonome"}, {"アサギ", "asagi"}, {"ツクモ", "tsukumo"},
	{"コハク", "kohaku"}, {"ミヤビ", "miyabi"}, {"トキワ", "tokiwa"}, {"ワカバ", "wakaba"}, {"ヒスイ", "hisui"},
	{"アケボノ", "akebono"}, {"カスミ", "kasumi"}, {"ルリ", "ruri"}, {"サクヤ", "sakuya"}, {"ナギサ", "nagisa"},
	{"ハヤテ", "hayate"}, {"ソヨカゼ", "soyokaze"}, {"イザヨイ", "izayoi"}, {"ヤマセミ", "yamasemi"}, {"カワセミ", "kawasemi"},
	{"ミナモ", "minamo"}, {"ツバキ", "tsubaki"}, {"ホシカゲ", "hoshikage"}, {"アマネ", "amane"}, {"コダマ", "kodama"},
	{"ヒバリ", "hibari"}, {"シラサギ", "shirasagi"}, {"ユキワリ", "yukiwari"}, {"モエギ", "moegi"}, {"スオウ", "suou"},
	{"クチナシ", "kuchinashi"}, {"ハナミズキ", "hanamizuki"}, {"ウスズミ", "usuzumi"}, {"タマユラ", "tamayura"}, {"オボロ", "oboro"},
	{"サザンカ", "sazanka"}, {"キキョウ", "kikyo"}, {"ノギク", "nogiku"}, {"ハマナス", "hamanasu"}, {"アジサイ", "ajisai"},
	{"みずかげ", "mizukage"}, {"さざれ", "sazare"}, {"ひだまり", "hidamari"}, {"こもれび", "komorebi"}, {"せせらぎ", "seseragi"},
	{"やまなみ", "yamanami"}, {"あさもや", "asamoya"}, {"ゆうづつ", "yuzutsu"}, {"しおさい", "shiosai"}, {"たかね", "takane"},
	{"紫雲", "shiun"}, {"翠嶺", "suirei"}, {"白楊", "hakuyo"}, {"青嵐", "seiran"}, {"朱鷺野", "tokino"},
	{"瑞雲", "zuiun"}, {"霧島野", "kirishimano"}, {"桐ヶ丘", "kirigaoka"}, {"楓原", "kaedehara"}, {"椿台", "tsubakidai"},
	{"星見", "hoshimi"}, {"月影", "tsukikage"}, {"風早", "kazahaya"}, {"雪見", "yukimi"}, {"光陵", "koryo"},
	{"潮見", "shiomi"}, {"陽向", "hinata"}, {"若葉野", "wakabano"}, {"鷺ノ宮", "saginomiya"}, {"雲雀野", "hibarino"},
	{"蒼穹", "sokyu"}, {"銀河野", "gingano"}, {"八雲", "yakumo"}, {"千早", "chihaya"}, {"深緑", "shinryoku"},
	{"綾瀬野", "ayaseno"}, {"萌黄", "moegi2"}, {"葵野", "aoino"}, {"柚木", "yuzuki"}, {"琥珀野", "kohakuno"},
	{"ミツバ", "mitsuba"}, {"スズカケ", "suzukake"}, {"ナナカマド", "nanakamado"}, {"クスノキ", "kusunoki"}, {"ハクモクレン", "hakumokuren"},
	{"アオバズク", "aobazuku"}, {"イソシギ", "isoshigi"}, {"ウミネコ", "umineko"}, {"エゾマツ", "ezomatsu"}, {"オオルリ", "ooruri"},
	{"カジカ", "kajika"}, {"キビタキ", "kibitaki"}, {"クロモジ", "kuromoji"}, {"ケヤキ", "keyaki"}, {"コゲラ", "kogera"},
	{"サンコウ", "sanko"}, {"シジミ", "shijimi"}, {"スダチ", "sudachi"}, {"セキレイ", "sekirei"}, {"ソウビ", "sobi"},
	{"タチバナ", "tachibana"}, {"チドリ", "chidori"}, {"ツグミ", "tsugumi"}, {"テンリョウ", "tenryo"}, {"トウカ", "toka"},
	{"ナツメ", "natsume"}, {"ニシキギ", "nishikigi"}, {"ヌバタマ", "nubatama"}, {"ネムノキ", "nemunoki"}, {"ノバラ", "nobara"},
	{"ハシバミ", "hashibami"}, {"ヒメシャラ", "himeshara"}, {"フジバカマ", "fujibakama"}, {"ヘキウン", "hekiun"}, {"ホオズキ", "hozuki"},
	{"マツヨイ", "matsuyoi"}, {"ミズバショウ", "mizubasho"}, {"ムクゲ", "mukuge"}, {"メジロ", "mejiro"}, {"モクセイ", "mokusei"},
	{"ヤマブキ", "yamabuki"}, {"ユズリハ", "yuzuriha"}, {"ヨシキリ", "yoshikiri"}, {"リンドウ", "rindo"}, {"レンゲ", "renge"},
	{"ワスレナ", "wasurena"}, {"アカツメ", "akatsume"}, {"イチイ", "ichii"}, {"ウツギ", "utsugi"}, {"オミナエ", "ominae"},
	{"あさぎり", "asagiri"}, {"いさりび", "isaribi"}, {"うたかた", "utakata"}, {"おぼろづき", "oborozuki"}, {"かげろう", "kagero"},
	{"きらら", "kirara"}, {"くもい", "kumoi"}, {"しののめ野", "shinononeno"}, {"すばる野", "subaruno"}, {"そよご", "soyogo"},
	{"たまかぜ", "tamakaze"}, {"つきしろ", "tsukishiro"}, {"なごみ野", "nagomino"}, {"はるかぜ", "harukaze"}, {"ひさかた", "hisakata"},
	{"蒼鷺", "aosagi"}, {"白鷹", "hakuyo2"}, {"紅葉台", "momijidai"}, {"黎明", "reimei"}, {"暁光", "gyoko"},
	{"碧水", "hekisui"}, {"清流野", "seiryuno"}, {"瑠璃野", "rurino"}, {"緑風", "ryokufu"}, {"銀嶺", "ginrei"},
	{"翠星", "suisei"}, {"彩雲", "saiun"}, {"曙台", "akebonodai"}, {"星野原", "hoshinohara"}, {"月見野", "tsukimino"},
}

// Surnames and given names for contacts: common words, combined at random,
// so no contact is a real person.
var (
	surnames = []string{"佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤", "吉田", "山田",
		"佐々木", "山口", "松本", "井上", "木村", "林", "斎藤", "清水", "山崎", "森", "池田", "橋本", "阿部", "石川",
		"前田", "藤田", "小川", "岡田", "後藤", "長谷川", "石井", "村上", "近藤", "坂本", "遠藤", "青木", "藤井", "西村"}
	givenNames = []string{"健一", "誠", "大輔", "直樹", "拓也", "翔太", "浩二", "隆", "剛", "亮", "美咲", "陽子", "恵子",
		"由美", "真由美", "智子", "彩", "愛", "奈々", "麻衣", "和也", "修", "聡", "哲也", "裕子", "明美", "悠斗", "蓮",
		"陽菜", "結衣"}
)

// Fictional equipment vendors (no real maker's name or trademark) and the
// model prefixes they use per equipment code.
var vendors = []struct {
	name, prefix string
	makes        []string
}{
	{"ケストレロン", "KR", []string{"router", "switch_transit", "server", "other"}},
	{"オルビクア", "OQ", []string{"server", "other"}},
	{"ヴェルトラクス", "VX", []string{"router", "radio_base", "satellite_cable", "fibre"}},
	{"ミズナギ電機", "MZ", []string{"power", "hvac"}},
	{"トワイライン", "TL", []string{"radio_base", "remote_unit"}},
	{"サンダリオ", "SD", []string{"dslam", "remote_unit", "router"}},
	{"フユツバキ通信機", "FT", []string{"switch_local", "switch_transit", "remote_unit"}},
	{"ルミエッタ", "LM", []string{"fibre", "router", "other"}},
	{"アオサギ電子", "AS", []string{"server", "power", "other"}},
	{"ノクタリス", "NQ", []string{"switch_local", "dslam", "router"}},
}

// operator is one member of the synthetic population.
type operator struct {
	index      int
	kind       *kindSpec
	name       string
	short      string // the fictional element, used in building names and summaries
	id         string // 登録・届出番号
	registered bool
	domain     string
	users      int64
	area       area
	home       string // prefecture code of the head office
	national   bool
	services   []weighted[string]
	simplified []weighted[string]
	owns       map[string]bool
	// share: the operator's share of each form's national volume
	// (index formFull, formSimplified).
	share    [2]float64
	contacts []string
	// contactSwitch: the fiscal year from which the second contact reports.
	contactSwitch int
	phone, mail   string
	models        map[string][]string // equipment code -> models it runs
	partners      []int               // wholesale partners (operator indices)
	style         style
}

const (
	formFull = iota
	formSimplified
)

var formCodes = [2]string{"full", "simplified"}

// population is the synthetic market: the operators and the models they run.
type population struct {
	ops []*operator
}

// kindCounts scales the default counts of each kind to n operators
// (largest remainder), keeping at least one national mobile carrier.
func kindCounts(n int) []int {
	def := DefaultOperators()
	counts := make([]int, len(kinds))
	if n <= 0 || n == def {
		for i, k := range kinds {
			counts[i] = k.count
		}
		return counts
	}
	type rem struct {
		i int
		f float64
	}
	var rems []rem
	total := 0
	for i, k := range kinds {
		x := float64(k.count) * float64(n) / float64(def)
		counts[i] = int(math.Floor(x))
		total += counts[i]
		rems = append(rems, rem{i, x - math.Floor(x)})
	}
	// Largest remainder first; ties by kind order, for determinism.
	sort.SliceStable(rems, func(a, b int) bool { return rems[a].f > rems[b].f })
	for j := 0; total < n; j++ {
		counts[rems[j%len(rems)].i]++
		total++
	}
	if counts[0] == 0 { // a market without a mobile carrier is not realistic
		for i := len(counts) - 1; i > 0; i-- {
			if counts[i] > 0 {
				counts[i]--
				counts[0]++
				break
			}
		}
	}
	return counts
}

// newPopulation draws the operators for a seed.
func newPopulation(seed int64, n int) *population {
	r := newRNG(seed, tagPopulation)
	counts := kindCounts(n)
	p := &population{}
	names := &namer{usedNames: map[string]bool{}, usedElems: map[int]bool{}, kindElems: map[string]bool{}}
	usedIDs := map[string]bool{}
	usedDomains := map[string]bool{}
	areas := bureauAreas()
	regionalOrder := []string{"hokkaido", "tohoku", "hokuriku", "tokai", "kinki", "chugoku", "shikoku", "kyushu", "okinawa", "shinetsu", "kanto"}
	for ki, k := range kinds {
		for j := 0; j < counts[ki]; j++ {
			op := &operator{index: len(p.ops), kind: k, owns: map[string]bool{}, models: map[string][]string{}}
			name, short, romaji := names.next(r, k, j)
			op.name, op.short = name, short
			suffix := strings.ReplaceAll(k.code, "_", "")
			if k.code == "incumbent" {
				suffix = [2]string{"east", "west"}[j%2]
			}
			op.domain = romaji + "-" + suffix + ".example"
			for usedDomains[op.domain] {
				op.domain = fmt.Sprintf("%s%d-%s.example", romaji, len(usedDomains), suffix)
			}
			usedDomains[op.domain] = true

			// Size: explicit for the largest few, else log-uniform.
			if j < len(k.usersTop) {
				op.users = int64(k.usersTop[j] * (0.9 + 0.2*r.float()))
			} else {
				op.users = int64(math.Exp(math.Log(k.usersMin) + r.float()*(math.Log(k.usersMax)-math.Log(k.usersMin))))
			}

			// Area and head office.
			switch {
			case k.code == "incumbent":
				east := []string{"hokkaido", "tohoku", "kanto", "shinetsu"}
				var codes []string
				for _, rg := range areas {
					isEast := false
					for _, e := range east {
						isEast = isEast || e == rg
					}
					if isEast == (j%2 == 0) {
						codes = append(codes, regionPrefs(rg)...)
					}
				}
				op.area = popArea(codes)
				op.home = map[bool]string{true: "13", false: "27"}[j%2 == 0]
			case k.code == "regional":
				rg := regionalOrder[j%len(regionalOrder)]
				op.area = popArea(regionPrefs(rg))
				op.home = op.area.pick(r)
			case k.code == "cable" && j < len(k.usersTop):
				// One multi-region cable group (MSO).
				var codes []string
				for _, rg := range []string{"kanto", "kinki", "kyushu", "hokkaido"} {
					codes = append(codes, regionPrefs(rg)...)
				}
				op.area = popArea(codes)
				op.home = "13"
			case k.national > 0 && r.float() < k.national:
				op.national = true
				op.area = popArea(allPrefs())
				op.home = pickW(r, []weighted[string]{{"13", 0.75}, {"27", 0.12}, {"23", 0.06}, {"40", 0.04}, {"01", 0.03}})
			default:
				home := popArea(allPrefs()).pick(r)
				op.home = home
				switch k.code {
				case "cable", "bwa_regional":
					codes := []string{home}
					if k.code == "cable" && r.chance(0.3) {
						for _, c := range regionPrefs(regionOfPref(home)) {
							if c != home && r.chance(0.4) {
								codes = append(codes, c)
							}
						}
					}
					op.area = popArea(codes)
				default:
					op.area = popArea(regionPrefs(regionOfPref(home)))
				}
			}
			if op.national && op.home == "" {
				op.home = "13"
			}

			op.registered = k.registered || op.users > 1e6
			for {
				if op.registered {
					op.id = fmt.Sprintf("A-%02d-%05d", r.rangeInt(85, 99)%100, r.intn(100000))
				} else {
					op.id = fmt.Sprintf("%02d-%04d", r.rangeInt(0, 24), r.intn(10000))
				}
				if !usedIDs[op.id] {
					break
				}
			}
			usedIDs[op.id] = true

			op.services = k.services
			op.simplified = k.simplified
			if k.code == "regional" && j%3 == 0 {
				op.simplified = []weighted[string]{{"remote_unit", 1}}
			}
			if k.code == "fixed_national" && j < 2 {
				op.simplified = []weighted[string]{{"dslam", 1}}
				op.services = append(append([]weighted[string](nil), k.services...), weighted[string]{"dsl", 0.1})
			}
			for _, e := range k.owns {
				op.owns[e] = true
			}
			for _, e := range op.simplified {
				op.owns[e.V] = true
			}

			// Share weights: national volume is split in proportion to
			// users^0.85 (full form) and users^0.7 (simplified form, which
			// counts base stations and line units, which grow with the
			// subscriber base), times a per-kind factor and a per-operator
			// lognormal spread for how reliable its network is. The
			// exponent and spread are tuned so that about 120 operators
			// file a full-form report in a year at --scale 1 (the issue's
			// figure), the rest having too few accidents to report every
			// year.
			spread := r.logNormal(1, 0.5)
			op.share[formFull] = k.fullFactor * math.Pow(float64(op.users), 0.85) * spread
			if len(op.simplified) > 0 {
				f := k.simpFactor
				if f == 0 {
					f = 0.05
				}
				op.share[formSimplified] = f * math.Pow(float64(op.users), 0.7) * spread
			}

			// Contacts.
			op.contacts = []string{
				pickString(r, surnames) + " " + pickString(r, givenNames),
				pickString(r, surnames) + " " + pickString(r, givenNames),
			}
			op.contactSwitch = 2012 + r.intn(14)
			op.phone = fmt.Sprintf("0%d-0%03d-%04d", r.rangeInt(3, 9), r.intn(1000), r.intn(10000))
			op.mail = pickString(r, []string{"jiko-houkoku", "noc", "network-ops", "soumu", "houkoku"}) + "@" + op.domain
			op.style = newStyle(r, op)
			p.ops = append(p.ops, op)
		}
	}
	normalizeShares(p.ops)
	p.assignPartners(r)
	p.assignModels(r)
	return p
}

// namer draws fictional operator names: an invented element and the
// kind's company form, each element used once while any is left, then
// compounds of two elements.
type namer struct {
	usedNames map[string]bool
	usedElems map[int]bool
	kindElems map[string]bool // kind/element pairs in use
	last      int             // element of the previous operator (the two incumbents share one, as a group)
}

func (nm *namer) next(r *rng, k *kindSpec, j int) (name, short, romaji string) {
	try := func(ei int, form string) bool {
		el := nameElements[ei]
		n := fmt.Sprintf(form, el.ja)
		if nm.usedNames[n] {
			return false
		}
		nm.usedNames[n], nm.usedElems[ei], nm.last = true, true, ei
		name, short, romaji = n, el.ja, el.romaji
		return true
	}
	if k.code == "incumbent" {
		form := k.nameForms[j%len(k.nameForms)]
		if j%2 == 1 && try(nm.last, form) {
			return
		}
		for attempt := 0; attempt < 1000; attempt++ {
			if ei := r.intn(len(nameElements)); (!nm.usedElems[ei] || attempt > 500) && try(ei, form) {
				return
			}
		}
	}
	for attempt := 0; attempt < 2000; attempt++ {
		ei := r.intn(len(nameElements))
		if nm.usedElems[ei] && attempt < 500 {
			continue
		}
		if nm.kindElems[k.code+"/"+nameElements[ei].ja] && attempt < 1500 {
			continue // two operators of a kind sharing a name element read as one company
		}
		if try(ei, k.nameForms[r.intn(len(k.nameForms))]) {
			nm.kindElems[k.code+"/"+nameElements[ei].ja] = true
			return
		}
	}
	for {
		a, b := nameElements[r.intn(len(nameElements))], nameElements[r.intn(len(nameElements))]
		n := fmt.Sprintf(k.nameForms[r.intn(len(k.nameForms))], a.ja+b.ja)
		if !nm.usedNames[n] {
			nm.usedNames[n] = true
			return n, a.ja + b.ja, a.romaji + b.romaji
		}
	}
}

func normalizeShares(ops []*operator) {
	for f := range 2 {
		total := 0.0
		for _, op := range ops {
			total += op.share[f]
		}
		if total == 0 {
			continue
		}
		for _, op := range ops {
			op.share[f] /= total
		}
	}
}

// assignPartners gives operators that resell or interconnect a few
// wholesale partners of the kinds they buy from.
func (p *population) assignPartners(r *rng) {
	byKind := map[string][]int{}
	for _, op := range p.ops {
		byKind[op.kind.code] = append(byKind[op.kind.code], op.index)
	}
	for _, op := range p.ops {
		var cands []int
		kindsFrom := op.kind.partnerKinds
		if len(kindsFrom) == 0 {
			kindsFrom = []string{"incumbent", "fixed_national", "mno"}
		}
		for _, kc := range kindsFrom {
			for _, i := range byKind[kc] {
				if i != op.index {
					cands = append(cands, i)
				}
			}
		}
		if len(cands) == 0 {
			for _, o := range p.ops {
				if o.index != op.index {
					cands = append(cands, o.index)
				}
			}
		}
		if len(cands) == 0 {
			continue
		}
		n := 1 + r.intn(2)
		for range n {
			op.partners = append(op.partners, cands[r.intn(len(cands))])
		}
	}
}

// assignModels gives each operator the models it runs: a few from the
// common pool of each equipment kind, and for about a third of the kinds
// of equipment a model that only this operator uses (a custom or rare
// model is what makes equipment details identifying).
func (p *population) assignModels(r *rng) {
	// A common pool: three models per vendor and equipment kind.
	pool := map[string][]string{}
	for _, v := range vendors {
		for _, e := range v.makes {
			for k := range 3 {
				pool[e] = append(pool[e], fmt.Sprintf("%s %s-%d%02d0", v.name, v.prefix, 1+r.intn(9), 10*k+r.intn(10)))
			}
		}
	}
	used := map[string]bool{}
	for _, ms := range pool {
		for _, m := range ms {
			used[m] = true
		}
	}
	for _, op := range p.ops {
		var eqs []string
		for e := range op.owns {
			eqs = append(eqs, e)
		}
		sort.Strings(eqs) // map order must not leak into the draws
		for _, e := range eqs {
			cands := pool[e]
			if len(cands) == 0 {
				continue
			}
			n := 1 + r.intn(2)
			for range n {
				op.models[e] = append(op.models[e], cands[r.intn(len(cands))])
			}
			if r.chance(0.35) {
				var makers []int
				for vi, v := range vendors {
					for _, m := range v.makes {
						if m == e {
							makers = append(makers, vi)
						}
					}
				}
				v := vendors[makers[r.intn(len(makers))]]
				for {
					m := fmt.Sprintf("%s %s-%d%03d%s", v.name, v.prefix, 1+r.intn(9), r.intn(1000),
						pickString(r, []string{"-J", "-C", "-X", "S", "E", "-K2", "-Z"}))
					if !used[m] {
						used[m] = true
						op.models[e] = append(op.models[e], m)
						break
					}
				}
			}
		}
	}
}

// contactFor returns the reporting contact in a fiscal year.
func (op *operator) contactFor(fy int) string {
	if fy >= op.contactSwitch {
		return op.contacts[1]
	}
	return op.contacts[0]
}

// partnerName returns the name of one of the operator's wholesale partners.
func (p *population) partnerName(r *rng, op *operator) string {
	if len(op.partners) == 0 {
		return ""
	}
	return p.ops[op.partners[r.intn(len(op.partners))]].name
}
