//go:build !race

package iplog

const raceEnabled = false
