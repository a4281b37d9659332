//! Person names ([`Kind::PersonName`]) from a given-name list plus capitalisation and context.
//!
//! There is no reliable way to recognise every name without a language model, so this detector
//! only claims the shapes where a name is very likely, and prefers missing a name to flagging a
//! benign word. The rules, in the order they are tried at each capitalised token `T`:
//!
//! 1. **Honorific**: `Mr`, `Mrs`, `Ms`, `Mx`, `Miss`, `Dr`, `Prof`, `Professor`, `Sir`, `Dame`,
//!    `Lady`, `Lord`, `Herr`, `Frau`, `Fräulein`, `Madame`, `Monsieur`, `Mme`, `Mlle`, `Señor`,
//!    `Señora`, `Rev`, `Reverend`, `Captain`, `Judge`, `Senator`, `President` … (some only with a
//!    period, e.g. `Gen.`, `Sen.`, `Sr.`), optionally a second honorific (`Prof. Dr.`), then one
//!    to three capitalised name tokens or initials: `Dr. Smith`, `Herr Müller`,
//!    `Prof. Ada Lovelace`. The span includes the honorific. List membership is not needed.
//! 2. **Introductions**: after `my name is` / `name's` / `Mein Name ist` / `ich heiße` /
//!    `me llamo` / `je m'appelle` and after `Dear`, any capitalised token that is not a function
//!    word or a generic salutation (`Dear Sir`, `Dear Team` …) starts a name. After `I'm` / `I am`,
//!    `Hi` / `Hello` / `Hey`, and a sign-off followed by a comma (`Regards,`, `Thanks,`,
//!    `Cheers,`, `Best,`, `Sincerely,`, `Signed,` …, also across a line break) the token must be
//!    in the given-name list, but stop-listed names count (`Cheers,\nWill`). After `this is`,
//!    the name must be followed by ` from` (`this is Sarah from Acme`); a name that is not in the
//!    list counts there when it has a surname (`this is Priya Sharma from …`).
//! 3. **Full name**: a given name followed by one or two capitalised tokens, with an optional
//!    middle initial (`John F. Kennedy`), surname particles (`van`, `de`, `von der` …) and a
//!    `Jr.`/`Sr.` suffix: `Ada Lovelace`, `Mary Ann Smith`, `Vincent van Gogh`. If any token
//!    after the given name is a noun that makes the phrase a place, organisation, product, event
//!    or theorem (`Taylor Series`, `Virginia Beach`, `Claude Code`, `Jackson Hole`,
//!    `Charles de Gaulle Airport`, `Martin Luther King Jr. Day`), nothing is reported; nor when
//!    the name stands next to `&` (`Johnson & Johnson`, `Tiffany & Co.`). For a *stop-listed*
//!    given name (see below) the tokens only count when one of them is a known surname (top
//!    1,000 US census surnames) or a non-stop given name, and not at the start of a sentence or
//!    after an article: `Will Smith` yes, `Rich Text`, `Ray Tracing`, `May Google` no. For an
//!    *ambiguous* given name (a place or product that is also a real first name: `Charlotte`,
//!    `Jordan`, `Claude`) a plural next word that is not a known surname rejects the pair
//!    (`Dallas Cowboys`), otherwise it counts (`Charlotte Brontë`, `Claude Monet`).
//! 4. **Single name**: a given name alone counts only when it is neither stop-listed nor
//!    ambiguous, not at the start of a sentence or line, and not after an article or determiner
//!    (`the Kelly criterion`). A string that is nothing but one given name (a JSON value
//!    `"Alice"`) counts too.
//!
//! Token boundaries are strict so code does not match: the token must follow whitespace, an
//! opening quote or bracket, or sentence punctuation (not a letter, digit, `_`, `.`, `/`, `@`,
//! `#`, `$`, `-`, or a backtick), must not continue with a digit, `_`, `(`, `@`, `::` or
//! `.identifier`, and must be `Xxxx` shaped (no `CamelCase`, no `ALLCAPS`; `McDonald`,
//! `O'Brien`, `Jean-Luc` are allowed; a hyphenated first name counts when its first part is an
//! ordinary given name or both parts are given names). ALL-CAPS names (`JOHN SMITH`) are
//! deliberately not matched. The first letter may be any Latin capital (`Émile`, `Łukasz`), but
//! only the honorific and introduction rules can match such a name, since the list is ASCII.
//!
//! The **stop list** holds given names that are also ordinary English words (`Will`, `May`,
//! `Mark`, `Bill`, `Grace`, `Rose`, `Guy`, `Pat`, `Ray`, `Don`, `Gene` … every census name that
//! appears lower-case in a standard English word list, except a reviewed handful such as `John`,
//! `Peter`, `Frank` or `Nick` that are overwhelmingly names when capitalised mid-sentence), months
//! and days (`April`, `June`, `August`, `Sunday`), nationalities (`German`, `Christian`),
//! countries, states and cities that are rarely first names (`India`, `Florida`, `Cleveland`),
//! and brands (`Mercedes`, `Porsche`, `Mac`, `Kali`, `Aurora`, `Athena`). The **ambiguous list**
//! holds places and products that are also common first names (`Jordan`, `Charlotte`,
//! `Austin`, `Paris`, `Victoria`, `Jean`, and `Claude`, `Julia`, `Ada`, `Travis`, `Hugo`,
//! `Cassandra`, `Devin`, `Alexa`, `Teddy`, `Merlin` which are also software a coding agent
//! hears about). Programming languages and tools that are not census names (`Rust`, `Python`,
//! `Jupyter`) need no entry.
//!
//! Known limits: a name preceded by `San`, `Santa`, `St.`, `Fort`, `Mount`, `Port`, `Lake`,
//! `Los` … is taken as a place (`Santa Clara`, `St. Louis`, `San Jose`) and skipped, so a person
//! called `Santa Maria` is missed; `Charlotte, NC` passes because `Charlotte` is not a single
//! name, but `Charlotte Brontë` is caught. A stop-listed name at the start of a sentence is
//! missed even with a surname (`Mark Twain wrote …`) unless an introduction precedes it.
//! Eponyms with nouns not in the list (`Morgan Stanley`), fictional and placeholder names
//! (`Alice` in a cryptography question) are flagged. Names that are not in the census list
//! (many non-US names) are only found through honorifics and introductions. German capitalised
//! nouns after a given name can look like a surname; the rules are tuned for English.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::LazyLock;

use crate::kind::{Kind, Span};

/// The given-name list: the US Census Bureau 1990 frequently occurring first names (male and
/// female), lower-cased, one per line (see `data/README.md` for source, filter and licence).
const GIVEN_NAMES: &str = include_str!("../../data/given-names.txt");

