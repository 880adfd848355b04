// A one-office, one-service, one-desk catalogue: each slot has a single seat, so a hold makes it
// disappear from the API's free slots, and two citizens can race for it.
export const ONE_DESK = `
[city]
name = "Comune di Bergamo"
patron_day = "08-26"

[[offices]]
id = "sportello-unico"
name = "Sportello unico"
address = "Piazza Matteotti, 27, 24122 Bergamo BG"
lat = 45.6946
lon = 9.6693

[[services]]
id = "cie"
name = { it = "Carta d'identità elettronica (CIE)", en = "Electronic identity card (CIE)" }
summary = { it = "Richiesta della carta d'identità elettronica.", en = "Application for the electronic identity card." }
synonyms = ["carta d'identità", "identity card"]
terms = { it = "Una persona per prenotazione.", en = "One person per booking." }
access_rules = { it = "Mostrare il codice QR all'ingresso.", en = "Show the QR code at the entrance." }
what_to_bring = { it = ["Documento di identità"], en = ["Identity document"] }

[[offerings]]
office = "sportello-unico"
service = "cie"
slot_minutes = 30
desks = 1
[offerings.hours]
mon = ["09:00-12:00"]
tue = ["09:00-12:00"]
wed = ["09:00-12:00"]
thu = ["09:00-12:00"]
fri = ["09:00-12:00"]
`;
