// A small, curated vocabulary of news: names that outlets spell differently (central banks, countries and
// their adjectives, international bodies) and the verbs and nouns they swap for one another ("lifts",
// "raises", "hikes"; "quake", "tremor", "séisme"). Each maps to one index term, so the similarity sees one
// word where outlets wrote several.
//
// Term prefixes say what a term is: "@kind:name" is an entity (kinds: cb = central bank, country, org,
// storm), "~name" a concept, "~dir:…" / "~outcome:…" a concept whose values exclude each other (a rate
// "held" is not a rate "raised"; a draw is not a win). Keep the lists short and unambiguous: every entry is
// a bet that two articles using these words are talking about the same thing.
import { foldAccents, stemWord, type Language } from "./language";

type Words = Partial<Record<Exclude<Language, "other">, string[]>>;

/** Concepts: words (stemmed in their language) → terms. */
const CONCEPTS: Array<{ terms: string[]; words: Words }> = [
  {
    terms: ["~dir:up"],
    words: {
      en: ["raise", "raises", "raised", "hike", "hikes", "hiked", "lift", "lifts", "lifted", "increase", "increases", "increased", "rise", "rises", "rose", "risen", "climb", "climbs", "jump", "jumps", "surge", "surges", "soar", "soars", "boost", "boosts", "tighten", "tightens", "accelerate", "accelerates"],
      fr: ["relève", "relever", "augmente", "augmenter", "augmentation", "hausse", "grimpe", "bondit", "remonte"],
      de: ["erhöht", "erhöhen", "erhöhung", "anhebung", "hebt", "steigt", "steigen", "anstieg"],
      es: ["sube", "subir", "subida", "eleva", "elevar", "aumenta", "aumentar", "aumento", "alza", "incrementa"],
    },
  },
  {
    terms: ["~dir:down"],
    words: {
      en: ["cut", "cuts", "lower", "lowers", "lowered", "reduce", "reduces", "reduced", "trim", "trims", "trimmed", "slash", "slashes", "slashed", "fall", "falls", "fell", "fallen", "drop", "drops", "dropped", "decline", "declines", "plunge", "plunges", "slump", "slumps", "tumble", "tumbles", "sink", "sinks", "sank", "ease", "eases", "eased", "axe", "axes", "axed", "shed", "sheds", "slow", "slows", "slowed", "cool", "cools", "cooled", "curb", "curbs"],
      fr: ["baisse", "abaisse", "abaisser", "réduit", "réduire", "recule", "chute", "diminue"],
      de: ["senkt", "senken", "senkung", "sinkt", "fällt", "rückgang", "kürzt"],
      es: ["baja", "bajar", "rebaja", "recorta", "recortar", "recorte", "reduce", "cae", "caída", "desciende"],
    },
  },
  {
    terms: ["~dir:flat"],
    words: {
      en: ["hold", "holds", "held", "keep", "keeps", "kept", "unchanged", "steady", "pause", "pauses", "paused", "maintain", "maintains"],
      fr: ["maintient", "maintenir", "inchangé", "inchangés", "statu", "pause"],
      de: ["belässt", "unverändert", "hält", "pause"],
      es: ["mantiene", "mantener", "congela", "pausa"],
    },
  },
  {
    terms: ["~outcome:result"],
    words: {
      en: ["beat", "beats", "beaten", "defeat", "defeats", "defeated", "win", "wins", "won", "edge", "edges", "edged", "thrash", "thrashes", "thrashed", "rout", "routs", "routed", "overcome", "overcomes", "crush", "crushes", "crushed", "lose", "loses", "lost", "victory", "triumph", "triumphs"],
      fr: ["bat", "battu", "victoire", "gagne", "défaite", "s'impose", "impose", "domine"],
      de: ["schlägt", "besiegt", "gewinnt", "sieg", "verliert", "niederlage"],
      es: ["vence", "gana", "derrota", "victoria", "pierde", "golea"],
    },
  },
  {
    terms: ["~outcome:draw"],
    words: {
      en: ["draw", "draws", "drawn", "stalemate", "goalless"],
      fr: ["nul"],
      de: ["unentschieden", "remis"],
      es: ["empate", "empata", "empatan"],
    },
  },
  { terms: ["~quake"], words: { en: ["earthquake", "earthquakes", "quake", "quakes", "tremor", "tremors", "temblor"], fr: ["séisme", "séismes", "tremblement"], de: ["erdbeben", "beben"], es: ["terremoto", "sismo", "seísmo"] } },
  { terms: ["~storm"], words: { en: ["storm", "storms", "hurricane", "typhoon", "cyclone", "gale", "gales"], fr: ["tempête", "ouragan", "cyclone"], de: ["sturm", "orkan", "unwetter", "sturmtief"], es: ["tormenta", "huracán", "borrasca"] } },
  { terms: ["~shake"], words: { en: ["shake", "shakes", "shook", "rattle", "rattles", "rattled", "rock", "rocks", "rocked", "jolt", "jolts", "jolted"], fr: ["secoue", "ébranle"], de: ["erschüttert"], es: ["sacude", "sacudió"] } },
  { terms: ["~extend"], words: { en: ["extend", "extends", "extended", "extension", "prolong", "prolongs", "prolonged"], fr: ["prolonge", "prolongation"], de: ["verlängert", "verlängerung"], es: ["prorroga", "prórroga", "extiende"] } },
  { terms: ["~output"], words: { en: ["output", "production"], fr: ["production"], de: ["produktion", "förderung"], es: ["producción"] } },
  { terms: ["~flood"], words: { en: ["flood", "floods", "flooding", "flooded", "inundation", "deluge"], fr: ["inondation", "inondations", "crue", "crues"], de: ["hochwasser", "überschwemmung", "flut"], es: ["inundación", "inundaciones", "riada"] } },
  { terms: ["~fire"], words: { en: ["wildfire", "wildfires", "bushfire", "blaze", "blazes", "fire", "fires"], fr: ["incendie", "incendies", "feu"], de: ["waldbrand", "brand", "feuer"], es: ["incendio", "incendios", "fuego"] } },
  { terms: ["~heatwave"], words: { en: ["heatwave", "heatwaves"], fr: ["canicule"], de: ["hitzewelle"], es: [] } },
  { terms: ["~snow"], words: { en: ["snow", "snowfall", "snowstorm", "blizzard"], fr: ["neige"], de: ["schnee"], es: ["nieve", "nevada"] } },
  { terms: ["~death"], words: { en: ["dead", "death", "deaths", "die", "dies", "died", "killed", "kill", "kills", "killing", "fatalities", "toll", "lives"], fr: ["mort", "morts", "décès", "tué", "tués", "victimes"], de: ["tote", "toten", "tot", "getötet", "starben", "todesopfer"], es: ["muertos", "muerto", "fallecidos", "mueren", "víctimas"] } },
  { terms: ["~injury"], words: { en: ["injured", "injuries", "injuring", "wounded", "hurt"], fr: ["blessés", "blessé"], de: ["verletzte", "verletzt"], es: ["heridos", "herido"] } },
  { terms: ["~evacuate"], words: { en: ["evacuate", "evacuates", "evacuated", "evacuation", "evacuations"], fr: ["évacue", "évacuation", "évacués"], de: ["evakuiert", "evakuierung"], es: ["evacuan", "evacuación", "evacuados"] } },
  { terms: ["~rate"], words: { en: ["rate", "rates"], fr: ["taux"], de: ["zins", "zinsen", "leitzins"], es: ["tipos", "tasa", "tasas"] } },
  { terms: ["~inflation"], words: { en: ["inflation", "cpi"], fr: ["inflation"], de: ["inflation", "teuerung"], es: ["inflación"] } },
  { terms: ["~unemployment"], words: { en: ["unemployment", "jobless", "joblessness"], fr: ["chômage"], de: ["arbeitslosigkeit", "arbeitslosenquote"], es: ["desempleo"] } },
  { terms: ["~jobs"], words: { en: ["job", "jobs", "roles", "positions", "posts", "workers", "staff", "employees", "workforce"], fr: ["emplois", "postes", "salariés"], de: ["arbeitsplätze", "jobs", "mitarbeiter"], es: ["empleos", "puestos", "trabajadores"] } },
  { terms: ["~jobs", "~dir:down"], words: { en: ["layoff", "layoffs", "redundancies"], fr: ["licenciements", "suppressions"], de: ["stellenabbau", "entlassungen"], es: ["despidos"] } },
  { terms: ["~resign"], words: { en: ["resign", "resigns", "resigned", "resignation", "quit", "quits"], fr: ["démission", "démissionne"], de: ["rücktritt"], es: ["dimite", "dimisión", "renuncia"] } },
  { terms: ["~arrest"], words: { en: ["arrest", "arrests", "arrested", "detain", "detains", "detained"], fr: ["arrêté", "arrêtés", "interpellé", "interpellés", "interpellation"], de: ["festgenommen", "festnahme", "verhaftet"], es: ["detenido", "detenidos", "detiene", "arresto"] } },
  { terms: ["~charge"], words: { en: ["charge", "charged", "charges", "indicted", "indictment", "accused"], fr: ["inculpé", "mis en examen"], de: ["angeklagt", "anklage"], es: ["acusado", "imputado"] } },
  { terms: ["~sentence"], words: { en: ["sentenced", "jailed", "jail", "prison", "imprisonment"], fr: ["condamné", "prison"], de: ["verurteilt", "haft", "gefängnis"], es: ["condenado", "cárcel", "prisión"] } },
  { terms: ["~theft"], words: { en: ["robbery", "robberies", "heist", "theft", "stolen", "steal", "stole", "burglary"], de: ["raub", "diebstahl", "gestohlen"], es: ["robo", "robado"] } },
  { terms: ["~acquire"], words: { en: ["acquire", "acquires", "acquired", "acquisition", "buy", "buys", "bought", "takeover", "purchase", "purchases"], fr: ["rachète", "rachat", "acquisition"], de: ["übernimmt", "übernahme", "kauft"], es: ["adquiere", "compra", "adquisición"] } },
  { terms: ["~merger"], words: { en: ["merge", "merger", "merges"], fr: ["fusion"], de: ["fusion"], es: ["fusión"] } },
  { terms: ["~profit"], words: { en: ["profit", "profits", "=earnings"], fr: ["bénéfice", "bénéfices"], de: ["gewinn", "gewinne"], es: ["beneficio", "beneficios", "ganancias"] } },
  { terms: ["~revenue"], words: { en: ["revenue", "revenues", "sales", "turnover"], fr: ["ventes"], de: ["umsatz"], es: ["ingresos", "ventas", "facturación"] } },
  { terms: ["~launch"], words: { en: ["launch", "launches", "launched", "unveil", "unveils", "unveiled", "introduce", "introduces", "debut", "debuts"], fr: ["lance", "dévoile", "présente"], de: ["präsentiert", "startet"], es: ["lanza", "presenta"] } },
  { terms: ["~ban"], words: { en: ["ban", "bans", "banned", "prohibit", "prohibits", "outlaw", "outlaws"], fr: ["interdit", "interdiction"], de: ["verbietet", "verbot"], es: ["prohíbe", "prohibición"] } },
  { terms: ["~strike"], words: { en: ["walkout", "walkouts", "stoppage"], fr: ["grève", "grèves"], de: ["streik", "streiks", "streiken"], es: ["huelga", "huelgas"] } },
  { terms: ["~approve"], words: { en: ["approve", "approves", "approved", "approval", "pass", "passes", "passed", "adopt", "adopts", "adopted", "ratify", "ratifies", "ratified", "endorse", "endorses"], fr: ["adopte", "adopté", "approuve", "vote"], de: ["verabschiedet", "beschließt", "billigt"], es: ["aprueba", "aprobó", "aprobación"] } },
  { terms: ["~reject"], words: { en: ["reject", "rejects", "rejected", "veto", "vetoes", "vetoed"], fr: ["rejette"], de: ["lehnt"], es: ["rechaza"] } },
  { terms: ["~court"], words: { en: ["court", "courts", "judge", "judges", "tribunal"], fr: ["tribunal", "juge", "cour"], de: ["gericht", "richter"], es: ["tribunal", "juez", "corte"] } },
  { terms: ["~government"], words: { en: ["government", "cabinet", "administration"], fr: ["gouvernement"], de: ["regierung"], es: ["gobierno"] } },
  { terms: ["~parliament"], words: { en: ["parliament", "lawmakers", "legislators", "mps", "congress", "legislature"], fr: ["parlement", "députés"], de: ["parlament", "bundestag", "abgeordnete"], es: ["parlamento", "diputados", "congreso"] } },
  { terms: ["~election"], words: { en: ["election", "elections", "ballot", "runoff"], fr: ["élection", "élections", "scrutin"], de: ["wahl", "wahlen"], es: ["elecciones", "elección", "comicios"] } },
  { terms: ["~police"], words: { en: ["police", "=officers", "detectives"], fr: ["police", "policiers", "gendarmes"], de: ["polizei"], es: ["policía"] } },
  { terms: ["~flight"], words: { en: ["flight", "flights", "plane", "planes", "jet", "aircraft"], fr: ["vols", "avion", "avions"], de: ["flug", "flüge", "flugzeug"], es: ["vuelo", "vuelos", "avión"] } },
  { terms: ["~cancel"], words: { en: ["cancel", "cancels", "cancelled", "canceled", "scrap", "scraps", "scrapped"], fr: ["annule", "annulé", "annulés"], de: ["abgesagt", "gestrichen"], es: ["cancela", "cancelados", "suspende"] } },
  { terms: ["~outage"], words: { en: ["outage", "outages", "blackout", "blackouts"], fr: ["panne"], de: ["ausfall", "stromausfall", "störung"], es: ["apagón"] } },
  { terms: ["~cyberattack"], words: { en: ["hack", "hacked", "hackers", "cyberattack", "cyberattacks", "breach", "ransomware"], fr: ["cyberattaque", "piratage"], de: ["hackerangriff", "cyberangriff"], es: ["ciberataque", "hackeo"] } },
  { terms: ["~discover"], words: { en: ["discover", "discovers", "discovered", "discovery", "detect", "detects", "detected", "spot", "spots", "spotted"], fr: ["découvre", "découverte"], de: ["entdecken", "entdeckt", "entdeckung"], es: ["descubren", "descubrimiento", "descubre"] } },
  { terms: ["~researcher"], words: { en: ["researchers", "scientists", "astronomers"], fr: ["chercheurs", "scientifiques"], de: ["forscher", "wissenschaftler"], es: ["investigadores", "científicos"] } },
  { terms: ["~award"], words: { en: ["award", "awards", "prize", "prizes"], fr: ["prix"], de: ["preis"], es: ["premio"] } },
  { terms: ["~recall"], words: { en: ["recall", "recalls", "recalled"], fr: ["rappel", "rappelle"], de: ["rückruf"], es: ["retira", "retirada"] } },
  { terms: ["~vaccine"], words: { en: ["vaccine", "vaccines", "jab", "jabs", "vaccination"], fr: ["vaccin", "vaccins", "vaccination"], de: ["impfstoff", "impfung"], es: ["vacuna", "vacunas", "vacunación"] } },
  { terms: ["~outbreak"], words: { en: ["outbreak", "epidemic"], fr: ["épidémie"], de: ["ausbruch", "epidemie"], es: ["brote", "epidemia"] } },
  { terms: ["~tariff"], words: { en: ["tariff", "tariffs", "duties", "levies", "levy"], fr: ["droits de douane", "taxes douanières"], de: ["zölle", "zoll"], es: ["aranceles", "arancel"] } },
  { terms: ["~shares"], words: { en: ["shares", "stock", "stocks"], fr: ["actions"], de: ["aktie", "aktien"], es: ["acciones"] } },
  { terms: ["~phone"], words: { en: ["smartphone", "smartphones", "phone", "phones", "handset"], fr: ["smartphone"], de: ["smartphone", "handy"], es: ["smartphone", "teléfono", "móvil"] } },
  { terms: ["~film"], words: { en: ["film", "films", "movie", "movies"], fr: ["film"], de: ["film"], es: ["película"] } },
];