/// The 1,000 most frequent surnames of the US Census Bureau 1990 surname file
/// (`dist.all.last`, public domain), lower-cased. Used only to confirm a stop-listed given name
/// (`Will Smith`), so that `Ray Tracing` or `Rich Text` do not count as names.
const SURNAMES: &str = "
    smith johnson williams jones brown davis miller wilson moore taylor anderson thomas jackson
    white harris martin thompson garcia martinez robinson clark rodriguez lewis lee walker hall
    allen young hernandez king wright lopez hill scott green adams baker gonzalez nelson carter
    mitchell perez roberts turner phillips campbell parker evans edwards collins stewart sanchez
    morris rogers reed cook morgan bell murphy bailey rivera cooper richardson cox howard ward
    torres peterson gray ramirez james watson brooks kelly sanders price bennett wood barnes ross
    henderson coleman jenkins perry powell long patterson hughes flores washington butler simmons
    foster gonzales bryant alexander russell griffin diaz hayes myers ford hamilton graham sullivan
    wallace woods cole west jordan owens reynolds fisher ellis harrison gibson mcdonald cruz
    marshall ortiz gomez murray freeman wells webb simpson stevens tucker porter hunter hicks
    crawford henry boyd mason morales kennedy warren dixon ramos reyes burns gordon shaw holmes
    rice robertson hunt black daniels palmer mills nichols grant knight ferguson rose stone hawkins
    dunn perkins hudson spencer gardner stephens payne pierce berry matthews arnold wagner willis
    ray watkins olson carroll duncan snyder hart cunningham bradley lane andrews ruiz harper fox
    riley armstrong carpenter weaver greene lawrence elliott chavez sims austin peters kelley
    franklin lawson fields gutierrez ryan schmidt carr vasquez castillo wheeler chapman oliver
    montgomery richards williamson johnston banks meyer bishop mccoy howell alvarez morrison hansen
    fernandez garza harvey little burton stanley nguyen george jacobs reid fuller lynch dean
    gilbert garrett romero welch larson frazier burke hanson day mendoza moreno bowman medina
    fowler brewer hoffman carlson silva pearson holland douglas fleming jensen vargas byrd davidson
    hopkins may terry herrera wade soto walters curtis neal caldwell lowe jennings barnett graves
    jimenez horton shelton barrett obrien castro sutton gregory mckinney lucas miles craig
    rodriquez chambers holt lambert fletcher watts bates hale rhodes pena beck newman haynes
    mcdaniel mendez bush vaughn parks dawson santiago norris hardy love steele curry powers schultz
    barker guzman page munoz ball keller chandler weber leonard walsh lyons ramsey wolfe schneider
    mullins benson sharp bowen daniel barber cummings hines baldwin griffith valdez hubbard salazar
    reeves warner stevenson burgess santos tate cross garner mann mack moss thornton dennis mcgee
    farmer delgado aguilar vega glover manning cohen harmon rodgers robbins newton todd blair
    higgins ingram reese cannon strickland townsend potter goodwin walton rowe hampton ortega
    patton swanson joseph francis goodman maldonado yates becker erickson hodges rios conner
    adkins webster norman malone hammond flowers cobb moody quinn blake maxwell pope floyd osborne
    paul mccarthy guerrero lindsey estrada sandoval gibbs tyler gross fitzgerald stokes doyle
    sherman saunders wise colon gill alvarado greer padilla simon waters nunez ballard schwartz
    mcbride houston christensen klein pratt briggs parsons mclaughlin zimmerman french buchanan
    moran copeland roy pittman brady mccormick holloway brock poole frank logan owen bass marsh
    drake wong jefferson park morton abbott sparks patrick norton huff clayton massey lloyd
    figueroa carson bowers roberson barton tran lamb harrington casey boone cortez clarke mathis
    singleton wilkins cain bryan underwood hogan mckenzie collier luna phelps mcguire allison
    bridges wilkerson nash summers atkins wilcox pitts conley marquez burnett richard cochran chase
    davenport hood gates clay ayala sawyer roman vazquez dickerson hodge acosta flynn espinoza
    nicholson monroe wolf morrow kirk randall anthony whitaker oconnor skinner ware molina kirby
    huffman bradford charles gilmore dominguez oneal bruce lang combs kramer heath hancock gallagher
    gaines shaffer short wiggins mathews mcclain fischer wall small melton hensley bond dyer
    cameron grimes contreras christian wyatt baxter snow mosley shepherd larsen hoover beasley
    glenn petersen whitehead meyers keith garrison vincent shields horn savage olsen schroeder
    hartman woodard mueller kemp deleon booth patel calhoun wiley eaton cline navarro harrell
    lester humphrey parrish duran hutchinson hess dorsey bullock robles beard dalton avila vance
    rich blackwell york johns blankenship trevino salinas campos pruitt moses callahan golden
    montoya hardin guerra mcdowell carey stafford gallegos henson wilkinson booker merritt miranda
    atkinson orr decker hobbs preston tanner knox pacheco stephenson glass rojas serrano marks
    hickman english sweeney strong prince mcclure conway walter roth maynard farrell lowery hurst
    nixon weiss trujillo ellison sloan juarez winters mclean randolph leon boyer villarreal mccall
    gentry carrillo kent ayers lara shannon sexton pace hull leblanc browning velasquez leach chang
    house sellers herring noble foley bartlett mercado landry durham walls barr mckee bauer
    rivers everett bradshaw pugh velez rush estes dodson morse sheppard weeks camacho bean barron
    livingston middleton spears branch blevins chen kerr mcconnell hatfield harding ashley solis
    herman frost giles blackburn william pennington woodward finley mcintosh koch best solomon
    mccullough dudley nolan blanchard rivas brennan mejia kane benton joyce buckley haley
    valentine maddox russo mcknight buck moon mcmillan crosby berg dotson mays roach church chan
    richmond meadows faulkner oneill knapp kline barry ochoa jacobson gay avery hendricks horne
    shepard hebert cherry cardenas mcintyre whitney waller holman donaldson cantu terrell morin
    gillespie fuentes tillman sanford bentley peck key salas rollins gamble dickson battle
    santana cabrera cervantes howe hinton hurley spence zamora yang mcneil suarez case petty gould
    mcfarland sampson carver bray rosario macdonald stout hester melendez dillon farley hopper
    galloway potts bernard joyner stein aguirre osborn mercer bender franco rowland sykes benjamin
    travis pickett crane sears mayo dunlap hayden wilder mckay coffey mccarty ewing cooley vaughan
    bonner cotton holder stark ferrell cantrell fulton lynn lott calderon rosa pollard hooper
    burch mullen fry riddle levy david duke odonnell guy michael britt frederick daugherty berger
    dillard alston jarvis frye riggs chaney odom duffy fitzpatrick valenzuela merrill mayer alford
    mcpherson acevedo donovan barrera albert cote reilly compton raymond mooney mcgowan craft
    cleveland clemons wynn nielsen baird stanton snider rosales bright witt stuart hays holden
    rutledge kinney clements castaneda slater hahn emerson conrad burks delaney pate lancaster
    sweet justice tyson sharpe whitfield talley macias irwin burris ratliff mccray madden kaufman
    beach goff cash bolton mcfadden levine good byers kirkland kidd workman carney dale mcleod
    holcomb england finch head burt hendrix sosa haney franks sargent nieves downs rasmussen bird
    hewitt lindsay le foreman valencia oneil delacruz vinson dejesus hyde forbes gilliam guthrie
    wooten huber barlow boyle mcmahon buckner rocha puckett langley knowles cooke velazquez whitley
    noel vang
";

/// Census given names that are also ordinary English words, months, days or nationalities, or
/// products and places that are rarely a person's first name. They never count alone, and in a
/// full name only before a known surname or given name (`Will Smith`, not `Rich Text`).
/// Built by intersecting the census list with a lower-case English word list (Debian
/// `wamerican`), then reviewed: names that are overwhelmingly names when capitalised mid-sentence
/// (`John`, `Peter`, `Martin`, `Harry`, `Frank`, `Victor`, `Roger`, `Nick` …) were taken out.
const STOP_NAMES: &str = "
    abbey aide aline alpha amber angel angelic angle art august aura autumn barb basil beau bee
    bell belle berry bill birdie blanch blossom bob bong bonny brain brandy brook brooks buck bud
    buddy bunny buster camellia candy caprice carmine carol carry celesta chad chance charity chase
    chastity cherish cherry chi chin china christen clay cliff conception coral coy crystal dahlia
    daisy dale dawn dean deb dell delta desire destiny diamond dick dimple dolly don dot dotty drew
    dung dusty earl earnest ebony echo ed else emerald era ester eve fairy faith fanny fawn fern
    flora forest foster freeman gala gale garland garnet gay gene genesis genie ginger glen glory
    golden grace grant guy hang harmony hazel heath heather herb holly hope hue hung hunter
    hyacinth iris ivory ivy jack jade jarred jasmine jewel joy julienne junior karma king kit kitty
    lacy lady lane laurel lea lean liberty lien lily loan long lore love magnolia major man manual
    many maple margarita marine mark marry mason maxima may melody mercy merry meta mica miles min
    miss misty moon myrtle newton noble noel nova novella numbers olive omega opal page pansy pasty
    pat patience patsy pearl pearly peg penny ping pinkie piper porter precious prince princess
    prudence queen raven ray reed rhea rich robin rocky rod romaine roman rose rosemary rosette
    rosy royal ruby rusty sage sang sari savanna savannah scarlet season see shad sherry shin
    sierra sol son song sonny soon sparkle spring star sterling stormy sue summer sun sung sunny
    sunshine tad tam tanner tawny temple tequila tiara tiny trinity troy valentine van velvet viola
    violet viva wade walker ward wen will willow windy winter yen yon young yuk al max mac kali
    april june january september sunday easter german irish christian latina america angeles
    argentina asia columbus cleveland florida france india israel kenya lincoln maryland monte
    nevada santa stanford tijuana trinidad valencia venice verona shasta shawnee aurora athena
    mercedes porsche harley alma gemma darwin marx mao venus terra pandora chanel isis les
