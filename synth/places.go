package synth

import (
	"sort"

	"github.com/kensho-jp/kensho"
)

// prefPopulation is the population of each prefecture in thousands, from
// the 2020 census (令和2年国勢調査, 総務省統計局), rounded. It weights where
// operators are, which prefectures an accident touches, and how much of an
// operator's area a typhoon or an earthquake covers. Keys are the JIS codes
// of codes/prefectures.csv.
var prefPopulation = map[string]float64{
	"01": 5225, "02": 1238, "03": 1211, "04": 2302, "05": 960, "06": 1068, "07": 1833,
	"08": 2867, "09": 1933, "10": 1939, "11": 7345, "12": 6284, "13": 14048, "14": 9237,
	"15": 2201, "16": 1035, "17": 1133, "18": 767, "19": 810, "20": 2048,
	"21": 1979, "22": 3633, "23": 7542, "24": 1770,
	"25": 1414, "26": 2578, "27": 8838, "28": 5465, "29": 1324, "30": 923,
	"31": 553, "32": 671, "33": 1888, "34": 2800, "35": 1342,
	"36": 720, "37": 950, "38": 1335, "39": 692,
	"40": 5135, "41": 811, "42": 1312, "43": 1738, "44": 1124, "45": 1070, "46": 1588, "47": 1467,
}

// prefCities lists two or three real municipalities of each prefecture.
// They only name where a failed building stands (発生場所, never published)
// and give summaries something to anonymize; no operator is real.
var prefCities = map[string][]string{
	"01": {"札幌市", "旭川市", "函館市"}, "02": {"青森市", "八戸市"}, "03": {"盛岡市", "一関市"},
	"04": {"仙台市", "石巻市", "大崎市"}, "05": {"秋田市", "横手市"}, "06": {"山形市", "鶴岡市"},
	"07": {"福島市", "郡山市", "いわき市"}, "08": {"水戸市", "つくば市", "日立市"}, "09": {"宇都宮市", "小山市"},
	"10": {"前橋市", "高崎市"}, "11": {"さいたま市", "川越市", "越谷市"}, "12": {"千葉市", "船橋市", "柏市"},
	"13": {"千代田区", "新宿区", "八王子市", "立川市"}, "14": {"横浜市", "川崎市", "相模原市"},
	"15": {"新潟市", "長岡市"}, "16": {"富山市", "高岡市"}, "17": {"金沢市", "七尾市"}, "18": {"福井市", "敦賀市"},
	"19": {"甲府市", "富士吉田市"}, "20": {"長野市", "松本市"}, "21": {"岐阜市", "大垣市"},
	"22": {"静岡市", "浜松市", "沼津市"}, "23": {"名古屋市", "豊田市", "岡崎市"}, "24": {"津市", "四日市市"},
	"25": {"大津市", "草津市"}, "26": {"京都市", "福知山市"}, "27": {"大阪市", "堺市", "東大阪市"},
	"28": {"神戸市", "姫路市", "西宮市"}, "29": {"奈良市", "橿原市"}, "30": {"和歌山市", "田辺市"},
	"31": {"鳥取市", "米子市"}, "32": {"松江市", "出雲市"}, "33": {"岡山市", "倉敷市"},
	"34": {"広島市", "福山市"}, "35": {"山口市", "下関市"}, "36": {"徳島市", "阿南市"},
	"37": {"高松市", "丸亀市"}, "38": {"松山市", "今治市"}, "39": {"高知市", "四万十市"},
	"40": {"福岡市", "北九州市", "久留米市"}, "41": {"佐賀市", "唐津市"}, "42": {"長崎市", "佐世保市"},
	"43": {"熊本市", "八代市"}, "44": {"大分市", "別府市"}, "45": {"宮崎市", "都城市"},
	"46": {"鹿児島市", "奄美市"}, "47": {"那覇市", "沖縄市", "石垣市"},
}

// Bureau areas in the order used to draw typhoon tracks (south-west to
// north-east) and the areas that get heavy snow.
var (
	typhoonTrack = []string{"okinawa", "kyushu", "shikoku", "chugoku", "kinki", "tokai", "kanto", "tohoku", "hokkaido"}
	rainRegions  = []string{"kyushu", "chugoku", "shikoku", "kinki", "tokai", "hokuriku", "tohoku", "shinetsu"}
	snowRegions  = []string{"hokkaido", "tohoku", "hokuriku", "shinetsu", "tohoku", "hokuriku"}
)

// bureauAreas are the eleven regional bureau areas (not multi/national).
func bureauAreas() []string {
	var out []string
	for _, c := range kensho.Regions.Codes {
		if c.Code != "multi" && c.Code != "national" {
			out = append(out, c.Code)
		}
	}
	return out
}

// regionPrefs returns the prefecture codes of a bureau area in code order.
func regionPrefs(region string) []string {
	var out []string
	for _, c := range kensho.Prefectures.Codes {
		if c.Attr["region"] == region {
			out = append(out, c.Code)
		}
	}
	return out
}

func allPrefs() []string { return kensho.Prefectures.CodeStrings() }

func regionOfPref(c string) string { return code(kensho.Prefectures, c).Attr["region"] }

// area is a set of prefectures with weights (population, or population ×
// an event's strength), kept sorted by code for determinism.
type area struct {
	codes   []string
	weights []float64
	total   float64
}

func newArea(codes []string, weight func(string) float64) area {
	cs := append([]string(nil), codes...)
	sort.Strings(cs) // deterministic order of prefectures
	a := area{codes: cs, weights: make([]float64, len(cs))}
	for i, c := range cs {
		a.weights[i] = weight(c)
		a.total += a.weights[i]
	}
	return a
}

func popArea(codes []string) area {
	return newArea(codes, func(c string) float64 { return prefPopulation[c] })
}

func (a area) has(code string) bool {
	i := sort.SearchStrings(a.codes, code)
	return i < len(a.codes) && a.codes[i] == code
}

func (a area) weight(code string) float64 {
	i := sort.SearchStrings(a.codes, code)
	if i < len(a.codes) && a.codes[i] == code {
		return a.weights[i]
	}
	return 0
}

// pick draws one prefecture by weight.
func (a area) pick(r *rng) string { return a.codes[r.pick(a.weights)] }
