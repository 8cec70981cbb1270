/**
 * The world's states as the news names them: for each, one comparable key and the forms that stand for it (its
 * names, demonyms and, where unambiguous, its capital as a metonym: "Kigali denied ..."). Names of actors are
 * compared through these keys, so "Georgia's energy ministry" and "the Georgian Ministry of Energy" meet, and a
 * statement's words count "Chadian" and "Chad" as one subject word. Forms that are also everyday words or common
 * first names ("Male", "Victoria", "Sofia", "poles") are left out.
 */
const TABLE = `
afghanistan|afghan|afghans|kabul
albania|albanian|albanians|tirana
algeria|algerian|algerians|algiers
angola|angolan|angolans|luanda
argentina|argentine|argentinian|argentinians|argentines|buenos aires
armenia|armenian|armenians|yerevan
australia|australian|australians|canberra
austria|austrian|austrians|vienna
azerbaijan|azerbaijani|azerbaijanis|azeri|azeris|baku
bahrain|bahraini|bahrainis|manama
bangladesh|bangladeshi|bangladeshis|dhaka
belarus|belarusian|belarusians|minsk
belgium|belgian|belgians
benin|beninese
bolivia|bolivian|bolivians
bosnia|bosnian|bosnians|bosnia and herzegovina|sarajevo
brazil|brazilian|brazilians|brasilia
bulgaria|bulgarian|bulgarians
burkinafaso|burkina faso|burkinabe|ouagadougou
burundi|burundian|burundians
cambodia|cambodian|cambodians|phnom penh
cameroon|cameroonian|cameroonians|yaounde
canada|canadian|canadians|ottawa
centralafricanrepublic|central african republic|bangui
chad|chadian|chadians|n'djamena|ndjamena
chile|chilean|chileans
china|chinese|beijing|prc|people's republic of china
colombia|colombian|colombians|bogota
congo|democratic republic of the congo|democratic republic of congo|dr congo|drc|congolese|kinshasa
congobrazzaville|republic of the congo|republic of congo|congo-brazzaville|brazzaville
croatia|croatian|croatians|croat|croats|zagreb
cuba|cuban|cubans|havana
cyprus|cypriot|cypriots|nicosia
czechia|czech republic|czech|czechs|prague
denmark|danish|copenhagen
djibouti|djiboutian
ecuador|ecuadorian|ecuadorians|quito
egypt|egyptian|egyptians|cairo
elsalvador|el salvador|salvadoran|salvadorans
eritrea|eritrean|eritreans|asmara
estonia|estonian|estonians|tallinn
ethiopia|ethiopian|ethiopians|addis ababa
finland|finnish|helsinki
france|french|paris
gabon|gabonese
georgia|georgian|georgians|tbilisi
germany|german|germans|berlin
ghana|ghanaian|ghanaians|accra
greece|greek|greeks|athens
guatemala|guatemalan|guatemalans
guinea|guinean|guineans|conakry
guyana|guyanese
haiti|haitian|haitians|port-au-prince
honduras|honduran|hondurans|tegucigalpa
hungary|hungarian|hungarians|budapest
iceland|icelandic|reykjavik
india|indian|indians|new delhi
indonesia|indonesian|indonesians|jakarta
iran|iranian|iranians|tehran|persian|islamic republic of iran
iraq|iraqi|iraqis|baghdad
ireland|irish|dublin
israel|israeli|israelis|jerusalem|tel aviv
italy|italian|italians|rome
ivorycoast|ivory coast|côte d'ivoire|cote d'ivoire|ivorian|ivorians|abidjan
japan|japanese|tokyo
jordan|jordanian|jordanians|amman
kazakhstan|kazakh|kazakhs|kazakhstani|astana
kenya|kenyan|kenyans|nairobi
kosovo|kosovar|kosovars|pristina
kuwait|kuwaiti|kuwaitis
kyrgyzstan|kyrgyz|bishkek
laos|laotian|vientiane
latvia|latvian|latvians|riga
lebanon|lebanese|beirut
libya|libyan|libyans|tripoli
lithuania|lithuanian|lithuanians|vilnius
madagascar|malagasy|antananarivo
malawi|malawian|malawians|lilongwe
malaysia|malaysian|malaysians|kuala lumpur
mali|malian|malians|bamako
malta|maltese|valletta
mauritania|mauritanian|mauritanians|nouakchott
mexico|mexican|mexicans
moldova|moldovan|moldovans|chisinau
mongolia|mongolian|mongolians|ulaanbaatar
montenegro|montenegrin|montenegrins|podgorica
morocco|moroccan|moroccans|rabat
mozambique|mozambican|mozambicans|maputo
myanmar|burma|burmese|naypyidaw
namibia|namibian|namibians|windhoek
nepal|nepali|nepalese|kathmandu
netherlands|dutch|holland|the hague
newzealand|new zealand|new zealander|new zealanders
nicaragua|nicaraguan|nicaraguans|managua
niger|nigerien|nigeriens|niamey
nigeria|nigerian|nigerians|abuja
northkorea|north korea|north korean|north koreans|pyongyang|dprk
northmacedonia|north macedonia|macedonia|macedonian|macedonians|skopje
norway|norwegian|norwegians|oslo
oman|omani|omanis|muscat
pakistan|pakistani|pakistanis|islamabad
palestine|palestinian|palestinians|ramallah
panama|panamanian|panamanians
paraguay|paraguayan|paraguayans|asuncion
peru|peruvian|peruvians|lima
philippines|philippine|filipino|filipinos|manila
poland|polish|warsaw
portugal|portuguese|lisbon
qatar|qatari|qataris|doha
romania|romanian|romanians|bucharest
russia|russian|russians|moscow|kremlin|russian federation
rwanda|rwandan|rwandans|kigali
saudiarabia|saudi arabia|saudi|saudis|riyadh|kingdom of saudi arabia
senegal|senegalese|dakar
serbia|serbian|serbians|serb|serbs|belgrade
sierraleone|sierra leone|sierra leonean|sierra leoneans|freetown
singapore|singaporean|singaporeans
slovakia|slovak|slovaks|slovakian|bratislava
slovenia|slovenian|slovenians|slovene|ljubljana
somalia|somali|somalis|mogadishu
southafrica|south africa|south african|south africans|pretoria
southkorea|south korea|south korean|south koreans|seoul|republic of korea
southsudan|south sudan|south sudanese|juba
spain|spanish|spaniard|spaniards|madrid
srilanka|sri lanka|sri lankan|sri lankans|colombo
sudan|sudanese|khartoum
sweden|swedish|stockholm
switzerland|swiss|bern
syria|syrian|syrians|damascus
taiwan|taiwanese|taipei
tajikistan|tajik|tajiks|dushanbe
tanzania|tanzanian|tanzanians|dodoma
thailand|thai|bangkok
togo|togolese|lome
tunisia|tunisian|tunisians|tunis
turkey|turkish|turks|ankara|türkiye
turkmenistan|turkmen|ashgabat
uganda|ugandan|ugandans|kampala
ukraine|ukrainian|ukrainians|kyiv|kiev
uae|united arab emirates|emirati|emiratis|abu dhabi
uk|united kingdom|britain|great britain|british|briton|britons|london
us|united states|united states of america|usa|u.s.|american|americans|washington
uruguay|uruguayan|uruguayans|montevideo
uzbekistan|uzbek|uzbeks|tashkent
venezuela|venezuelan|venezuelans|caracas|bolivarian republic of venezuela
vietnam|vietnamese|hanoi
yemen|yemeni|yemenis|sanaa
zambia|zambian|zambians|lusaka
zimbabwe|zimbabwean|zimbabweans|harare
eu|european union|european
`;

/** Each form as written in the table (lower case, before folding) and the key of its state. */
export const COUNTRY_TABLE: readonly (readonly [form: string, key: string])[] = TABLE.trim()
  .split('\n')
  .flatMap((line) => {
    const [key, ...forms] = line.split('|') as [string, ...string[]];
    return [key, ...forms].map((f) => [f, key] as const);
  });