";

/// Census given names that are also well-known places or products (`Jordan`, `Charlotte`,
/// `Austin`, `Victoria`, `Claude`, `Julia`, `Ada`, `Travis`, `Hugo`) or that are mostly a word in
/// lower case (`Jean`). They never count alone, but count in a full name like ordinary names
/// (`Charlotte Brontë`, `Claude Monet`) unless the next word is plural and not a known surname
/// (`Dallas Cowboys`).
const AMBIGUOUS_NAMES: &str = "
    jean jordan charlotte austin dallas houston jackson madison orlando denver carolina virginia
    georgia victoria florence sydney paris regina augusta chelsea chester kent dakota santiago
    milan raleigh trenton
    claude julia ada travis hugo cassandra devin alexa teddy merlin vita rosetta
";

/// Function words, pronouns and other words that are never part of a person's name even when
/// capitalised (title case, sentence starts). A token in this set ends a name.
const COMMON_WORDS: &str = "
    the a an and or but nor of to in on at by for with from as is are was were be been being it
    its this that these those there here then than i you your yours he him his she her hers we us
    our they them their me my mine not no yes all any some each every if so do does did done have
    has had will would can could should shall may might must what when where who whom whose why
    how which also just only very more most much many about after before up down out over under
    into onto upon off again once new old other another such own same too both few either neither
    one two three four five six seven eight nine ten first second third next last please thanks
    thank hello hi hey dear ok okay via per vs etc et al ltd inc llc co plc gmbh ag sa
    monday tuesday wednesday thursday friday saturday sunday january february march april june july
    august september october november december mon tue tues wed thu thur thurs fri sat sun jan feb
    mar apr jun jul aug sep sept oct nov dec today tomorrow yesterday tonight
    der die das und oder ein eine einen dem den des ich du er sie es wir ihr ihnen mit von zu im
    am le la les el los las un una et ou de del du
";

/// Nouns that turn `Given Noun` into a place, organisation, product, event, dish or theorem
/// rather than a person (`Taylor Series`, `Virginia Beach`, `Claude Code`). When such a word is
/// the first token after a given name, nothing is reported.
const NOT_NAME_WORDS: &str = "
    street road avenue lane drive boulevard way place square court terrace parkway highway
    county city town village state province district region country island islands beach bay
    river lake creek valley canyon falls springs mountain mountains mount hills heights harbor
    harbour point ridge forest garden gardens airport station port bridge tunnel dam
    center centre hospital clinic university college school academy institute library museum
    gallery theater theatre stadium arena hall house tower building plaza mall market hotel
    church cathedral chapel temple abbey
    company corporation corp group team club association society council committee department
    agency office bureau ministry commission board foundation trust fund bank capital holdings
    partners labs lab systems software technologies solutions services media news times post
    journal magazine press books records films pictures studios network channel radio motors
    airlines airways insurance
    code studio server cloud app apps web online pro plus max mini air edition version release
    update framework library package engine project script language platform suite desktop
    mobile phone watch pay store music video games game linux os ai api sdk cli ide opus sonnet
    haiku instant reports gems rails tracing serve
    series theorem lemma conjecture equation transform method algorithm distribution process
    filter chain curve space law laws rule principle effect test number numbers problem paradox
    constant function polynomial integral matrix form normal decomposition inequality bound
    criterion coefficient index correlation regression estimator kernel score model diagram
    scale syndrome disease tau
    cup award awards prize medal trophy fellowship scholarship festival conference summit
    olympics games championship league tour
    day days week weekend month year night morning evening eve holiday sale deals collection
    style period alert gold silver text expression director tech hole doctrine plan memorial
    expedition dynasty treaty act amendment administration era
    cake pie salad sauce soup bread sandwich chicken beef pudding tea coffee wine beer cocktail
    universe world america christmas
    pepper oetker martens
    engineering product marketing sales operations finance legal research development
";

/// Words that after `Dear` address a group or a role, not a named person.
const GENERIC_SALUTATIONS: &str = "
    sir sirs madam madame customer customers team all everyone everybody colleague colleagues
    friend friends hiring manager managers valued member members client clients diary editor
    editors reader readers applicant applicants candidate parent parents student students
    neighbor neighbors neighbour neighbours partner partners supplier suppliers shareholder
    shareholders user users support recruiter recruiters recruitment committee board admissions
    director santa god lord lady gentlemen ladies sender recipient owner host hosts guest guests
    patient patients community folks sister brother mom mum dad mother father grandma grandpa
";

/// Titles that introduce a name; the period after them is optional.
const HONORIFICS: &str = "
    mr mrs ms mx miss dr prof professor sir dame lady lord herr frau fräulein madame monsieur
    mme mlle señor señora señorita doña rev reverend captain capt judge senator president
    governor lieutenant sergeant colonel
";

/// Abbreviated titles that only count with a period, because without one they are words or
/// abbreviations of something else (`Gen Z`, `Sr` for senior, `Rep` for repetition).
const HONORIFICS_WITH_DOT: &str = "gen sen rep gov col maj lt sgt sr sra srta";

/// Words before a capitalised token that make it part of a place name (`Santa Clara`,
/// `San Jose`, `Fort Worth`, `Lake Charles`) rather than a person.
const PLACE_PREFIXES: &str = "
    san santa santo são st saint sainte fort ft mount mt port lake cape los las el new north
    south east west upper lower greater little big old
";

/// Articles and determiners: `the Christian church`, `a Summer sale`.
const DETERMINERS: &str =
    "the a an this that these those our your their its every each no any some";

/// Sign-off words that, followed by a comma, precede the writer's name (`Regards,\nJohn`).
const SIGN_OFFS: &str = "
    regards sincerely cheers thanks best yours signed wishes faithfully truly respectfully love
    gruß grüße grüßen
";

/// Greetings that precede the addressee's name (`Hi John`).
const GREETINGS: &str = "hi hello hey hiya howdy hallo";

/// Lower-case particles inside a surname (`Ludwig van Beethoven`, `Charles de Gaulle`).
const PARTICLES: &str = "van von de da di du del della der den la le ter ten bin ibn al dos das zu";

