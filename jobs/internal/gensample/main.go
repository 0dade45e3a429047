// Command gensample writes jobs/data/sample.jsonld: realistic, fictional
// vacancies around Antwerp across the shortage sectors, as schema.org
// JobPosting JSON-LD, so that the bot shows something on first run. It is
// deterministic: run it again and the file is the same.
//
//	go run ./jobs/internal/gensample > jobs/data/sample.jsonld
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

type role struct {
	title, industry, desc string
	dutch, licence        string
	shifts, weekends      bool
	part                  bool
	min, max              float64
	edu                   string
}

type sector struct {
	employers []string
	roles     []role
}

var places = []struct{ street, pc, city string }{
	{"Noorderlaan 100", "2030", "Antwerpen"}, {"Haven 1050, Scheldelaan 420", "2040", "Antwerpen"},
	{"Meir 50", "2000", "Antwerpen"}, {"Turnhoutsebaan 200", "2140", "Borgerhout"}, {"Bisschoppenhoflaan 300", "2100", "Deurne"},
	{"Bredabaan 500", "2170", "Merksem"}, {"Kapelsestraat 20", "2180", "Ekeren"}, {"Grotesteenweg 150", "2600", "Berchem"},
	{"Boomsesteenweg 600", "2610", "Wilrijk"}, {"Kioskplaats 80", "2660", "Hoboken"}, {"Krijgsbaan 40", "2070", "Zwijndrecht"},
	{"Hoogstraat 12", "2950", "Kapellen"}, {"Bredabaan 900", "2930", "Brasschaat"}, {"Deurnestraat 30", "2640", "Mortsel"},
	{"Mechelsesteenweg 250", "2550", "Kontich"}, {"Kerkstraat 5", "2900", "Schoten"}, {"Blokkestraat 3", "2650", "Edegem"},
	{"Vaartstraat 60", "2850", "Boom"}, {"Kallobaan 1", "9130", "Kallo"}, {"Oude Zandstraat 90", "9120", "Beveren"},
	{"Industrieweg 15", "2630", "Aartselaar"}, {"Frankrijklei 119", "2000", "Antwerpen"}, {"Sint-Bernardsesteenweg 400", "2020", "Antwerpen"},
	{"Lange Lozanastraat 40", "2018", "Antwerpen"},
}