/** Multi-word phrases (lower-case, accents folded, one-letter words dropped, as the tokenizer leaves them). */
const PHRASES: Array<[string, string[]]> = [
  ["interest rate", ["~rate"]],
  ["interest rates", ["~rate"]],
  ["borrowing costs", ["~rate"]],
  ["step down", ["~resign"]],
  ["steps down", ["~resign"]],
  ["stepping down", ["~resign"]],
  ["stood down", ["~resign"]],
  ["tritt zuruck", ["~resign"]],
  ["job cuts", ["~jobs", "~dir:down"]],
  ["lay off", ["~jobs", "~dir:down"]],
  ["lays off", ["~jobs", "~dir:down"]],
  ["laid off", ["~jobs", "~dir:down"]],
  ["power cut", ["~outage"]],
  ["power cuts", ["~outage"]],
  ["heat wave", ["~heatwave"]],
  ["ola de calor", ["~heatwave"]],
  ["forest fire", ["~fire"]],
  ["tremblement de terre", ["~quake"]],
  ["match nul", ["~outcome:draw"]],
  ["held to draw", ["~outcome:draw"]],
  ["share the spoils", ["~outcome:draw"]],
  ["net income", ["~profit"]],
  ["chiffre affaires", ["~revenue"]],
  ["industrial action", ["~strike"]],
  ["consumer prices", ["~inflation"]],
  ["data breach", ["~cyberattack"]],
  ["cyber attack", ["~cyberattack"]],
  ["call off", ["~cancel"]],
  ["called off", ["~cancel"]],
  ["sin cambios", ["~dir:flat"]],
  ["statu quo", ["~dir:flat"]],
  ["droits de douane", ["~tariff"]],
  ["mis en examen", ["~charge"]],
  // Central banks.
  ["federal reserve", ["@cb:fed"]],
  ["us federal reserve", ["@cb:fed"]],
  ["us central bank", ["@cb:fed"]],
  ["reserve federale", ["@cb:fed"]],
  ["reserva federal", ["@cb:fed"]],
  ["us notenbank", ["@cb:fed"]],
  ["european central bank", ["@cb:ecb"]],
  ["europaische zentralbank", ["@cb:ecb"]],
  ["banque centrale europeenne", ["@cb:ecb"]],
  ["banco central europeo", ["@cb:ecb"]],
  ["bank of england", ["@cb:boe"]],
  ["banque angleterre", ["@cb:boe"]],
  ["bank of japan", ["@cb:boj"]],
  ["japan central bank", ["@cb:boj"]],
  ["banque du japon", ["@cb:boj"]],
  ["people bank of china", ["@cb:pboc"]],
  ["swiss national bank", ["@cb:snb"]],
  ["banque nationale suisse", ["@cb:snb"]],
  ["schweizerische nationalbank", ["@cb:snb"]],
  ["reserve bank of australia", ["@cb:rba"]],
  ["bank of canada", ["@cb:boc"]],
  ["banque du canada", ["@cb:boc"]],
  ["reserve bank of india", ["@cb:rbi"]],
  ["norges bank", ["@cb:norges"]],
  ["bank of mexico", ["@cb:banxico"]],
  ["banco de mexico", ["@cb:banxico"]],
  // International bodies.
  ["united nations", ["@org:un"]],
  ["nations unies", ["@org:un"]],
  ["vereinte nationen", ["@org:un"]],
  ["naciones unidas", ["@org:un"]],
  ["european union", ["@org:eu"]],
  ["union europeenne", ["@org:eu"]],
  ["europaische union", ["@org:eu"]],
  ["union europea", ["@org:eu"]],
  ["european commission", ["@org:eu"]],
  ["world health organization", ["@org:who"]],
  ["world health organisation", ["@org:who"]],
  ["organisation mondiale de la sante", ["@org:who"]],
  ["organizacion mundial de la salud", ["@org:who"]],
  ["international monetary fund", ["@org:imf"]],
  ["fonds monetaire international", ["@org:imf"]],
  ["fondo monetario internacional", ["@org:imf"]],
  ["world trade organization", ["@org:wto"]],
  ["european space agency", ["@org:esa"]],
  ["international olympic committee", ["@org:ioc"]],
];