/// Bit flags attached to a lower-cased word in the lookup table.
mod flag {
    /// In the given-name list.
    pub(super) const GIVEN: u32 = 1;
    /// A given name that is also an ordinary word, a place or a product.
    pub(super) const STOP: u32 = 1 << 1;
    /// One of the most common census surnames.
    pub(super) const SURNAME: u32 = 1 << 2;
    /// An honorific whose period is optional.
    pub(super) const HONORIFIC: u32 = 1 << 3;
    /// An honorific that only counts with a period.
    pub(super) const HONORIFIC_DOT: u32 = 1 << 4;
    /// A function word: never part of a name.
    pub(super) const COMMON: u32 = 1 << 5;
    /// A noun that makes `Given Noun` something other than a person.
    pub(super) const NOT_NAME: u32 = 1 << 6;
    /// A generic addressee after `Dear`.
    pub(super) const GENERIC: u32 = 1 << 7;
    /// A place-name prefix.
    pub(super) const PLACE: u32 = 1 << 8;
    /// An article or determiner.
    pub(super) const DETERMINER: u32 = 1 << 9;
    /// A sign-off word.
    pub(super) const SIGN_OFF: u32 = 1 << 10;
    /// A greeting.
    pub(super) const GREETING: u32 = 1 << 11;
    /// A surname particle.
    pub(super) const PARTICLE: u32 = 1 << 12;
    /// A given name that is also a well-known place or product.
    pub(super) const AMBIGUOUS: u32 = 1 << 13;
}

/// A multiply-rotate hash over eight bytes at a time: the keys are short words, so this beats
/// SipHash here, and hash flooding is not a concern (the table is fixed; input only looks up).
#[derive(Debug, Clone, Copy, Default)]
struct WordHash(u64);

impl Hasher for WordHash {
    fn finish(&self) -> u64 {
        // Final avalanche so the table's top bits depend on every input byte.
        let h = self.0 ^ (self.0 >> 29);
        h.wrapping_mul(0xbf58_476d_1ce4_e5b9) ^ (h >> 32)
    }
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut w = [0u8; 8];
            for (d, s) in w.iter_mut().zip(chunk) {
                *d = *s;
            }
            // An odd 64-bit constant (from the golden ratio) mixes each word in.
            self.0 = (self.0 ^ u64::from_le_bytes(w))
                .wrapping_mul(0x9e37_79b9_7f4a_7c15)
                .rotate_left(23);
        }
    }
}

/// Every word the detector knows, lower-cased (as bytes), with its [`flag`] bits.
type WordTable = HashMap<&'static [u8], u32, BuildHasherDefault<WordHash>>;

/// The lookup table, built once on first use.
static TABLE: LazyLock<WordTable> = LazyLock::new(build_table);

/// Builds [`TABLE`] from the data file and the word lists above.
fn build_table() -> WordTable {
    let mut t = WordTable::default();
    let mut add = |list: &'static str, bits: u32| {
        for w in list.split_whitespace() {
            if !w.starts_with('#') {
                *t.entry(w.as_bytes()).or_insert(0) |= bits;
            }
        }
    };
    add(GIVEN_NAMES, flag::GIVEN);
    add(STOP_NAMES, flag::STOP);
    add(AMBIGUOUS_NAMES, flag::AMBIGUOUS);
    add(SURNAMES, flag::SURNAME);
    add(HONORIFICS, flag::HONORIFIC);
    add(HONORIFICS_WITH_DOT, flag::HONORIFIC_DOT);
    add(COMMON_WORDS, flag::COMMON);
    add(NOT_NAME_WORDS, flag::NOT_NAME);
    add(GENERIC_SALUTATIONS, flag::GENERIC);
    add(PLACE_PREFIXES, flag::PLACE);
    add(DETERMINERS, flag::DETERMINER);
    add(SIGN_OFFS, flag::SIGN_OFF);
    add(GREETINGS, flag::GREETING);
    add(PARTICLES, flag::PARTICLE);
    t
}

/// Bits in [`FIRST_FILTER`]: 2^16 bits (8 KiB) stay in the L1 cache.
const FILTER_BITS: usize = 1 << 16;

/// A one-hash Bloom filter over the words that can start a name (given names and honorifics),
/// so that most capitalised words (`The`, `Python`, `Monday`) skip the hash table.
static FIRST_FILTER: LazyLock<Vec<u64>> = LazyLock::new(|| {
    let mut bits = vec![0u64; FILTER_BITS / 64];
    let starts = flag::GIVEN | flag::HONORIFIC | flag::HONORIFIC_DOT;
    for (w, f) in TABLE.iter() {
        if f & starts != 0 {
            let h = filter_hash(w);
            if let Some(slot) = bits.get_mut(h / 64) {
                *slot |= 1 << (h % 64);
            }
        }
    }
    bits
});

/// The filter position of a lower-case word: its length and first four and last bytes.
fn filter_hash(w: &[u8]) -> usize {
    let mut x = w.len() as u64;
    for &c in w.iter().take(4) {
        x = (x << 8) | u64::from(c);
    }
    x = (x << 8) | u64::from(w.last().copied().unwrap_or(0));
    // Keep the top 16 bits of a multiplicative hash (odd constant from the golden ratio).
    (x.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 48) as usize
}

/// The flags of `word` if it may start a name (given name or honorific); 0 when the Bloom
/// filter rules it out, which is the common case.
fn lookup_first(word: &str) -> u32 {
    if word.is_ascii() && word.len() <= MAX_LOOKUP {
        let mut buf = [0u8; MAX_LOOKUP];
        if let Some(dst) = buf.get_mut(..word.len()) {
            dst.copy_from_slice(word.as_bytes());
            dst.make_ascii_lowercase();
            let h = filter_hash(dst);
            let hit = FIRST_FILTER
                .get(h / 64)
                .is_some_and(|s| s & (1 << (h % 64)) != 0);
            if !hit {
                return 0;
            }
        }
    }
    lookup(word)
}

/// Longest word (in bytes) looked up; longer tokens are never in any list.
const MAX_LOOKUP: usize = 32;

/// The flags of `word`, compared case-insensitively; 0 when unknown.
fn lookup(word: &str) -> u32 {
    let mut buf = [0u8; MAX_LOOKUP];
    if word.is_ascii() {
        // Fast path: ASCII case folding byte by byte.
        let Some(dst) = buf.get_mut(..word.len()) else {
            return 0;
        };
        dst.copy_from_slice(word.as_bytes());
        dst.make_ascii_lowercase();
        return TABLE.get(&*dst).copied().unwrap_or(0);
    }
    let mut n = 0usize;
    for c in word.chars().flat_map(char::to_lowercase) {
        let mut tmp = [0u8; 4];
        let enc = c.encode_utf8(&mut tmp).as_bytes();
        let Some(dst) = buf.get_mut(n..n + enc.len()) else {
            return 0;
        };
        dst.copy_from_slice(enc);
        n += enc.len();
    }
    buf.get(..n)
        .and_then(|w| TABLE.get(w).copied())
        .unwrap_or(0)
}

/// The byte at `i`, or 0 past either end (0 never occurs where it matters).
fn at(b: &[u8], i: usize) -> u8 {
    b.get(i).copied().unwrap_or(0)
}

/// The char starting at byte `i`.
fn char_at(text: &str, i: usize) -> Option<char> {
    text.get(i..).and_then(|s| s.chars().next())
}

/// The char ending at byte `i`.
fn char_before(text: &str, i: usize) -> Option<char> {
    text.get(..i).and_then(|s| s.chars().next_back())
}

/// A capitalised word found by [`cap_word`].
#[derive(Debug, Clone, Copy)]
struct Word {
    /// Byte offset just past the word.
    end: usize,
    /// Number of chars in the word.
    chars: usize,
}

/// Longest name token considered, in chars; bounds the work on hostile input.
const MAX_WORD_CHARS: usize = 40;

