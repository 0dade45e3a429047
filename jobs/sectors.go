package jobs

import (
	"strings"
	"unicode"

	"github.com/werkwijzer/werkwijzer/dialogs/orientation"
)

// sectorWords maps words found in a posting's industry, occupational
// category or title (Dutch, French and English, as Antwerp's job boards
// write them) to the orientation's sectors. The first sector with a word
// in the text wins, in the order of this list; documented in FORMAT.md.
// A word matches the start of a word of the text (Dutch glues words
// together: "heftruckchauffeur"); one marked "=" only a whole word, one
// with a space anywhere.
var sectorWords = []struct {
	sector string
	words  []string
}{
	{orientation.SectorConstruction, []string{"bouw", "construct", "metsel", "maçon", "masonry", "bekist", "dakwerk", "couvreur", "roofer",
		"schilder", "peintre", "painter", "tegel", "carrel", "stukad", "plafonn", "timmer", "charpent", "carpenter", "elektricien",
		"électricien", "electrician", "loodgiet", "plombier", "plumber", "grondwerk", "wegenbouw", "kraanman", "grutier", "crane"}},
	{orientation.SectorPort, []string{"haven", "=port", "logist", "heftruck", "chariot", "forklift", "magazijn", "magasin", "warehouse",
		"entrepôt", "orderpick", "préparateur", "picker", "chauffeur", "driver", "vrachtwagen", "camion", "truck", "dokwerk",
		"docker", "straddle", "expeditie", "transport", "koerier", "courier"}},
	{orientation.SectorIndustry, []string{"industrie", "industry", "industrial", "productie", "production", "operator", "opérateur",
		"procesoperator", "chemie", "chimie", "chemical", "metaal", "métal", "metal", "lasser", "soud", "weld", "machine",
		"onderhoudstechnieker", "maintenance", "technician", "mechanic", "mécanicien", "monteur", "assembl"}},
	{orientation.SectorHospitality, []string{"horeca", "hospitality", "hôtel", "hotel", "restaurant", "keuken", "cuisine", "kitchen",
		"=kok", "cuisinier", "=cook", "=chef", "afwas", "plongeur", "dishwasher", "zaalmedewerker", "serveur", "waiter", "barista", "=bar"}},
	{orientation.SectorEducation, []string{"onderwijs", "enseignement", "education", "leerkracht", "enseignant", "teacher", "school",
		"école", "kinderbegeleider", "puéricult", "childcare worker", "opvoeder", "éducateur", "educator"}},
	{orientation.SectorCare, []string{"zorg", "soins", "=care", "caregiver", "verpleeg", "infirmi", "nurse", "zorgkundige", "aide-soignant",
		"verzorgende", "gezinszorg", "woonzorg", "ziekenhuis", "hôpital", "hospital", "poetshulp-zorg"}},
	{orientation.SectorCleaning, []string{"schoonmaak", "nettoyage", "cleaning", "cleaner", "poets", "technicien de surface",
		"glazenwasser", "laveur de vitres", "window clean", "huishoud", "ménage"}},
	{orientation.SectorRetail, []string{"retail", "winkel", "magasin de détail", "shop", "store", "verkoper", "vendeur", "sales assistant",
		"kassier", "caissier", "cashier", "rekkenvuller", "réassort", "shelf", "supermarkt", "supermarché", "supermarket"}},
}

// sectorOf picks the sector from the posting's industry, then its
// occupational category, then its title; "" when no word fits.
func sectorOf(texts ...string) string {
	for _, t := range texts {
		t = strings.ToLower(t)
		if t == "" {
			continue
		}
		words := strings.FieldsFunc(t, func(r rune) bool { return !unicode.IsLetter(r) })
		for _, sw := range sectorWords {
			for _, w := range sw.words {
				if matches(t, words, w) {
					return sw.sector
				}
			}
		}
	}
	return ""
}

func matches(text string, words []string, w string) bool {
	if strings.Contains(w, " ") {
		return strings.Contains(text, w)
	}
	whole := strings.HasPrefix(w, "=")
	w = strings.TrimPrefix(w, "=")
	for _, x := range words {
		if x == w || (!whole && strings.HasPrefix(x, w)) {
			return true
		}
	}
	return false
}