/** Entity names, by lower-case accent-folded word, in every language at once (names are not stemmed). */
const NAMES: Array<[string, string[]]> = [
  ["@cb:fed", ["fed", "fomc"]],
  ["@cb:ecb", ["ecb", "bce", "ezb"]],
  ["@cb:boe", ["boe"]],
  ["@cb:boj", ["boj"]],
  ["@cb:pboc", ["pboc"]],
  ["@cb:snb", ["snb"]],
  ["@cb:rba", ["rba"]],
  ["@cb:rbi", ["rbi"]],
  ["@cb:riksbank", ["riksbank"]],
  ["@cb:banxico", ["banxico"]],
  ["@org:un", ["onu"]],
  ["@org:nato", ["nato", "otan"]],
  ["@org:who", ["oms", "weltgesundheitsorganisation"]],
  ["@org:imf", ["imf", "fmi", "iwf"]],
  ["@org:opec", ["opec", "opep"]],
  ["@org:wto", ["wto"]],
  ["@org:fifa", ["fifa"]],
  ["@org:uefa", ["uefa"]],
  ["@org:nasa", ["nasa"]],
  ["@country:united-states", ["usa", "america", "american", "americans", "americain", "americaine", "americains", "amerikanisch", "amerikanische", "amerikanischen", "estadounidense", "estadounidenses"]],
  ["@country:united-kingdom", ["britain", "british", "britons", "britannique", "britanniques", "grossbritannien", "britisch", "britische", "britischen", "britanico", "britanica", "britanicos"]],
  ["@country:france", ["france", "french", "francais", "francaise", "francaises", "frankreich", "franzosisch", "franzosische", "franzosischen", "francia", "francesa"]],
  ["@country:germany", ["germany", "german", "germans", "allemagne", "allemand", "allemande", "allemands", "deutschland", "deutsche", "deutschen", "deutscher", "alemania", "aleman", "alemana", "alemanes"]],
  ["@country:spain", ["spain", "spanish", "espagne", "espagnol", "espagnole", "espagnols", "spanien", "spanisch", "spanische", "spanischen", "espana", "espanol", "espanola", "espanoles"]],
  ["@country:italy", ["italy", "italian", "italians", "italie", "italienne", "italiens", "italienisch", "italienische", "italia", "italiano", "italiana", "italianos"]],
  ["@country:japan", ["japan", "japanese", "japon", "japonais", "japonaise", "japanisch", "japanische", "japanischen", "japones", "japonesa"]],
  ["@country:china", ["china", "chinese", "chine", "chinois", "chinoise", "chinesisch", "chinesische", "chinesischen", "chino"]],
  ["@country:russia", ["russia", "russian", "russians", "russie", "russe", "russes", "russland", "russisch", "russische", "russischen", "rusia", "ruso", "rusa"]],
  ["@country:ukraine", ["ukraine", "ukrainian", "ukrainians", "ukrainien", "ukrainienne", "ukrainisch", "ukrainische", "ucrania", "ucraniano", "ucraniana"]],
  ["@country:india", ["india", "indian", "inde", "indien", "indienne", "indisch", "indische"]],
  ["@country:brazil", ["brazil", "brazilian", "bresil", "bresilien", "bresilienne", "brasilien", "brasilianisch", "brasil", "brasileno", "brasilena"]],
  ["@country:mexico", ["mexico", "mexican", "mexique", "mexicain", "mexicaine", "mexiko", "mexikanisch", "mexicano", "mexicana"]],
  ["@country:canada", ["canada", "canadian", "canadien", "canadienne", "kanada", "kanadisch", "canadiense"]],
  ["@country:australia", ["australia", "australian", "australie", "australien", "australienne", "australisch", "australiano", "australiana"]],
  ["@country:turkey", ["turkish", "turkiye", "turquie", "turc", "turque", "turkei", "turkisch", "turquia", "turco", "turca"]],
  ["@country:chile", ["chile", "chilean", "chilien", "chilienne", "chilenisch", "chileno", "chilena"]],
  ["@country:peru", ["peru", "peruvian", "perou", "peruvien", "peruvienne", "peruanisch", "peruano", "peruana"]],
  ["@country:argentina", ["argentina", "argentine", "argentinian", "argentinien", "argentinisch", "argentino"]],
  ["@country:portugal", ["portugal", "portuguese", "portugais", "portugaise", "portugiesisch", "portugues", "portuguesa"]],
  ["@country:netherlands", ["netherlands", "dutch", "niederlande", "niederlandisch", "holanda", "holland"]],
  ["@country:belgium", ["belgium", "belgian", "belgique", "belge", "belgien", "belgisch", "belgica", "belga"]],
  ["@country:switzerland", ["switzerland", "swiss", "suisse", "schweiz", "schweizer", "suiza", "suizo"]],
  ["@country:austria", ["austria", "austrian", "autriche", "autrichien", "osterreich", "osterreichisch", "austriaco"]],
  ["@country:poland", ["poland", "polish", "pologne", "polonais", "polen", "polnisch", "polonia", "polaco"]],
  ["@country:sweden", ["sweden", "swedish", "suedois", "schweden", "schwedisch", "suecia", "sueco"]],
  ["@country:norway", ["norway", "norwegian", "norvege", "norvegien", "norwegen", "norwegisch", "noruega", "noruego"]],
  ["@country:denmark", ["denmark", "danish", "danemark", "danois", "danisch", "dinamarca", "danes"]],
  ["@country:finland", ["finland", "finnish", "finlande", "finlandais", "finnland", "finnisch", "finlandia"]],
  ["@country:ireland", ["ireland", "irish", "irlande", "irlandais", "irland", "irisch", "irlanda", "irlandes"]],
  ["@country:greece", ["greece", "greek", "grece", "grec", "grecque", "griechenland", "griechisch", "grecia", "griego"]],
  ["@country:iceland", ["iceland", "icelandic", "islande", "islandais", "islandisch", "islandia"]],
  ["@country:egypt", ["egypt", "egyptian", "egypte", "egyptien", "agypten", "egipto", "egipcio"]],
  ["@country:morocco", ["morocco", "moroccan", "maroc", "marocain", "marokko", "marruecos", "marroqui"]],
  ["@country:nigeria", ["nigeria", "nigerian"]],
  ["@country:kenya", ["kenya", "kenyan", "kenia"]],
  ["@country:indonesia", ["indonesia", "indonesian", "indonesie", "indonesien"]],
  ["@country:philippines", ["philippines", "philippine", "filipino", "philippinen", "filipinas"]],
  ["@country:vietnam", ["vietnam", "vietnamese"]],
  ["@country:thailand", ["thailand", "thai", "thailande", "tailandia"]],
  ["@country:pakistan", ["pakistan", "pakistani"]],
  ["@country:iran", ["iran", "iranian", "iranien"]],
  ["@country:israel", ["israel", "israeli", "israelien"]],
  ["@country:colombia", ["colombia", "colombian", "colombie", "kolumbien"]],
  ["@country:venezuela", ["venezuela", "venezuelan"]],
  ["@country:new-zealand", []],
  ["@country:south-korea", []],
  ["@country:south-africa", []],
  ["@country:saudi-arabia", ["saudi"]],
];