/// Parses an `Xxxx`-shaped word at `pos`: an upper-case letter, then lower-case letters, with
/// `Mc`/`Mac`/`De`/`Di`/`Da`/`La`/`Le` allowed before one inner capital and `'` or `-` allowed
/// before a new capital (`O'Brien`, `Jean-Luc`). Returns `None` for `CamelCase`, `ALLCAPS` and
/// words glued to code (`Jordan_x`, `Jordan2`, `Jordan(`, `Jordan.x`, `Jordan::`).
fn cap_word(text: &str, pos: usize) -> Option<Word> {
    // Fast path for the common `Xxxx` ASCII word followed by ASCII punctuation or space.
    let b = text.as_bytes();
    if at(b, pos).is_ascii_uppercase() {
        let mut e = pos + 1;
        while at(b, e).is_ascii_lowercase() && e - pos <= MAX_WORD_CHARS {
            e += 1;
        }
        let next = at(b, e);
        let simple =
            matches!(
                next,
                0 | b' ' | b'\n' | b'\t' | b'\r' | b',' | b';' | b'!' | b'?' | b')' | b'"'
            ) || (next == b'.' && !at(b, e + 1).is_ascii_alphanumeric() && at(b, e + 1) < 0x80);
        if simple && e - pos <= MAX_WORD_CHARS {
            return Some(Word {
                end: e,
                chars: e - pos,
            });
        }
    }
    let rest = text.get(pos..)?;
    let mut it = rest.char_indices().peekable();
    let (_, first) = it.next()?;
    if !first.is_uppercase() {
        return None;
    }
    let mut end = pos + first.len_utf8();
    let mut chars = 1usize;
    let mut seg_start = pos;
    let mut inner_caps = 0u8;
    while let Some(&(off, c)) = it.peek() {
        if chars > MAX_WORD_CHARS {
            return None;
        }
        if c.is_lowercase() || (c.is_alphabetic() && !c.is_uppercase()) {
            it.next();
            end = pos + off + c.len_utf8();
            chars += 1;
        } else if c.is_uppercase() {
            let seg = text.get(seg_start..pos + off).unwrap_or("");
            let prefix_ok = matches!(seg, "Mc" | "Mac" | "De" | "Di" | "Da" | "La" | "Le");
            if !prefix_ok || inner_caps > 0 {
                return None;
            }
            inner_caps += 1;
            it.next();
            end = pos + off + c.len_utf8();
            chars += 1;
        } else if c == '\'' || c == '’' || c == '-' {
            let after = char_at(text, pos + off + c.len_utf8());
            let seg_chars = text
                .get(seg_start..pos + off)
                .map_or(0, |s| s.chars().count());
            let min_seg = if c == '-' { 2 } else { 1 };
            match after {
                Some(u) if u.is_uppercase() && seg_chars >= min_seg => {
                    // Consume the separator and the capital that starts the next part.
                    it.next();
                    it.next();
                    seg_start = pos + off + c.len_utf8();
                    end = seg_start + u.len_utf8();
                    chars += 2;
                }
                _ => break,
            }
        } else {
            break;
        }
    }
    // A trailing `'`/`-` without a following capital was not consumed, so `end` is on a letter.
    let next = char_at(text, end);
    match next {
        Some(c) if c.is_alphanumeric() || c == '_' || c == '(' || c == '@' => return None,
        Some('.') if char_at(text, end + 1).is_some_and(|c| c.is_alphanumeric() || c == '_') => {
            return None;
        }
        Some(':') if at(text.as_bytes(), end + 1) == b':' => return None,
        _ => {}
    }
    Some(Word { end, chars })
}

/// True when a name may start at `p`: the char before is not part of a word, a path, an
/// address or code.
fn left_ok(text: &str, p: usize) -> bool {
    match char_before(text, p) {
        None => true,
        Some(c) => {
            if c.is_whitespace() {
                return true;
            }
            if c == '\'' || c == '’' {
                // `'Anna'` yes, `D'Angelo` no: the quote must not follow a letter.
                return !char_before(text, p - c.len_utf8()).is_some_and(char::is_alphanumeric);
            }
            matches!(
                c,
                '(' | '['
                    | '{'
                    | '"'
                    | ','
                    | ';'
                    | ':'
                    | '!'
                    | '?'
                    | '*'
                    | '>'
                    | '“'
                    | '‘'
                    | '«'
                    | '„'
                    | '—'
                    | '–'
                    | '¿'
                    | '¡'
            )
        }
    }
}

/// What precedes a candidate token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Context {
    /// Nothing special.
    Plain,
    /// `my name is`, `Mein Name ist`, `ich heiße` …
    NameIs,
    /// `Dear`.
    Dear,
    /// `I'm`, `I am`.
    Intro,
    /// `this is`.
    ThisIs,
    /// A sign-off word and a comma.
    SignOff,
    /// A greeting word.
    Greeting,
    /// An article or determiner.
    Determiner,
    /// A place-name prefix (`Santa`, `St.`).
    Place,
}

/// The word (letters and apostrophes) ending at byte `end`, at most 24 chars, and its start.
fn word_before(text: &str, end: usize) -> Option<(usize, &str)> {
    let before = text.get(..end)?;
    let mut start = end;
    for (i, c) in before.char_indices().rev().take(24) {
        if c.is_alphabetic() || c == '\'' || c == '’' {
            start = i;
        } else {
            break;
        }
    }
    if start == end {
        return None;
    }
    Some((start, text.get(start..end)?))
}

/// Skips spaces (not line breaks) backwards from `j`, at most four.
fn skip_spaces_back(b: &[u8], mut j: usize) -> usize {
    let mut n = 0;
    while n < 4 && j > 0 && at(b, j - 1) == b' ' {
        j -= 1;
        n += 1;
    }
    j
}

/// Classifies what comes before the token at `p`; also says whether `p` starts a sentence or a
/// line. Looks back a bounded distance only.
fn context(text: &str, p: usize) -> (Context, bool) {
    let b = text.as_bytes();
    let mut j = p;
    let mut newline = false;
    let mut spaces = 0usize;
    for _ in 0..16 {
        if j == 0 {
            break;
        }
        match at(b, j - 1) {
            b' ' | b'\t' => {
                spaces += 1;
                j -= 1;
            }
            b'\n' | b'\r' => {
                newline = true;
                j -= 1;
            }
            b'"' | b'\'' | b'(' | b'[' | b'*' => j -= 1,
            _ => {
                let tail = b.get(..j).unwrap_or(&[]);
                let quote = ["“", "‘", "«", "„"]
                    .iter()
                    .find(|q| tail.ends_with(q.as_bytes()));
                match quote {
                    Some(q) => j -= q.len(),
                    None => break,
                }
            }
        }
    }
    if j == 0 {
        return (Context::Plain, true);
    }
    let prev = at(b, j - 1);
    let tail = b.get(..j).unwrap_or(&[]);
    let bullet = matches!(prev, b'-' | b'#' | b'|' | b'>') || tail.ends_with("•".as_bytes());
    let mut sentence_start = newline || matches!(prev, b'.' | b'!' | b'?' | b':') || bullet;
    let mut ctx = Context::Plain;
    if prev == b',' {
        if let Some((_, w)) = word_before(text, j - 1) {
            let f = lookup(w);
            if f & flag::SIGN_OFF != 0 {
                ctx = Context::SignOff;
            } else if f & flag::GREETING != 0 {
                ctx = Context::Greeting;
            }
        }
    } else if prev == b'.' {
        if let Some((_, w)) = word_before(text, j - 1)
            && matches!(w, "St" | "Ft" | "Mt")
        {
            ctx = Context::Place;
            sentence_start = false;
        }
    } else if spaces > 0
        && !newline
        && let Some((ws, w)) = word_before(text, j)
    {
        ctx = classify_word(text, ws, w);
    }
    (ctx, sentence_start)
}

