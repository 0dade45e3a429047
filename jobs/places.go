package jobs

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"math"
	"strconv"
)

//go:embed data/postcodes.csv
var postcodesCSV []byte

// Place is a postcode's approximate centre.
type Place struct {
	Postcode string
	Name     string
	Lat, Lon float64
}

// Places are the postcodes we can measure distances between (see
// data/postcodes.csv for the source and its accuracy).
var Places = func() map[string]Place {
	r := csv.NewReader(bytes.NewReader(postcodesCSV))
	r.Comment = '#'
	rows, err := r.ReadAll()
	if err != nil {
		panic("jobs: data/postcodes.csv: " + err.Error())
	}
	out := map[string]Place{}
	for _, row := range rows[1:] {
		lat, err1 := strconv.ParseFloat(row[2], 64)
		lon, err2 := strconv.ParseFloat(row[3], 64)
		if err1 != nil || err2 != nil {
			panic("jobs: data/postcodes.csv: bad coordinates for " + row[0])
		}
		out[row[0]] = Place{Postcode: row[0], Name: row[1], Lat: lat, Lon: lon}
	}
	return out
}()

// Distance is the great-circle distance in km between two postcodes'
// centres; ok is false when either is not in Places.
func Distance(from, to string) (km float64, ok bool) {
	a, okA := Places[from]
	b, okB := Places[to]
	if !okA || !okB {
		return 0, false
	}
	const r = 6371.0
	rad := math.Pi / 180
	dLat, dLon := (b.Lat-a.Lat)*rad, (b.Lon-a.Lon)*rad
	h := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(a.Lat*rad)*math.Cos(b.Lat*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * r * math.Asin(math.Sqrt(h)), true
}