PHRASES.push(
  ["new zealand", ["@country:new-zealand"]],
  ["nouvelle zelande", ["@country:new-zealand"]],
  ["south korea", ["@country:south-korea"]],
  ["south korean", ["@country:south-korea"]],
  ["coree du sud", ["@country:south-korea"]],
  ["sudkorea", ["@country:south-korea"]],
  ["south africa", ["@country:south-africa"]],
  ["south african", ["@country:south-africa"]],
  ["afrique du sud", ["@country:south-africa"]],
  ["saudi arabia", ["@country:saudi-arabia"]],
  ["united states", ["@country:united-states"]],
  ["etats unis", ["@country:united-states"]],
  ["estados unidos", ["@country:united-states"]],
  ["vereinigte staaten", ["@country:united-states"]],
  ["united kingdom", ["@country:united-kingdom"]],
  ["royaume uni", ["@country:united-kingdom"]],
  ["reino unido", ["@country:united-kingdom"]],
  ["pays bas", ["@country:netherlands"]],
  ["paises bajos", ["@country:netherlands"]],
);

/**
 * Acronyms that are ordinary words in lower case ("us", "who", "un"): recognised only in capitals. Read
 * through a Map (below): looked up in the object itself, a headline's "constructor" or "toString" found
 * Object.prototype's functions and the article could not be analysed (the story desk stalled on it).
 */