/// The context given by the single word `w` (starting at `ws`) before a token.
fn classify_word(text: &str, ws: usize, w: &str) -> Context {
    let mut buf = [0u8; 128];
    let Some(dst) = buf.get_mut(..w.len()) else {
        return Context::Plain;
    };
    dst.copy_from_slice(w.as_bytes());
    dst.make_ascii_lowercase();
    let lw = std::str::from_utf8(dst).unwrap_or("");
    let before = word_before(text, skip_spaces_back(text.as_bytes(), ws));
    let before_is = |x: &str| before.is_some_and(|(_, v)| v.eq_ignore_ascii_case(x));
    match lw {
        "dear" => return Context::Dear,
        "is" | "ist" | "es" if before_is("name") || before_is("nombre") => return Context::NameIs,
        "is" if before_is("this") => return Context::ThisIs,
        "name's" | "name’s" | "heiße" | "heisse" | "llamo" | "m'appelle" | "m’appelle" => {
            return Context::NameIs;
        }
        "i'm" | "i’m" => return Context::Intro,
        "am" if before_is("i") => return Context::Intro,
        _ => {}
    }
    let f = lookup(w);
    if f & flag::GREETING != 0 {
        Context::Greeting
    } else if f & flag::DETERMINER != 0 {
        Context::Determiner
    } else if f & flag::PLACE != 0 && w.starts_with(|c: char| c.is_uppercase()) {
        Context::Place
    } else {
        Context::Plain
    }
}

/// What follows a first name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tail {
    /// No surname-like continuation.
    None,
    /// The next token makes the phrase a place, organisation or thing.
    Reject,
    /// A continuation ending at `end`; `known` if one of its tokens is a known surname or a
    /// non-stop given name.
    Name {
        /// Byte offset just past the last name token.
        end: usize,
        /// Whether a token is a listed surname or plain given name.
        known: bool,
        /// Whether the first token ends in a plural `s` (`Cowboys`).
        plural: bool,
    },
}

/// Parses up to two surname tokens after a first name ending at `from`, with an optional
/// middle initial (`F.`) and up to two particles (`van der`).
fn tail(text: &str, from: usize) -> Tail {
    let b = text.as_bytes();
    let mut pos = from;
    let mut tokens = 0;
    let mut end = None;
    let mut known = false;
    let mut initial = false;
    let mut particles = 0;
    let mut plural = false;
    for _ in 0..8 {
        if at(b, pos) != b' ' {
            break;
        }
        let q = pos + 1;
        let c = at(b, q);
        // A middle initial: `J.` followed by a space and a capital.
        if tokens == 0
            && !initial
            && c.is_ascii_uppercase()
            && at(b, q + 1) == b'.'
            && at(b, q + 2) == b' '
            && at(b, q + 3).is_ascii_uppercase()
        {
            initial = true;
            pos = q + 2;
            continue;
        }
        if c.is_ascii_lowercase() && particles < 2 {
            let mut e = q;
            while at(b, e).is_ascii_lowercase() && e - q < 6 {
                e += 1;
            }
            let word = text.get(q..e).unwrap_or("");
            if at(b, e) == b' ' && lookup(word) & flag::PARTICLE != 0 {
                particles += 1;
                pos = e;
                continue;
            }
            break;
        }
        let Some(w) = cap_word(text, q) else { break };
        if w.chars < 2 {
            break;
        }
        let word = text.get(q..w.end).unwrap_or("");
        let f = lookup(word);
        if f & flag::NOT_NAME != 0 {
            // Named after a person, not a person: `Taylor Series`, `Jackson Hole`,
            // `Charles de Gaulle Airport`, `Martin Luther King Jr. Day`.
            return Tail::Reject;
        }
        if tokens > 0 && matches!(word, "Jr" | "Sr") {
            pos = w.end + usize::from(at(b, w.end) == b'.');
            end = Some(pos);
            continue;
        }
        if tokens == 2 || f & (flag::COMMON | flag::HONORIFIC) != 0 {
            break;
        }
        known |= f & flag::SURNAME != 0 || (f & flag::GIVEN != 0 && f & flag::STOP == 0);
        if tokens == 0 {
            plural = w.chars > 3 && word.ends_with('s');
        }
        tokens += 1;
        end = Some(w.end);
        pos = w.end;
        particles = 2; // particles only before the first surname token
    }
    match end {
        Some(end) => Tail::Name { end, known, plural },
        None => Tail::None,
    }
}

/// True when the capitalised token `word` may be a name after `Dear` or `my name is`.
fn plausible_name(word: &str, w: Word) -> bool {
    w.chars >= 2
        && lookup(word) & (flag::COMMON | flag::NOT_NAME | flag::GENERIC | flag::HONORIFIC) == 0
}

/// Tries an honorific at `p`; returns the end of the name it introduces.
fn honorific(text: &str, p: usize, w: Word) -> Option<usize> {
    let b = text.as_bytes();
    let mut pos = p;
    let mut word = w;
    let mut titles = 0;
    // Up to two honorifics in a row (`Prof. Dr. Müller`).
    loop {
        let f = lookup(text.get(pos..word.end)?);
        let dot = at(b, word.end) == b'.';
        let is_title = f & flag::HONORIFIC != 0 || (f & flag::HONORIFIC_DOT != 0 && dot);
        if !is_title {
            break;
        }
        titles += 1;
        let mut q = word.end + usize::from(dot);
        if at(b, q) != b' ' || titles > 2 {
            return None;
        }
        q += 1;
        // A bare initial first: `Dr. J. Smith`.
        if at(b, q).is_ascii_uppercase() && at(b, q + 1) == b'.' && at(b, q + 2) == b' ' {
            q += 3;
        }
        pos = q;
        word = cap_word(text, q)?;
    }
    if titles == 0 || !plausible_name(text.get(pos..word.end)?, word) {
        return None;
    }
    Some(match tail(text, word.end) {
        Tail::Name { end, .. } => end,
        Tail::None | Tail::Reject => word.end,
    })
}

/// Tries every rule at the capitalised token starting at `p`. Returns the span found, or where
/// to resume scanning.
fn try_at(text: &str, p: usize) -> Result<(usize, usize), usize> {
    let Some(w) = cap_word(text, p) else {
        // Skip the rest of the word (`JordanSmith`, `IMPORTANT`).
        let mut e = p + 1;
        while char_at(text, e).is_some_and(char::is_alphanumeric) && e - p < 64 {
            e += char_at(text, e).map_or(1, char::len_utf8);
        }
        return Err(e);
    };
    let word = text.get(p..w.end).unwrap_or("");
    let f0 = lookup_first(word);
    if f0 & (flag::HONORIFIC | flag::HONORIFIC_DOT) != 0
        && let Some(end) = honorific(text, p, w)
    {
        return Ok((p, end));
    }
    let f = given_flags(word, f0);
    if f & flag::GIVEN == 0 && !after_intro_word(text, p) {
        // Most capitalised words: not a given name and not after `is`/`Dear`/`llamo` …, so no
        // rule can apply.
        return Err(w.end);
    }
    if f & flag::PLACE != 0 {
        // `Santa Clara`: a place prefix never starts a person's name.
        return Err(w.end);
    }
    let given = f & flag::GIVEN != 0 && w.chars >= 2;
    let stop = f & flag::STOP != 0;
    let ambiguous = f & flag::AMBIGUOUS != 0;
    let (ctx, sentence_start) = context(text, p);
    let t = tail(text, w.end);
    let name_end = match t {
        Tail::Name { end, .. } => end,
        Tail::None | Tail::Reject => w.end,
    };
    // `Johnson & Johnson`, `Tiffany & Co.`, `Marks & Spencer`: a firm, not a person.
    let before = text.get(..p).unwrap_or("").trim_end_matches(' ');
    let after = text.get(name_end..).unwrap_or("");
    if before.ends_with('&') || after.starts_with(" & ") {
        return Err(name_end);
    }
    match ctx {
        Context::Place => return Err(name_end),
        Context::NameIs | Context::Dear => {
            if plausible_name(word, w) {
                return Ok((p, name_end));
            }
        }
        Context::Intro | Context::SignOff | Context::Greeting => {
            if given {
                return Ok((p, name_end));
            }
        }
        Context::ThisIs => {
            let two_tokens = matches!(t, Tail::Name { .. }) && plausible_name(word, w);
            let from = text
                .get(name_end..)
                .is_some_and(|s| s.starts_with(" from "));
            if (given || two_tokens) && from {
                return Ok((p, name_end));
            }
        }
        Context::Plain | Context::Determiner => {}
    }
    if !given {
        return Err(w.end);
    }
    match t {
        Tail::Reject => Err(name_end),
        Tail::Name { end, known, plural } => {
            let stop_ok = !stop || (known && !sentence_start && ctx != Context::Determiner);
            let ambiguous_ok = !ambiguous || known || !plural;
            if stop_ok && ambiguous_ok {
                Ok((p, end))
            } else {
                Err(end)
            }
        }
        Tail::None => {
            let plain = !stop && !ambiguous;
            let whole = is_whole_value(text, p, w.end);
            if plain && (whole || (!sentence_start && ctx != Context::Determiner)) {
                Ok((p, w.end))
            } else {
                Err(w.end)
            }
        }
    }
}

