package banner

// SameAsEnglish is sameAsEnglish for the tests of package banner_test: the
// reviewed words a language shares with English.
var SameAsEnglish = sameAsEnglish