const CAPITALISED_ONLY_TERMS: Record<string, string[]> = {
  US: ["@country:united-states"],
  USA: ["@country:united-states"],
  UK: ["@country:united-kingdom"],
  EU: ["@org:eu"],
  UE: ["@org:eu"],
  UN: ["@org:un"],
  WHO: ["@org:who"],
  ESA: ["@org:esa"],
  IOC: ["@org:ioc"],
  BoE: ["@cb:boe"],
  BoJ: ["@cb:boj"],
  PBoC: ["@cb:pboc"],
  BoC: ["@cb:boc"],
};
const CAPITALISED_ONLY = new Map(Object.entries(CAPITALISED_ONLY_TERMS));

// Per language, rather than keyed by "language:word": wordLookup runs for every word of every article, and a
// composed key is a new string to build and hash each time.
type ByLanguage = Record<Exclude<Language, "other">, Map<string, string[]>>;
const byLanguage = (): ByLanguage => ({ en: new Map(), fr: new Map(), de: new Map(), es: new Map(), it: new Map(), pt: new Map(), nl: new Map() });
const conceptByStem = byLanguage();
const conceptBySurface = byLanguage();
for (const concept of CONCEPTS) {
  for (const [language, words] of Object.entries(concept.words) as Array<[Exclude<Language, "other">, string[]]>) {
    for (const word of words) {
      if (word.includes(" ")) PHRASES.push([foldAccents(word.toLowerCase()), concept.terms]);
      // "=word": this exact word only, where stemming would catch others ("earnings" but not "earned").
      else if (word.startsWith("=")) conceptBySurface[language].set(foldAccents(word.slice(1).toLowerCase()), concept.terms);
      // Stemmed exactly as the tokenizer stems (accents still on: the French and Spanish stemmers read them).
      else conceptByStem[language].set(stemWord(word.toLowerCase().replace(/^s'/, ""), language), concept.terms);
    }
  }
}

/** Words that can start a phrase: the tokenizer tries phrases only at these. */
export const PHRASE_FIRST_WORDS = new Set(PHRASES.map(([phrase]) => phrase.split(" ")[0]));

const nameByWord = new Map<string, string[]>();
for (const [term, words] of NAMES) for (const word of words) nameByWord.set(word, [term]);

const phraseTerms = new Map<string, string[]>(PHRASES.map(([phrase, terms]) => [phrase, terms]));
/** Longest phrase, in words: the tokenizer tries this many words first. */
export const LONGEST_PHRASE = Math.max(...PHRASES.map(([phrase]) => phrase.split(" ").length));

/** Terms for a phrase of folded lower-case words ("bank of england"), or undefined. */
export function phraseLookup(words: string): string[] | undefined {
  return phraseTerms.get(words);
}

/** Terms for an acronym that is a stop word in lower case ("US", "WHO", "UN"), or undefined. */
export function acronymLookup(original: string): string[] | undefined {
  return CAPITALISED_ONLY.get(original);
}

/** Terms for one word: a name in any language (folded word), or a concept of the text's language (stem). */
export function wordLookup(folded: string, stem: string, language: Language, original: string): string[] | undefined {
  if (language === "other") return CAPITALISED_ONLY.get(original) ?? nameByWord.get(folded);
  return CAPITALISED_ONLY.get(original) ?? nameByWord.get(folded) ?? conceptBySurface[language].get(folded) ?? conceptByStem[language].get(stem);
}

/** Entity terms ("@…") name a thing; their kind (cb, country, org, storm) is the part before ":". */
export function isEntityTerm(term: string): boolean {
  return term.charCodeAt(0) === 64; /* @ */
}