/// True when `text[p..end]` is the whole string apart from a few quotes, spaces or punctuation
/// (a JSON value `"Alice"`). Bounded so that many candidates never rescan the text.
fn is_whole_value(text: &str, p: usize, end: usize) -> bool {
    const SLACK: usize = 8;
    let (Some(before), Some(after)) = (text.get(..p), text.get(end..)) else {
        return false;
    };
    before.len() <= SLACK
        && after.len() <= SLACK
        && !before
            .chars()
            .chain(after.chars())
            .any(char::is_alphanumeric)
}

/// True when the word before `p` (same line) could start an introduction that accepts a name
/// outside the list (`my name is`, `Dear`, `this is`, `ich heiße`, `me llamo`, `je m'appelle`).
fn after_intro_word(text: &str, p: usize) -> bool {
    let b = text.as_bytes();
    let j = skip_spaces_back(b, p);
    // Cheap filter on the last letter of `is`, `ist`, `es`, `dear`, `heiße`, `llamo`,
    // `m'appelle`, `name's`.
    if j == p
        || !matches!(
            at(b, j.wrapping_sub(1)),
            b's' | b't' | b'r' | b'e' | b'o' | b'S' | b'T' | b'R' | b'E' | b'O'
        )
    {
        return false;
    }
    let Some((_, w)) = word_before(text, j) else {
        return false;
    };
    if w.len() > 12 {
        return false;
    }
    let mut buf = [0u8; 12];
    let Some(dst) = buf.get_mut(..w.len()) else {
        return false;
    };
    dst.copy_from_slice(w.as_bytes());
    dst.make_ascii_lowercase();
    matches!(
        std::str::from_utf8(dst).unwrap_or(""),
        "is" | "ist"
            | "es"
            | "dear"
            | "heiße"
            | "heisse"
            | "llamo"
            | "m'appelle"
            | "m’appelle"
            | "name's"
            | "name’s"
    )
}

/// The flags of a first-name token. A hyphenated token (`Jean-Luc`, `Mary-Jane`) counts as an
/// ordinary given name when its first part is a given name that is not stop-listed, or when
/// both parts are given names.
fn given_flags(word: &str, f: u32) -> u32 {
    if f & flag::GIVEN != 0 {
        return f;
    }
    let Some((first, second)) = word.split_once('-') else {
        return f;
    };
    let f1 = lookup(first);
    let f2 = lookup(second);
    let first_ok = f1 & flag::GIVEN != 0 && f1 & flag::STOP == 0;
    let both = f1 & flag::GIVEN != 0 && f2 & flag::GIVEN != 0;
    if first_ok || both { flag::GIVEN } else { f }
}

