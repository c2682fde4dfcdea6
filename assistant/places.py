"""Place names: the world's countries and the U.S. states, as the news writes them, and the
words for a country's people ("Chinese", "South Korean").

For questions that ask for a place ("which country ...?", "in which state ...?"): a sentence
that names one the question does not is more likely to answer it.

    >>> sorted(places_in("Crowds filled the streets of Rio in Brazil's south, officials in Ohio said."))
    ['Brazil', 'Ohio']
"""

from __future__ import annotations

import re

COUNTRIES = """
Afghanistan|Albania|Algeria|Andorra|Angola|Antigua and Barbuda|Argentina|Armenia|Australia|Austria|Azerbaijan|
Bahamas|Bahrain|Bangladesh|Barbados|Belarus|Belgium|Belize|Benin|Bhutan|Bolivia|Bosnia|Bosnia and Herzegovina|
Botswana|Brazil|Brunei|Bulgaria|Burkina Faso|Burma|Burundi|Cambodia|Cameroon|Canada|Cape Verde|
Central African Republic|Chad|Chile|China|Colombia|Comoros|Congo|Costa Rica|Croatia|Cuba|Cyprus|Czech Republic|
Czechia|Denmark|Djibouti|Dominica|Dominican Republic|East Timor|Ecuador|Egypt|El Salvador|Equatorial Guinea|
Eritrea|Estonia|Eswatini|Ethiopia|Fiji|Finland|France|Gabon|Gambia|Georgia|Germany|Ghana|Greece|Greenland|Grenada|
Guatemala|Guinea|Guinea-Bissau|Guyana|Haiti|Honduras|Hong Kong|Hungary|Iceland|India|Indonesia|Iran|Iraq|Ireland|
Israel|Italy|Ivory Coast|Jamaica|Japan|Jordan|Kazakhstan|Kenya|Kiribati|Korea|Kosovo|Kuwait|Kyrgyzstan|Laos|
Latvia|Lebanon|Lesotho|Liberia|Libya|Liechtenstein|Lithuania|Luxembourg|Madagascar|Malawi|Malaysia|Maldives|Mali|
Malta|Marshall Islands|Mauritania|Mauritius|Mexico|Micronesia|Moldova|Monaco|Mongolia|Montenegro|Morocco|
Mozambique|Myanmar|Namibia|Nauru|Nepal|Netherlands|New Zealand|Nicaragua|Niger|Nigeria|North Korea|
North Macedonia|Norway|Oman|Pakistan|Palau|Palestine|Panama|Papua New Guinea|Paraguay|Peru|Philippines|Poland|
Portugal|Puerto Rico|Qatar|Romania|Russia|Rwanda|Saint Kitts and Nevis|Saint Lucia|
Saint Vincent and the Grenadines|Samoa|San Marino|Sao Tome and Principe|Saudi Arabia|Senegal|Serbia|Seychelles|
Sierra Leone|Singapore|Slovakia|Slovenia|Solomon Islands|Somalia|South Africa|South Korea|South Sudan|Spain|
Sri Lanka|Sudan|Suriname|Sweden|Switzerland|Syria|Taiwan|Tajikistan|Tanzania|Thailand|Timor-Leste|Togo|Tonga|
Trinidad and Tobago|Tunisia|Turkey|Türkiye|Turkmenistan|Tuvalu|Uganda|Ukraine|United Arab Emirates|UAE|
United Kingdom|UK|U.K.|Britain|Great Britain|England|Scotland|Wales|Northern Ireland|United States|US|U.S.|USA|
America|Uruguay|Uzbekistan|Vanuatu|Vatican|Venezuela|Vietnam|Yemen|Zambia|Zimbabwe
"""

US_STATES = """
Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|Georgia|Hawaii|Idaho|Illinois|
Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|Massachusetts|Michigan|Minnesota|Mississippi|Missouri|
Montana|Nebraska|Nevada|New Hampshire|New Jersey|New Mexico|New York|North Carolina|North Dakota|Ohio|Oklahoma|
Oregon|Pennsylvania|Rhode Island|South Carolina|South Dakota|Tennessee|Texas|Utah|Vermont|Virginia|Washington|
West Virginia|Wisconsin|Wyoming
"""