var sectors = []sector{
	{[]string{"Bouwbedrijf Schelde", "Werf Noord bv", "Renovatie Antwerpen", "Dakwerken Van Loon", "Bouwgroep De Grote Verbinding"},
		[]role{
			{"Metselaar", "Bouw", "Je metselt muren in nieuwbouw en renovatie. Ervaring is mooi, maar we leren het je ook op de werf.", "little", "none", false, false, false, 15.5, 19, ""},
			{"Hulparbeider bouw", "Bouw", "Je helpt de ploeg op de werf: materiaal aanvoeren, opruimen, eenvoudige taken. Geen ervaring nodig.", "none", "none", false, false, false, 14.2, 15.5, ""},
			{"Bekister", "Bouw", "Je maakt bekistingen voor beton op grote werven rond Antwerpen.", "little", "none", false, false, false, 16, 19.5, ""},
			{"Dakwerker", "Bouw", "Je werkt aan daken van woningen: isoleren, leggen, herstellen. Geen hoogtevrees.", "little", "b", false, false, false, 15.5, 18.5, ""},
			{"Schilder", "Bouw", "Binnen- en buitenschilderwerk bij particulieren en bedrijven.", "little", "none", false, false, true, 15, 17.5, ""},
			{"Elektricien", "Bouw", "Je plaatst elektrische installaties in woningen. Een opleiding elektriciteit is een plus.", "conversational", "b", false, false, false, 16.5, 20, "secondary"},
			{"Grondwerker", "Bouw", "Werken aan wegen en riolering voor de Oosterweelverbinding.", "little", "none", false, false, false, 15.5, 18, ""},
		}},
	{[]string{"Havenlogistiek Antwerpen", "Scheldekaai Terminals", "Logistiek Noord", "Koerier Express", "Distributiecentrum Kallo"},
		[]role{
			{"Heftruckchauffeur", "Logistiek", "Je laadt en lost vrachtwagens met de heftruck. Een heftruckattest halen we samen.", "little", "none", true, false, false, 15, 17.5, ""},
			{"Orderpicker", "Logistiek", "Je verzamelt bestellingen in het magazijn met een scanner. Wisselende ploegen.", "none", "none", true, false, false, 14.5, 16, ""},
			{"Magazijnier", "Logistiek", "Ontvangst, opslag en verzending van goederen in een groot magazijn.", "little", "none", false, false, false, 14.8, 16.5, ""},
			{"Vrachtwagenchauffeur CE", "Transport", "Je rijdt containers tussen de haven en klanten in België.", "conversational", "c", false, false, false, 16.5, 19.5, ""},
			{"Havenarbeider (logistiek)", "Haven", "Je werkt op de terminal: containers vastzetten, controleren, sjorren.", "little", "none", true, true, false, 17, 21, ""},
			{"Koerier", "Logistiek", "Je levert pakjes in Antwerpen met een bestelwagen.", "little", "b", false, true, true, 14.5, 15.8, ""},
		}},
	{[]string{"Chemco Antwerpen", "Metaalwerken Hoboken", "Polymeren Lillo", "Machinebouw Kontich", "Raffinaderij Zandvliet"},
		[]role{
			{"Productieoperator", "Chemie", "Je volgt de productie op in een chemisch bedrijf in de haven. Opleiding voorzien.", "conversational", "b", true, false, false, 17, 22, "secondary"},
			{"Lasser", "Metaal", "Je last staalconstructies in ons atelier. Een lasattest is een plus.", "little", "none", false, false, false, 16, 20, ""},
			{"Machineoperator", "Industrie", "Je bedient en stelt machines in. We leren je het werk.", "little", "none", true, false, false, 15.5, 18, ""},
			{"Onderhoudstechnieker", "Industrie", "Preventief en correctief onderhoud aan installaties.", "conversational", "b", true, false, false, 18, 23, "secondary"},
			{"Productiemedewerker", "Industrie", "Inpakken, controleren en klaarzetten aan de productielijn.", "none", "none", true, false, true, 14.5, 16, ""},
		}},
	{[]string{"Brasserie Zuid", "Hotel Scheldezicht", "Restaurant De Koopvaardij", "Catering Stad", "Koffiebar Meir"},
		[]role{
			{"Keukenhulp", "Horeca", "Je helpt in de keuken: groenten snijden, afwassen, klaarzetten.", "none", "none", false, true, true, 14, 15.5, ""},
			{"Kok", "Horeca", "Je kookt à la minute in een drukke brasserie.", "little", "none", false, true, false, 15.5, 18.5, ""},
			{"Zaalmedewerker", "Horeca", "Je ontvangt gasten en bedient aan tafel.", "conversational", "none", false, true, true, 14.5, 16, ""},
			{"Afwasser", "Horeca", "Afwas en keuken proper houden. Geen ervaring nodig.", "none", "none", false, true, true, 14, 14.8, ""},
			{"Barista", "Horeca", "Koffie zetten en klanten helpen aan de toog.", "conversational", "none", false, true, true, 14.2, 15.5, ""},
		}},
	{[]string{"Scholengroep Antwerpen", "Basisschool De Zonnebloem", "Kinderopvang Het Nest", "Atheneum Berchem", "Onderwijscentrum Noord"},
		[]role{
			{"Leerkracht lager onderwijs", "Onderwijs", "Je geeft les in een klas van het lager onderwijs. Diploma leerkracht nodig.", "fluent", "none", false, false, false, 2800, 3600, "higher"},
			{"Kinderbegeleider", "Onderwijs", "Je zorgt voor kinderen in de kinderopvang.", "conversational", "none", false, false, true, 2300, 2700, "secondary"},
			{"Opvoeder", "Onderwijs", "Begeleiding van jongeren buiten de lesuren.", "conversational", "none", false, false, true, 2400, 2900, "secondary"},
			{"Leerkracht Nederlands tweede taal", "Onderwijs", "Je geeft Nederlands aan volwassenen.", "fluent", "none", false, false, true, 2900, 3700, "higher"},
			{"Klusjesman school", "Onderwijs", "Kleine herstellingen en onderhoud in de school.", "little", "b", false, false, true, 2200, 2500, ""},
		}},
	{[]string{"Woonzorgcentrum De Linde", "Ziekenhuis Noord", "Thuiszorg Antwerpen", "Zorggroep Schelde", "Dagcentrum Zonnig"},
		[]role{
			{"Zorgkundige", "Zorg", "Je verzorgt bewoners in een woonzorgcentrum.", "conversational", "none", true, true, false, 2300, 2800, "secondary"},
			{"Logistiek medewerker zorg", "Zorg", "Maaltijden rondbrengen, kamers klaarzetten, bewoners helpen.", "little", "none", false, true, true, 2100, 2400, ""},
			{"Verzorgende thuiszorg", "Zorg", "Je helpt mensen thuis met verzorging en het huishouden.", "conversational", "b", false, true, true, 2200, 2600, ""},
			{"Verpleegkundige", "Zorg", "Verpleegkundige zorg in een ziekenhuis. Diploma verpleegkunde nodig.", "fluent", "none", true, true, false, 2900, 3800, "higher"},
			{"Animator woonzorgcentrum", "Zorg", "Activiteiten voor bewoners: wandelen, spelletjes, feesten.", "conversational", "none", false, true, true, 2100, 2400, ""},
		}},
	{[]string{"Net & Proper", "Schoonmaak Antwerpen", "Glanz Services", "Kantoorzorg bv", "Huishoudhulp Stad"},
		[]role{
			{"Schoonmaker kantoren", "Schoonmaak", "Je maakt kantoren schoon, 's avonds of vroeg 's morgens.", "none", "none", false, false, true, 14, 15, ""},
			{"Poetshulp dienstencheques", "Schoonmaak", "Je poetst bij mensen thuis, in je eigen buurt.", "little", "none", false, false, true, 13.9, 14.8, ""},
			{"Glazenwasser", "Schoonmaak", "Ramen wassen bij bedrijven en winkels.", "little", "b", false, false, false, 14.5, 16, ""},
			{"Schoonmaker ziekenhuis", "Schoonmaak", "Schoonmaak van kamers en gangen in een ziekenhuis.", "little", "none", true, true, true, 14.2, 15.2, ""},
		}},
	{[]string{"Supermarkt Dagvers", "Bouwmarkt Zuid", "Kledingwinkel Meir", "Drogisterij Centrum", "Buurtwinkel Kiel"},
		[]role{
			{"Rekkenvuller", "Retail", "Je vult rekken en houdt de winkel netjes. Vroege uren.", "none", "none", false, true, true, 14, 15, ""},
			{"Kassamedewerker", "Retail", "Je helpt klanten aan de kassa.", "conversational", "none", false, true, true, 14.2, 15.3, ""},
			{"Verkoper", "Retail", "Je adviseert klanten en zorgt voor de winkel.", "conversational", "none", false, true, false, 14.5, 16, ""},
			{"Magazijnmedewerker winkel", "Retail", "Leveringen ontvangen en het magazijn bijhouden.", "little", "none", false, false, false, 14.2, 15.5, ""},
		}},
}