/// Appends a [`Kind::PersonName`] span for every name found in `text` (see the module docs for
/// the rules).
pub(crate) fn find(text: &str, out: &mut Vec<Span>) {
    let b = text.as_bytes();
    let mut i = 0usize;
    while i < b.len() {
        // Every rule is anchored on a capital: an ASCII one (given names, honorifics) or a
        // Latin-1 / Latin Extended-A one (lead bytes 0xC3–0xC5: `Émile`, `Łukasz` after
        // `Dear` or `my name is`). Everything else is skipped fast.
        let Some(off) = b.get(i..).and_then(|s| {
            s.iter()
                .position(|&c| c.is_ascii_uppercase() || (0xC3..=0xC5).contains(&c))
        }) else {
            break;
        };
        let p = i + off;
        if at(b, p) >= 0x80 && !char_at(text, p).is_some_and(char::is_uppercase) {
            i = p + 1;
            continue;
        }
        if !left_ok(text, p) {
            i = p + 1;
            continue;
        }
        match try_at(text, p) {
            Ok((start, end)) => {
                out.push(Span::new(Kind::PersonName, start, end));
                i = end.max(p + 1);
            }
            Err(resume) => i = resume.max(p + 1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<&str> {
        let mut v = Vec::new();
        find(text, &mut v);
        v.iter()
            .map(|s| {
                assert_eq!(s.kind, Kind::PersonName);
                &text[s.start..s.end]
            })
            .collect()
    }

    #[track_caller]
    fn yes(text: &str, want: &[&str]) {
        assert_eq!(names(text), want, "in {text:?}");
    }

    #[track_caller]
    fn no(text: &str) {
        assert_eq!(names(text), Vec::<&str>::new(), "in {text:?}");
    }

    #[test]
    fn data_file_is_clean() {
        let mut prev = "";
        let mut n = 0;
        for line in GIVEN_NAMES.lines() {
            assert!(
                !line.is_empty() && line.bytes().all(|c| c.is_ascii_lowercase()),
                "{line:?}"
            );
            assert!(line > prev, "not sorted/unique at {line:?}");
            prev = line;
            n += 1;
        }
        assert!((3000..=6000).contains(&n), "{n} names");
    }

    #[test]
    fn first_filter_has_no_false_negatives() {
        for w in GIVEN_NAMES
            .split_whitespace()
            .chain(HONORIFICS.split_whitespace())
        {
            let mut cap = w.to_string();
            cap[..1].make_ascii_uppercase();
            assert_eq!(lookup_first(&cap), lookup(&cap), "{w}");
        }
    }

    #[test]
    fn stop_names_are_in_the_list() {
        // A typo in the stop list would silently do nothing.
        for w in STOP_NAMES
            .split_whitespace()
            .chain(AMBIGUOUS_NAMES.split_whitespace())
        {
            assert!(
                lookup(w) & flag::GIVEN != 0,
                "{w} is not a census given name"
            );
        }
        for w in [
            "will", "may", "june", "april", "august", "mark", "bill", "grace", "hope",
        ] {
            assert!(lookup(w) & flag::STOP != 0, "{w}");
        }
        for w in ["john", "peter", "mary", "sarah"] {
            assert_eq!(lookup(w) & flag::STOP, 0, "{w}");
        }
    }

    #[test]
    fn full_names() {
        yes("I met Ada Lovelace yesterday.", &["Ada Lovelace"]);
        yes("Ada Lovelace wrote the first program.", &["Ada Lovelace"]);
        yes("ask John F. Kennedy about it", &["John F. Kennedy"]);
        yes("cc: Mary Ann Smith, please", &["Mary Ann Smith"]);
        yes("the painter Vincent van Gogh", &["Vincent van Gogh"]);
        yes(
            "by Sarah O'Brien and Jean-Luc Picard",
            &["Sarah O'Brien", "Jean-Luc Picard"],
        );
        yes("with Patrick McDonald today", &["Patrick McDonald"]);
        yes("yesterday Will Smith said", &["Will Smith"]);
        yes("we saw Grace Hopper talk", &["Grace Hopper"]);
        yes("Sarah Müller's report", &["Sarah Müller"]);
        yes(
            "with Martin Luther King Jr. in 1963",
            &["Martin Luther King Jr."],
        );
        yes("(Jennifer Lopez)", &["Jennifer Lopez"]);
    }

    #[test]
    fn honorifics() {
        yes("please call Dr. Smith tomorrow", &["Dr. Smith"]);
        yes("Mrs Jones will attend", &["Mrs Jones"]);
        yes("Sehr geehrter Herr Müller,", &["Herr Müller"]);
        yes(
            "a lecture by Prof. Ada Lovelace on engines",
            &["Prof. Ada Lovelace"],
        );
        yes("Prof. Dr. Weber", &["Prof. Dr. Weber"]);
        yes("Dear Mr. Smith,", &["Mr. Smith"]);
        yes("ask Dr. J. Watson", &["Dr. J. Watson"]);
        yes("Gen. Patton", &["Gen. Patton"]);
        no("I Miss You So Much");
        no("Gen Z and Gen Alpha");
        no("Dr. Pepper is a soda");
        no("the Mr. and Mrs. are absent");
    }

    #[test]
    fn introductions() {
        yes("Hello, my name is Inigo Montoya.", &["Inigo Montoya"]);
        yes("my name is Xiaoming", &["Xiaoming"]);
        yes("Mein Name ist Jürgen Klopp", &["Jürgen Klopp"]);
        yes("Dear Priya,\nthanks", &["Priya"]);
        yes("Dear John, I hope", &["John"]);
        yes("Dear Émile,", &["Émile"]);
        yes("my name is Łukasz Nowak", &["Łukasz Nowak"]);
        yes("Guten Tag, Herr Özdemir!", &["Herr Özdemir"]);
        yes("Hi, I'm Will and I need help", &["Will"]);
        yes("I am Grace Hopper", &["Grace Hopper"]);
        yes("Hi, this is Mark from accounting.", &["Mark"]);
        yes("this is Priya Sharma from Acme", &["Priya Sharma"]);
        yes("Thanks for the help.\n\nBest regards,\nWill", &["Will"]);
        yes("Kind regards,\nJohn Smith", &["John Smith"]);
        yes("Cheers, Rose", &["Rose"]);
        yes("Signed, Sterling", &["Sterling"]);
        yes("Hi Mark, can you check?", &["Mark"]);
        no("Dear Sir or Madam,");
        no("Dear Hiring Manager,");
        no("Dear All,");
        no("my name is not important");
        no("I'm Sorry, I can't do that");
        no("this is Mark's laptop");
        no("This is Python from the nineties");
        no("Best regards,\nThe Support Team");
        no("Hello World");
    }

    #[test]
    fn single_names() {
        yes("I forwarded it to Sarah yesterday", &["Sarah"]);
        yes("ask Jennifer's team", &["Jennifer"]);
        yes("\"Alice\"", &["Alice"]);
        yes("Alice", &["Alice"]);
        no("Sarah asked me yesterday"); // sentence start
        no("Done. Sarah asked me");
        no("- Kevin to review");
        no("the Christian church");
        no("use the Kelly criterion");
        no("we will meet in May");
        no("I hope Will can come"); // stop-listed single name
        no("Jordan");
        no("Mark");
    }

    #[test]
    fn stop_names_and_things() {
        no("Will Docker run on ARM?");
        no("enable Rich Text editing");
        no("Use Ray Tracing for shadows");
        no("in May Google released Gemini");
        no("our Summer Sale starts");
        no("Grace Period ends soon");
        no("I use Claude Code and Claude Opus daily");
        no("a Taylor Series expansion");
        no("we drove to Virginia Beach");
        no("Mac Mini with Alma Linux");
        no("visit the Morgan Library");
        no("Mark Complete when done");
        no("Crystal Reports and Ruby Gems");
        no("we visit Jackson Hole and Virginia Tech");
        no("the Monroe Doctrine and the Marshall Plan");
        no("shares of Johnson & Johnson and Tiffany & Co. rose");
        no("we land at Charles de Gaulle Airport");
        no("closed for Martin Luther King Jr. Day");
        no("our Vice President Engineering");
        no("Ärger über Öl und Übergrößen");
    }

    #[test]
    fn places() {
        no("the office in Santa Clara is closed");
        no("flying to St. Louis next week");
        no("she moved to San Jose");
        no("Charlotte, NC is sunny");
        no("Fort Worth and Lake Charles");
        yes("a novel by Charlotte Brontë", &["Charlotte Brontë"]);
        yes("a painting by Claude Monet", &["Claude Monet"]);
        no("we watched Dallas Cowboys games");
        no("I asked Claude about Charlotte");
    }

    #[test]
    fn code_is_not_a_name() {
        no("let jordanSmith = JordanSmith::new();");
        no("call Sarah_Lee() or Sarah2 or Sarah.get()");
        no("see config.Jennifer and path/Jennifer and @Jennifer and #Jennifer");
        no("`Jennifer` JENNIFER SMITH");
        no("foo_Jennifer Smith_bar");
        no("use Jennifer::Smith;");
        no("D'Angelo");
    }

    #[test]
    fn days_months_and_sentence_starts() {
        no("Monday, June 3 at Noon");
        no("April showers bring May flowers.");
        no("The meeting is on August 14.");
        no("Summer is here. Autumn follows.");
    }

    #[test]
    fn benign_prose_passes() {
        // Technical questions, meeting e-mails, travel plans, recipes, release notes: nothing in
        // it is personal data, and nothing may be flagged.
        let text = include_str!("benign_prose.txt");
        let mut v = Vec::new();
        find(text, &mut v);
        let hits: Vec<&str> = v.iter().map(|s| &text[s.start..s.end]).collect();
        assert!(hits.is_empty(), "{hits:?}");
    }

    #[test]
    fn no_panic_and_spans_valid() {
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let pieces = [
            "Dr. ",
            "Mr",
            ".",
            " ",
            "John",
            "Smith",
            "Will",
            "'",
            "’",
            "-",
            "Ö",
            "ü",
            "ß",
            "é",
            "my name is ",
            "Dear ",
            ",\n",
            "regards",
            "I'm ",
            "this is ",
            " from ",
            "Mc",
            "O'",
            "\u{1F600}",
            "日本",
            "A",
            "B.",
            "van ",
            "the ",
            "St.",
            "Santa ",
            "_",
            "(",
            "::",
            "x",
            "Jean-",
            "Señor ",
            "Fräulein ",
            "\n",
            "\t",
            "“",
            "«",
            "JOHN",
        ];
        for _ in 0..256 {
            let mut s = String::new();
            let n = (next() % 40) as usize;
            for _ in 0..n {
                s.push_str(pieces[(next() % pieces.len() as u64) as usize]);
            }
            check(&s);
        }
        check(&"A".repeat(10_000));
        check(&"Ab ".repeat(5_000));
        check(&"Dr. ".repeat(5_000));
        check(&"John ".repeat(5_000));
        check(&"Mc".repeat(5_000));
        check(&"Ö".repeat(5_000));
        // Many candidates in a long string: must stay linear.
        check(&format!(
            "{}{}{}",
            "!".repeat(50_000),
            "Sarah ".repeat(10_000),
            "!".repeat(50_000)
        ));
        check(&"Dear Sir, my name is Xy Zy, regards, Will. ".repeat(2_000));
        check("");
        check("J");
        check("Dr.");
        check("Dear ");
    }

    fn check(s: &str) {
        let mut v = Vec::new();
        find(s, &mut v);
        for sp in v {
            assert!(sp.start < sp.end && sp.end <= s.len(), "{sp:?} in {s:?}");
            assert!(
                s.is_char_boundary(sp.start) && s.is_char_boundary(sp.end),
                "{sp:?} in {s:?}"
            );
        }
    }
}