# A country's people or things, as the news describes them ("a Chinese balloon", "Brazilian police"):
# the word names the country for a question asking "which country?"
NATIONALITIES = {
    word: country
    for country, words in {
        "Afghanistan": "Afghan",
        "Argentina": "Argentine|Argentinian",
        "Australia": "Australian",
        "Austria": "Austrian",
        "Bangladesh": "Bangladeshi",
        "Belarus": "Belarusian",
        "Belgium": "Belgian",
        "Brazil": "Brazilian",
        "Britain": "British",
        "Bulgaria": "Bulgarian",
        "Canada": "Canadian",
        "Chile": "Chilean",
        "China": "Chinese",
        "Colombia": "Colombian",
        "Croatia": "Croatian",
        "Cuba": "Cuban",
        "Czech Republic": "Czech",
        "Denmark": "Danish",
        "Ecuador": "Ecuadorian|Ecuadorean",
        "Egypt": "Egyptian",
        "Ethiopia": "Ethiopian",
        "Finland": "Finnish",
        "France": "French",
        "Germany": "German",
        "Ghana": "Ghanaian",
        "Greece": "Greek",
        "Haiti": "Haitian",
        "Hungary": "Hungarian",
        "India": "Indian",
        "Indonesia": "Indonesian",
        "Iran": "Iranian",
        "Iraq": "Iraqi",
        "Ireland": "Irish",
        "Israel": "Israeli",
        "Italy": "Italian",
        "Japan": "Japanese",
        "Kenya": "Kenyan",
        "Lebanon": "Lebanese",
        "Libya": "Libyan",
        "Mexico": "Mexican",
        "Morocco": "Moroccan",
        "Nepal": "Nepali|Nepalese",
        "Netherlands": "Dutch",
        "New Zealand": "New Zealander",
        "Nigeria": "Nigerian",
        "North Korea": "North Korean",
        "Norway": "Norwegian",
        "Pakistan": "Pakistani",
        "Palestine": "Palestinian",
        "Peru": "Peruvian",
        "Philippines": "Filipino|Philippine",
        "Poland": "Polish",
        "Portugal": "Portuguese",
        "Romania": "Romanian",
        "Russia": "Russian",
        "Saudi Arabia": "Saudi",
        "Serbia": "Serbian",
        "Somalia": "Somali",
        "South Africa": "South African",
        "South Korea": "South Korean",
        "Spain": "Spanish",
        "Sudan": "Sudanese",
        "Sweden": "Swedish",
        "Switzerland": "Swiss",
        "Syria": "Syrian",
        "Taiwan": "Taiwanese",
        "Thailand": "Thai",
        "Turkey": "Turkish",
        "Ukraine": "Ukrainian",
        "Venezuela": "Venezuelan",
        "Vietnam": "Vietnamese",
        "Yemen": "Yemeni",
    }.items()
    for word in words.split("|")
}
PLACES = frozenset(name.strip() for name in (COUNTRIES + "|" + US_STATES).split("|") if name.strip())
_WORD = re.compile(r"[A-Za-z][\w.'’-]*")
_POSSESSIVE = re.compile(r"['’]s?$")  # "Brazil's" names Brazil


def places_in(text: str) -> set[str]:
    """The countries and U.S. states ``text`` names, longest name first ("South Korea", not "Korea")."""
    return _named(text, _PLACE_NAMES, _PLACE_WORDS)


def countries_described(text: str) -> set[str]:
    """The countries ``text`` names by their people's word: "a Chinese balloon" is China's,
    "South Korean officials" South Korea's (not Korea's)."""
    return _named(text, NATIONALITIES, _NATIONALITY_WORDS)


_PLACE_NAMES = {name: name for name in PLACES}
_PLACE_WORDS = max(len(name.split()) for name in PLACES)  # the most words a name has
_NATIONALITY_WORDS = max(len(word.split()) for word in NATIONALITIES)


def _named(text: str, names: dict[str, str], longest: int) -> set[str]:
    """What ``names`` maps the names in ``text`` to, the longest name (up to ``longest`` words) at
    each place first."""
    words = [_POSSESSIVE.sub("", word) for word in _WORD.findall(text)]
    found: set[str] = set()
    i = 0
    while i < len(words):
        if not words[i][:1].isupper():  # every name starts with a capital
            i += 1
            continue
        for size in range(min(longest, len(words) - i), 0, -1):
            name = " ".join(words[i : i + size])
            # "U.S." is a name; the full stop after "Brazil." ends a sentence
            match = name if name in names else name.rstrip(".")
            if match in names:
                found.add(names[match])
                i += size
                break
        else:
            i += 1
    return found