func main() {
	var out []map[string]any
	n := 0
	for si, s := range sectors {
		// 27 vacancies per sector: every role at several employers and places.
		for k := 0; k < 27; k++ {
			r := s.roles[k%len(s.roles)]
			emp := s.employers[(k+si)%len(s.employers)]
			pl := places[(k*7+si*3)%len(places)]
			n++
			id := fmt.Sprintf("WW-SAMPLE-%03d", n)
			types := []string{"FULL_TIME"}
			if r.part {
				types = []string{"PART_TIME"}
				if k%3 == 0 {
					types = []string{"FULL_TIME", "PART_TIME"}
				}
			}
			unit := "HOUR"
			if r.min > 500 {
				unit = "MONTH"
			}
			posted := fmt.Sprintf("2026-11-%02d", 1+(k%20))
			props := []map[string]any{
				{"@type": "PropertyValue", "name": "werkwijzer:dutchLevel", "value": r.dutch},
				{"@type": "PropertyValue", "name": "werkwijzer:drivingLicence", "value": r.licence},
			}
			if r.shifts {
				props = append(props, map[string]any{"@type": "PropertyValue", "name": "werkwijzer:shifts", "value": true})
			}
			if r.weekends {
				props = append(props, map[string]any{"@type": "PropertyValue", "name": "werkwijzer:weekends", "value": true})
			}
			edu := map[string]any{"@type": "EducationalOccupationalCredential", "credentialCategory": "no requirements"}
			switch r.edu {
			case "secondary":
				edu["credentialCategory"] = "high school"
			case "higher":
				edu["credentialCategory"] = "bachelor degree"
			}
			// Three ways to apply, as feeds have them: a page, an
			// employer contact, or neither (through the work team); and
			// the kinds of contract Antwerp's vacancies come with.
			contract := []string{"permanent", "interim", "temporary"}[k%3]
			props = append(props, map[string]any{"@type": "PropertyValue", "name": "werkwijzer:contract", "value": contract})
			posting := map[string]any{
				"@context":   "https://schema.org/",
				"@type":      "JobPosting",
				"identifier": map[string]any{"@type": "PropertyValue", "name": emp, "value": id},
				"title":      r.title,
				"description": "<p>" + r.desc + "</p><ul><li>Contract via " + emp + "</li>" +
					"<li>Begeleiding door de stad Antwerpen en haar partners</li></ul>",
				"datePosted":         posted,
				"validThrough":       "2027-12-31",
				"employmentType":     types,
				"hiringOrganization": map[string]any{"@type": "Organization", "name": emp},
				"jobLocation": map[string]any{"@type": "Place", "address": map[string]any{
					"@type": "PostalAddress", "streetAddress": pl.street, "postalCode": pl.pc, "addressLocality": pl.city, "addressCountry": "BE"}},
				"baseSalary": map[string]any{"@type": "MonetaryAmount", "currency": "EUR", "value": map[string]any{
					"@type": "QuantitativeValue", "minValue": r.min, "maxValue": r.max, "unitText": unit}},
				"industry":              r.industry,
				"educationRequirements": edu,
				"additionalProperty":    props,
			}
			switch k % 3 {
			case 0:
				posting["url"] = "https://werkwijzer.example.org/vacatures/" + id
			case 1:
				posting["applicationContact"] = map[string]any{"@type": "ContactPoint", "name": "Personeelsdienst " + emp,
					"telephone": fmt.Sprintf("03 555 %02d %02d", si+10, k+10), "email": fmt.Sprintf("jobs+%s@werkwijzer.example.org", strings.ToLower(id))}
			}
			out = append(out, posting)
		}
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", " ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(map[string]any{"@context": "https://schema.org/", "@graph": out}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
