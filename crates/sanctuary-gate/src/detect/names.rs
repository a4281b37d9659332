//! Person names ([`Kind::PersonName`]) from a given-name list plus capitalisation and context.
//!
//! There is no reliable way to recognise every name without a language model, so this detector
//! only claims the shapes where a name is very likely, and prefers missing a name to flagging a
//! benign word. The rules, in the order they are tried at each capitalised token `T`:
//!
//! 1. **Honorific**: `Mr`, `Mrs`, `Ms`, `Mx`, `Miss`, `Dr`, `Prof`, `Professor`, `Sir`, `Dame`,
//!    `Lady`, `Lord`, `Herr`, `Frau`, `Fräulein`, `Madame`, `Monsieur`, `Mme`, `Mlle`, `Señor`,
//!    `Señora`, `Rev`, `Reverend`, `Captain`, `Judge`, `Senator`, `President` … (some only with a
//!    period, e.g. `Gen.`, `Sen.`, `Sr.`, and French `M.` only before a first name and a
//!    surname: `M. Étienne Lefebvre`), optionally a second honorific (`Prof. Dr.`), then one
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
//!    (`Dallas Cowboys`), otherwise it counts (`Charlotte Brontë`, `Claude Monet`). Either kind
//!    also counts with *surname evidence* (a double-barrelled `Okafor-Smith` or a typical
//!    foreign surname ending such as `-ski`, `-sson`, `-escu`, `-opoulos`, `-ova`) or a cue
//!    (rules 5 and 6).
//! 4. **Single name**: a given name alone counts only when it is neither stop-listed nor
//!    ambiguous nor a function word (`Thu`, `Jan`), not at the start of a sentence or line, and
//!    not after an article or determiner (`the Kelly criterion`). A string that is nothing but
//!    one given name (a JSON value `"Alice"`) counts too. `Hi Claude,` / `Hey Siri` address an
//!    assistant and do not count.
//! 5. **Cue before a pair outside the lists**: two or three name-shaped capitalised tokens
//!    (none a function word, a place prefix, a nationality, a brand such as `Google` or
//!    `Apple`, a noun of rule 3, an `-ing`/`-tion`/`-ment`/`-ness`/`-ed` … word or an English
//!    plural) count right after a lower-case relation or role (`my neighbour`, `colleague`,
//!    `employee`, `babysitter,`, `landlord`, `wife`, `author` …), after a label and a colon
//!    (`attendees:`, `Author:`, `cc:`, `Signed-off-by:`, also on the next line), after
//!    `family of`, `addressed to`, `letter for`, `reference for`, `on behalf of`, `in memory of`
//!    …, and after `me and`.
//! 6. **Cue after such a pair**: an e-mail address in angle brackets (`Jane Doe
//!    <jane@example.com>`), `, who`, `and I`, `'s` + a family word or `funeral`, `birthday`,
//!    `salary` …, `was` / `has been` + `promoted`, `hired`, `born`, `diagnosed`, `married` …,
//!    `passed away`, `(she/her)`, `, aged`. Without any cue, such a pair counts only when its
//!    last token has a typical foreign surname ending (rule 3), mid-sentence, after a lower-case
//!    word and not before a noun of rule 3 (`Russian Kalashnikov`, `Visit Alaska` do not); a
//!    double-barrelled surname alone is not enough (`Tuned Boyer-Moore`, `Qualcomm Real-Time`).
//!
//! After the token rules, two more passes run over the whole text:
//!
//! - **Fields**: the value of a key such as `first_name`, `lastName`, `surname`, `full_name`,
//!   `given_name`, `maiden_name`, `cardholder`, `next_of_kin`, `Vorname`, `prénom` (compared
//!   without `_`, `-`, `.`, spaces and case) after `:`, `=` or `=>`, quoted or to the end of
//!   the line, in JSON, YAML, Python, PHP or a form (`First name: Chen`): one to four
//!   alphabetic words, in any case when quoted, capitalised when not, and not a placeholder
//!   (`string`, `null`, `required` …). For weaker keys (`author`, `contact`, `customer`,
//!   `employee`, `owner`, `assignee` …) the value must itself look like a person (a listed
//!   given name, or a pair as in rule 5).
//! - **Lists**: next to a name already found, the other items of the same list count when they
//!   are pairs or triples as in rule 5: inline lists joined by `, `, `; `, `and`, `&`, `und`,
//!   `et` (three items or more, or a separator other than a bare comma, so `Guten Tag, Herr
//!   Özdemir` is not a list), and lists of one name per line after indentation, a bullet, a
//!   number or a count (`git shortlog -sn`). A pair with surname evidence that no rule took
//!   alone (`table 4: Ozrick Ruiz-Albornoz, …`, a shortlog line `42  Torvald
//!   Oyelowo-Sandberg`) also starts a list, but only one of three or more items, or of two or
//!   more lines.
//!
//! Token boundaries are strict so code does not match: the token must follow whitespace, an
//! opening quote or bracket, or sentence punctuation (not a letter, digit, `_`, `.`, `/`, `@`,
//! `#`, `$`, `-`, or a backtick), must not continue with a digit, `_`, `(`, `@`, `::` or
//! `.identifier`, and must be `Xxxx` shaped (no `CamelCase`, no `ALLCAPS`; `McDonald`,
//! `O'Brien`, `Jean-Luc` are allowed; a hyphenated first name counts when it is listed as a
//! whole or both parts are given names, and not before a noun of rule 3: `Floyd-Warshall`,
//! `Michael-Scott queue` are eponyms). ALL-CAPS names (`JOHN SMITH`) are deliberately not
//! matched. The first letter may be any Latin capital (`Émile`, `Łukasz`, `Þórisson`).
//!
//! The **given-name lists** are the US census list (`data/given-names.txt`) and an
//! international list embedded below ([`INTL_GIVEN_NAMES`], about 1,900 common names from
//! Europe, the Middle East, South and East Asia, Africa and Oceania, with their accents).
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
//! `Cassandra`, `Devin`, `Alexa`, `Siri`, `Teddy`, `Merlin` which are also software a coding
//! agent hears about, and `Isla`, `Catalina`, `Sofia`, `Adelaide`). Programming languages and
//! tools that are not in the lists (`Rust`, `Python`, `Jupyter`) need no entry. The
//! international list leaves out names that are ordinary English words or products (`Maxim`,
//! `Tone`, `Ville`).
//!
//! Known limits: a name preceded by `San`, `Santa`, `St.`, `Fort`, `Mount`, `Port`, `Lake`,
//! `Los` … is taken as a place (`Santa Clara`, `St. Louis`, `San Jose`) and skipped, so a person
//! called `Santa Maria` is missed; `Charlotte, NC` passes because `Charlotte` is not a single
//! name, but `Charlotte Brontë` is caught. A stop-listed name at the start of a sentence is
//! missed even with a surname (`Mark Twain wrote …`) unless an introduction precedes it.
//! Eponyms with nouns not in the list (`Morgan Stanley`), fictional and placeholder names
//! (`Alice` in a cryptography question) are flagged. A name in no list is only found next to a
//! cue, an honorific, an introduction, in a field, in a list with a found name, or with a
//! foreign surname ending; `I met Zorbek Quillfeather` alone is missed. A Title Case pair after
//! a cue can be flagged (`the employee Lounge Access`, `Reporter: Build Bot`). German
//! capitalised nouns after a given name can look like a surname; the rules are tuned for
//! English.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::LazyLock;

use crate::kind::{Kind, Span};

/// The given-name list: the US Census Bureau 1990 frequently occurring first names (male and
/// female), lower-cased, one per line (see `data/README.md` for source, filter and licence).
const GIVEN_NAMES: &str = include_str!("../../data/given-names.txt");

/// Common given names from outside the US census list (hand-written for this project, see
/// `data/README.md`): German, Dutch, Nordic, French, Italian, Spanish, Portuguese, Polish, Czech,
/// Hungarian, Romanian, East Slavic (Latin transliterations), Balkan, Greek, Turkish, Arabic,
/// Persian, South Asian, Chinese (pinyin), Japanese, Korean, Vietnamese, Indonesian, West, East and
/// Southern African, Irish, Scottish, Welsh, Cornish and Māori names, and English names that
/// became common after 1990. Lower case, NFC, sorted, no duplicates. Names that are ordinary
/// English words (`Maxim`, `Tone`) or products were left out on purpose; the few kept that are
/// also places or products (`Siri`, `Isla`) are in [`AMBIGUOUS_NAMES`].
const INTL_GIVEN_NAMES: &str = "
    aada aadhya aaliyah aarav aarti abdallah abdel abdul abdullah abebe abena abhinav abhishek
    abimbola abiodun abubakar achieng adaeze addison adebayo adeola adewale aditi aditya adnan
    adwoa adéla afonso afua agathe agneta agnieszka agus agustin agustina agustín ahanu ahmad ahmed
    ahmet aidan aiden aikaterini ailbhe aine ainhoa aino aisha aishwarya aisling aitana aitor
    aiyana ajay ajla akash akiko akinyi akira akosua akua alasdair alastair alba aled alejandro
    aleksandar aleksandra aleksei aleksi alemayehu alessandro alessia alexandre alexandru alexei
    alexey alfie algernon alicja alina almaz almir alva alvaro alyona amani amara ambrose amelie
    amina aminu amir amira amit amr amrit amélie anahera anand ananya anas anastasia anastasiya
    anatoly anaïs anders andreas andreea andrei andres andriy andrzej andrés angeliki anh anika
    anikó anil anja anjali anke ankit ann-kathrin anne-marie anne-sophie annegret anneli annelie
    annemarie annika anouk antoine antoni antonia antti anum anusha aodhán aoife aparna apolline
    apostolos arabella arash aravind arben archana archie arda aria ariana arianna arif arjen arjun
    arnaud arne aroha artem artyom arun arvind asha asher ashok asier asif asma astrid asuka
    athanasios atieno attila aubrey augustus aurelie aurélie aurélien axel ayaan ayaka ayanda
    ayasha ayden ayesha aylin ayman ayodele ayse ayu ayumi ayşe azadeh babajide babak babatunde
    bahar balaji balazs baljit balázs baptiste barbora baris barnaby bartosz bartłomiej barış
    bastien bayu beata beatrice beatrix behnam bence benedikt benoit benoît berk bernadette
    bernardo bernd besnik bethan bhavna bhavya bilal birgit birgitta bjarni bjorn björn bjørn
    blerim bodil bogdan boglárka bojan bongani bożena bram brayden brielle brigitte britt bríd budi
    bukola burak burcu bushra busra bérénice büşra caden caio callum calum camila camille candela
    cansu caoimhe caoimhín capucine carina carmine carys catarina cathal catriona cedric celine
    ceren cerys chao charlotta chayton chiamaka chiara chidi chidinma chihiro chinedu chinonso
    chioma chipo chloe chloé christelle christiane christoffer christos chrysa chukwuemeka cian
    ciaran ciarán cinzia clara claudia claudio clement clodagh clémence clément colm conceição
    cordelia corentin corina corinna cormac cosmin cosmo crispin cristian csaba cédric céline daan
    dafydd dagmar daisuke damilola daniela danuta darcey daria dariush dariusz darko darragh darya
    davi davide dawid dawit dayo declan deepak deepika dejan delphine demelza deniz derya despina
    detlef dewi dian diarmuid didier diego dieter digby dilek dimas dimitra dimitrios dimitris
    dinesh dirk divya diya dmitri dmitry dmytro domenico donal donatella donghyun dorian doris
    dorota dorthe dragan dragana dragos dragoș drita duarte duygu dániel dónal dóra dörte easton
    ebba ebru ebuka ece edin edoardo edyta eero efua eila eilidh eilis eilís eimear einar eino
    eirik eirini ekaterina eko ekow eleni elfriede elias elif elin eline elisabetta eliska eliška
    elke ella ellie elodie eloise elsa elzbieta elżbieta emanuele emeka emely emil emilia emiliano
    emilie emina emine emre emrys enes enikő enzo eoghan eoin erdem eren erika erzsébet esme espen
    esra eszter etienne euan eunji eva-maria evangelos everly evgeny evi evie ewa ewan ezra fabrice
    fabrizio facundo fadi fahad fahd faisal fajar farai farhad farhana farid farida fatemeh fatima
    fatma feargal federica federico felipe femi femke ferenc fergal fernanda ffion filippo finley
    finn fionn fionnuala fitri fleur florencia florent florian florin floris folake francesca
    franciszek francois frantisek františek franziska françois françoise frauke freddie frederic
    frederik freja freya frida frieda friederike friedrich frédéric funmilayo fynn fátima gabor
    gabriele gael galina gamze ganesh gaurav gaël gaëlle geert geeta geir geneviève georgios
    geraint gergely gerhard gertrud gethin ghada gheorghe giancarlo gianluca gianna gianni giannis
    gijs gilang giles gilles ginette giorgia giorgos giovanni gisela gita gitte giulia giuseppe
    golnaz goncalo gonzalo gonçalo goran gottfried grainne grayson grażyna greta greyson grigory
    grzegorz gráinne grégoire guadalupe gudrun guenter guilherme guillaume gunnar guoqiang gurpreet
    gustaf gustav guðmundur guðrún gwenllian gyula gábor gérard göran günter günther haiyan hakan
    hala halima halina halldór halvor hamid hamish hamza hanan hani hanna hannah hanne hannes
    hans-jürgen hans-peter hao haoran harini haris harish harjit harpreet harriet hartmut haruka
    haruto hasan hatice hattie hauwa hedda hedwig heike heikki heiko heinz heitor helene helga
    helle helmi helmut hemi hendra hendrik henri henriette henrik herve hervé hidde hieu hilde
    hildegard hina hippolyte hiroki hiroko hiroshi hiwot hoda holger hongmei horatio horst hossein
    hua huda hui huong husain huseyin hussein huw huy hyejin hyunwoo håkan håvard hélène hüseyin
    iain ibrahim ida idris ieuan ifeanyi ifeoma ignacio ilaria ildiko ildikó ilona ilse ilya imad
    iman imani imke imogen imran imre indah inge ingeborg ingrid ingvar inigo inna inès inés ioana
    ioanna ioannis iona ionut ionuț iqra irem irfan irina irmgard isabelle isha ishaan ishbel
    ishita isla ismail istvan istván itziar ivana iván iwan iwona izabela iñaki iñigo jacek jacopo
    jacques jaden jadwiga jakob jakub jamal jamila jana janani janina janne janneke jannik jannis
    janusz jari jaroslav jaroslaw jarosław jasper jaspreet javier jaxon jaxson jayden jean-baptiste
    jean-claude jean-françois jean-jacques jean-louis jean-luc jean-marc jean-michel jean-paul
    jean-pierre jelena jelle jens jeroen jerome jerzy jesper jette jiahao jiaming jian jianguo
    jianhua jie jihoon jimena jimin jing jingjing jiri jisoo jitka jiwon jiwoo jiyeon jiří joachim
    joana joanna joao joaquin joaquín jochen johanna johannes joko jolien jolyon jomo jonas joost
    joris josef josiane jozsef joão judit juergen juha jukka jules julien juliette junaid junho
    junjie justyna jutta jyoti jérôme jóhann jóhanna jón józsef jörg jürgen kaan kacper kadek
    kagiso kai kai-uwe kaisa kaito kamau kamil kamran kaori kareem karel kari karim karin
    karl-heinz karolina karthik karthikeyan kashif kasper katalin katarzyna katerina kateryna
    kateřina katharina kathrin katja katrin katrín kaveh kavita kavitha kavya kayden kazimierz
    kazuki kazuo keerthana kehinde kemal kemi kenji kenta kerensa kerstin khadija khaled khalid
    khanh khloe killian kinga kinsley kiran kirill kirsty kjetil klara klaus klára knut koen kofi
    kojo konstantin konstantina konstantinos korbinian kostas krishna kristin kristján kristín
    krisztina krisztián krystyna krzysztof ksenia kudzai kulwinder kumiko kunal kunle kwabena
    kwadwo kwaku kwame kwesi kylian kylie lachlan ladan ladislav laila lajos lakshman lakshmi
    landon larisa larissa lars laszlo laura laurent lauri lavanya layla lea leena leif leila leire
    lejla lena lenka lennart leon leonardo leonie leonor lerato leticia letícia levente levi liam
    libor lieke lieselotte liisa lilia lina lindiwe linh linnea linus lisa-marie liselotte liv loic
    lokesh lorcan lorenzo lotte lottie louis louise lourdes loïc lubna luc luca lucie lucien
    lucrezia lucía ludmila luis luisa luka lukas lukasz lutz luuk lwazi lysander lyudmila lászló
    lærke léa léo léonie maarten macarena maciej mackenzie madelyn madhuri mads magdalena magnús
    maham mahesh mahmoud mahmud mahsa maija mairead mairi maisie maite maja majid makayla makoto
    maksim malgorzata malin malte manaia mandla manfred manish manisha manon manpreet marcin marco
    mared marek maren margarete margaux margrét marguerite mariam marie marie-christine
    marie-claire marie-france marie-louise marieke mariko marit marius marjatta marketa markku
    marko markus markéta marlene marloes marta martina maryam marzena masato massimo mateo mateusz
    mathieu mathilda mathilde mathis matias matilda matilde mats matteo matthias matthieu matti
    matías matěj maurizio maxime maximilian maëlle małgorzata meabh meera megumi mehdi mehmet
    mehwish mekdes melanie mele melis merle meron merve mette mia michal michalis michał mihaela
    mihai miho mikayla mikel mikhail mikkel mikko milica millie milo milos miloš mina ming mingyu
    minh minho minji minjun minna mireille mirela mirjam miroslav mirosław mirza misaki mizanur
    mohamad mohamed mohammad mohammed mohan moinul mona monika montague morag moritz morten
    morwenna muhammad mukesh murali murat mustafa mykola máiréad méabh nabil nadezhda nadine naledi
    nanami nandini naoki naoko naresh nasir nasrin nasser natalia natasha nathalie natsuki naveen
    navid navjot nawal nayeli neema neeraj negar neha nele nenad nerea nevaeh ngaire ngoc ngozi
    niall niamh niccolò nicklas nicolas nicole nicolás nicolò nida niels nienke nikhil niklas
    nikola nikolai nikolaos nikolay nikos niloufar nils nisha nithya nitin njeri nkechi nnamdi
    noemi nokuthula nomvula noor norbert nour noé noémie nuala nuno nuria nusrat nyambura nyasha
    nyoman núria oana obinna ochieng octavia octavius océane odhiambo odile oguz oisin oisín oksana
    olamide oleg oleksandr oleksiy olena olga olivier oliwia ollie olof olov olumide oluwaseun
    oluwatobi omar omer omid ondrej ondřej onni onur onyango oonagh ophelia ophélie orhan orla
    ornella orsolya osama oskar otieno ovidiu owain oyvind ozlem oğuz pablo padraig pallavi
    panagiotis pankaj paola paolo paraskevi parisa parviz patrice paula paulina pauline pavel
    pavithra pawel paweł payam pekka penelope peng percival pernille petr petra petri petro
    philippe phoebe phuong pia pierre pierre-louis pieter pietro pihla pilar pinar piotr piran
    polina pooja prabhu pradeep prakash pranav pratik praveen preeti priya priyadarshini priyanka
    przemysław ptolemy puja putri putu pádraig päivi pål péter pınar qiang quang quentin quirin
    rachid radek radhika radosław radu rafal rafał rafferty rafiq ragnar ragnheiður rahul rainer
    rajan rajat rajesh rajiv rakesh ralf raluca ramesh rami ramin ramya rana randi rangi rania
    raphael raphaël rashid rashmi rasmus ravi razvan reem refilwe reggie reiner reinhard rekha remi
    renate revathi reyansh reza rhiannon rhodri rhys riccardo riikka rikke rima ritesh ritu riya
    rizki rizky roberta roberto rocio rocío rodrigo roel rohan rohit roisin rollo romain ronan
    rosemarie rossella rosário rowan roxana roya ruairi ruairí ruben rudi ruediger rui rukhsana
    rupert rutendo rutger ryota ryszard réka rémi rémy róisín rónán rüdiger răzvan saad saanvi saba
    sabine sabrina sachiko sachin sadia saeed salim salma salvatore saman samar sami samir samira
    sana sandeep sander sandor sandra sandrine sangeeta sangeetha sanjay sanjeev sanna sanne
    saoirse saravanan sari sarka saskia satoshi satu saurabh seamus sebastian sebastien sebastián
    seda segun selim selin selma sem senthil seojun seoyeon sepideh serena sergei sergey sergio
    serhiy serkan sevgi seán shabnam shahid shahram shalini shamima shashank shinji shiori shirin
    shoaib shota shreya shreyas shruti shuang shweta sian siavash sibel sibusiso siddharth
    siegfried sieglinde sietske signe sigrid sigríður sigurd sigurður silas silke silvia simone
    simran sinead sinéad siobhan siobhán sione sipho siri siti siân sjoerd skylar skyler sneha
    snežana sofie sofiya sofía solveig solène sonal sophie sorcha soren sorin soroush sota souad
    sourav sowmya spyros sridhar srinivas stanislav stanislaw stanisław stavros stefan stefanie
    stefano steffen stefán stig stijn stina suad subhash sudhir sumit sungmin sunil sunita suresh
    susanne sven svenja svetlana swati sylvain sylvie sylwia szymon sándor séamus sébastien
    ségolène sólveig sönke søren sławomir tadeusz tadhg tafadzwa tahir taiwo takashi takeshi takoda
    tallulah tamsin tamzin tamás tanja tanvi taras tarek tariq tarquin tarun tasnim tatenda tatiana
    tatsuya tatyana teemu tegan teguh temitope tendai tereza terje tesfaye tessa teun teuta thabo
    thanasis thandi thandiwe thanh thao thea themba theo theodoros theresa thiago thibault thibaut
    thierry thijs thorsten thuy théo tiago tibor tiernan tigist tiina tilly timo timothée tinashe
    tingting tjerk tobias tolga tomasz tommaso tomoko tomás tomáš tope torben torbjörn torbjørn
    torquil torsten tove trang trine trond trung tshepo tuan tugba tunde tuomas turid tushar tuula
    tuva tuğba uche uchenna uday ulf ulrich umar unai ursula urszula usama usha usman ute uwe
    vaclav vadim valentin valentina valon valérie vandana vanessa varun vasile vasileios vasiliki
    vasilis vasyl veikko venkat venkatesh venla veronika vidya vignesh vihaan vijay vikas vikram
    viktoriya vilde vinay vincenzo vinh vinicius vinod vinícius vishal vitaly vivek vlad vladimir
    vladimír vojtěch volkan volker volodymyr vuk vyacheslav václav väinö véronique věra wahyu
    waleed walid waltraud wambui wanjiku wanjiru waqar wati wei weiwei wenjie werner weronika
    wiebke wiesław wietske wiktor wiktoria wilfred wilfried wilhelm willem wilma wiremu wojciech
    wolfgang wouter xabier xiang xiaohong xiaojun xiaoli xiaoming xiaowei xiaoyan xiaoyu ximena xin
    xinyi yannick yannis yanti yanyan yasemin yash yasin yasmin yasmine yassin yekaterina yemi
    yetunde yevgeny yevhen yichen yifan ying yoko yolanda yonas yong yoshiko younes yousef yousif
    youssef yuan yuki yuko yulia yuliya yun yuna yuqi yuri yuriy yusuf yusuke yuto yutong yuxuan
    yves yvette zahra zaid zainab zanele zawadi zayd zaynab zbigniew zdenek zdeněk zeeshan zeinab
    zeynep zhen zhihao zhiqiang zhiwei ziad zihan zoe zoey zofia zoltan zoltán zoran zoé zsofia
    zsolt zsuzsanna zsófia zubair zuzana zuzanna ádám ágnes áine álvaro árni ásdís élise élodie
    éloïse émile émilie étienne éva íñigo ólafur órla ömer özlem øyvind úna þóra þórir łukasz šárka
";

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
    mercedes porsche harley alma gemma darwin marx mao venus terra pandora chanel isis les ty aria
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
    claude julia ada travis hugo cassandra devin alexa teddy merlin vita rosetta siri
    isla catalina adelaide sofia
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
    queue stack heap tree lock sort hash cipher protocol corp remote shortcut shortcuts service
    portal handbook policy survey
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
/// abbreviations of something else (`Gen Z`, `Sr` for senior, `Rep` for repetition). French
/// `M.` (Monsieur) also needs a surname after the first name (`M. Étienne Lefebvre`), since a
/// lone `M.` is often an initial or a label (`M. Sc.`, `Appendix M.`).
const HONORIFICS_WITH_DOT: &str = "gen sen rep gov col maj lt sgt sr sra srta m";

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

/// Words for a person's relation or role that, directly before a capitalised pair (optionally
/// with a comma), introduce a name even when it is in no list: `my neighbour Dmitri
/// Vasquez-Holm`, `employee Lukas Feldhaus`, `Our babysitter, Siri Aalto-Moreno`. Only roles that
/// are hardly ever followed by a product or place name are listed (not `client`, `partner`,
/// `driver`, `manager`).
const CUE_NOUNS: &str = "
    neighbour neighbor colleague coworker workmate teammate classmate roommate flatmate housemate
    babysitter nanny caregiver carer tenant landlord landlady lodger boss supervisor employee
    intern trainee apprentice patient pupil student tutor teacher mentor mentee therapist
    counsellor counselor psychiatrist dentist doctor nurse midwife physician surgeon lawyer
    attorney solicitor accountant plumber electrician gardener cleaner friend boyfriend girlfriend
    husband wife fiancé fiancée fiance fiancee spouse son daughter stepson stepdaughter brother
    sister stepbrother stepsister mother father stepmother stepfather mom mum dad grandmother
    grandfather grandma grandpa granny grandson granddaughter uncle aunt auntie cousin nephew niece
    godfather godmother godson goddaughter widow widower bride groom sibling toddler ex
    attendee applicant candidate interviewee hire recruit volunteer resident ceo cto cfo coo
    founder cofounder chairman chairwoman chairperson author writer novelist poet painter singer
    actor actress journalist photographer musician composer scientist researcher
";

/// Words that introduce a name with `of`, `to` or `for` in between: `the family of Horatio
/// Pemberton-Ngata`, `addressed to …`, `a reference letter for …`, `on behalf of …`.
const CUE_HEADS: &str = "
    family addressed letter reference recommendation condolences condolence behalf memory married
    engaged widow daughter son wife husband mother father friend custody guardian estate obituary
    eulogy tribute farewell
";

/// Labels that, before a colon, introduce one or more names: `attendees: …`, `Author: …`,
/// `cc: …`, and the Git trailers `Signed-off-by:` / `Co-authored-by:` (matched as `by`).
const LABELS: &str = "
    attendees attendee participants participant present invitees invited speakers speaker guests
    panelists panellists presenter presenters moderator organizer organiser organizers organisers
    host hosts chair cc bcc from to author authors reviewer reviewers approver approvers assignee
    assignees reporter owner contact contacts signatory witness witnesses tenant tenants landlord
    patient client customer employee candidate applicant student teacher supervisor committer
    by
";

/// Nationalities, languages and other adjectives that are capitalised in English but never
/// start a person's name in a pair found without a given-name list (`Russian Kalashnikov`).
const ADJECTIVES: &str = "
    english french german spanish italian russian polish czech greek turkish arabic chinese
    japanese korean indian american british canadian australian european asian african latin
    dutch swedish norwegian danish finnish icelandic hungarian romanian ukrainian serbian croatian
    bosnian bulgarian portuguese brazilian mexican persian hebrew jewish muslim catholic
    protestant orthodox soviet byzantine ottoman northern southern eastern western central
    elliptic quantum generalized generalised modified extended classical standard advanced basic
    simple fast happy merry
";

/// Companies and products that often start a capitalised pair (`Google Calendar`, `Apple Pay`)
/// and are not given names; they never start a name found without the lists.
const BRANDS: &str = "
    google microsoft apple amazon github gitlab bitbucket slack stripe facebook instagram
    whatsapp netflix adobe oracle salesforce atlassian jira confluence notion figma zoom dropbox
    spotify uber airbnb tesla nvidia intel samsung sony nintendo twitter linkedin youtube tiktok
    reddit discord telegram mozilla firefox chrome safari android windows ubuntu debian docker
    kubernetes openai anthropic cloudflare vercel netlify heroku shopify paypal hubspot zendesk
    twilio datadog sentry grafana mongodb redis postgres mysql snowflake databricks azure aws
    visual hugging stable deutsche
";

/// Nouns that, after a name and `'s`, show it is a person: `Horatio Pemberton-Ngata's funeral`.
const POSSESSED: &str = "
    wife husband mother father son daughter sister brother parents children kids family birthday
    funeral wedding boyfriend girlfriend partner fiancé fiancée mom mum dad grandmother grandfather
    salary passport diagnosis pregnancy retirement resignation promotion
";

/// Verbs that, after `was` / `has been` / `got`, only apply to people: `Gunnar Þórisson has
/// been promoted`.
const PERSON_VERBS: &str = "
    promoted hired fired appointed dismissed diagnosed admitted discharged arrested charged married
    born elected sacked transferred retired divorced engaged widowed adopted baptised baptized
    hospitalised hospitalized
";

/// Keys of a JSON, YAML or Python field, or a form label, whose value is a person's name in
/// any case (`"first_name": "Chen"`, `Surname: Lefebvre`). Compared after removing `_`, `-`,
/// `.` and spaces and lower-casing (`firstName`, `FIRST_NAME`, `First name` → `firstname`).
const NAME_KEYS: &str = "
    firstname lastname givenname familyname surname surnames fullname middlename maidenname
    forename forenames legalname realname patientname customername clientname contactname
    employeename studentname personname cardholder cardholdername holdername accountholder
    accountholdername spousename fathername fathersname mothername mothersname nextofkin
    emergencycontact emergencycontactname beneficiary beneficiaryname guardianname authorname
    nachname vorname geburtsname prénom prenom nom nombre apellido apellidos
";

/// Keys whose value is often, but not always, a person (`"author": "Rust Project Developers"`):
/// the value must look like a name on its own (a listed given name, or two or three
/// capitalised name-shaped words).
const PERSON_KEYS: &str = "
    author contact customer client employee patient owner assignee reporter recipient sender
    manager supervisor tenant landlord witness doctor physician teacher student passenger guest
    attendee displayname
";

/// Field values that are placeholders or types rather than names (`"first_name": "string"`).
const PLACEHOLDERS: &str = "
    string str text varchar char null nil none undefined unknown true false required optional
    example sample test tbd todo na redacted anonymous hidden private name first last given
    family full value placeholder
";

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
    /// A relation or role noun before a name (`neighbour`).
    pub(super) const CUE: u32 = 1 << 14;
    /// A word that introduces a name with `of` / `to` / `for` (`family of`).
    pub(super) const CUE_HEAD: u32 = 1 << 15;
    /// A label that introduces names before a colon (`attendees:`).
    pub(super) const LABEL: u32 = 1 << 16;
    /// A capitalised adjective that never starts a name (`Russian`).
    pub(super) const ADJECTIVE: u32 = 1 << 17;
    /// A noun that after `'s` shows a person (`funeral`).
    pub(super) const POSSESSED: u32 = 1 << 18;
    /// A verb that after `was` / `has been` applies to people (`promoted`).
    pub(super) const PERSON_VERB: u32 = 1 << 19;
    /// A field key whose value is a name (`firstname`).
    pub(super) const NAME_KEY: u32 = 1 << 20;
    /// A field key whose value is often a person (`author`).
    pub(super) const PERSON_KEY: u32 = 1 << 21;
    /// A placeholder value (`string`, `null`).
    pub(super) const PLACEHOLDER: u32 = 1 << 22;
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
    add(INTL_GIVEN_NAMES, flag::GIVEN);
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
    add(CUE_NOUNS, flag::CUE);
    add(CUE_HEADS, flag::CUE_HEAD);
    add(LABELS, flag::LABEL);
    add(ADJECTIVES, flag::ADJECTIVE);
    add(BRANDS, flag::ADJECTIVE);
    add(POSSESSED, flag::POSSESSED);
    add(PERSON_VERBS, flag::PERSON_VERB);
    add(NAME_KEYS, flag::NAME_KEY);
    add(PERSON_KEYS, flag::PERSON_KEY);
    add(PLACEHOLDERS, flag::PLACEHOLDER);
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
    let monsieur = text.get(p..w.end) == Some("M");
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
    match tail(text, word.end) {
        Tail::Name { end, .. } => Some(end),
        Tail::None | Tail::Reject if !(monsieur && titles == 1) => Some(word.end),
        Tail::None | Tail::Reject => None,
    }
}

/// Tries every rule at the capitalised token starting at `p`. Returns the span found, or where
/// to resume scanning.
fn try_at(
    text: &str,
    p: usize,
    candidates: &mut Vec<(usize, usize)>,
) -> Result<(usize, usize), usize> {
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
        // Most capitalised words: not a given name and not after `is`/`Dear`/`llamo` …, so only
        // the rules for names outside the lists can apply.
        return free_name(text, p, w, candidates);
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
            // `Hi Claude,` / `Hey Siri` talk to an assistant, not about a person.
            let assistant = matches!(t, Tail::None) && is_assistant(word);
            if given && !assistant {
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
    if word.contains('-') && next_word_flags(text, name_end) & flag::NOT_NAME != 0 {
        // `Michael-Scott queue`: two given names joined by a hyphen before a noun are an eponym.
        return Err(name_end);
    }
    match t {
        Tail::Reject => Err(name_end),
        Tail::Name { end, known, plural } => {
            let stop_ok = !stop || (known && !sentence_start && ctx != Context::Determiner);
            let ambiguous_ok = !ambiguous || known || !plural;
            // A double-barrelled or typically foreign surname, or a cue such as `my neighbour`
            // or `, who`, confirms a given name that is also a word (`Will Okafor-Smith`).
            let confirmed =
                || surname_evidence(text, w.end, end) || cue_before(text, p) || post_cue(text, end);
            if (stop_ok && ambiguous_ok) || confirmed() {
                Ok((p, end))
            } else {
                Err(end)
            }
        }
        Tail::None => {
            // Function words that are also census names (`Thu`, `Jan`) never stand alone, nor
            // does a hyphenated pair of given names that is not listed as one (`Addison-Wesley`).
            let joined = word.contains('-') && lookup(word) & flag::GIVEN == 0;
            let plain = !stop && !ambiguous && !joined && f & flag::COMMON == 0;
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

/// The flags of a first-name token. A hyphenated token (`Jean-Luc`, `Mary-Jane`) counts as a
/// given name when it is listed as a whole or both parts are given names.
fn given_flags(word: &str, f: u32) -> u32 {
    if f & flag::GIVEN != 0 {
        return f;
    }
    let Some((first, second)) = word.split_once('-') else {
        return f;
    };
    // Both parts must be given names: `Floyd-Warshall` and `Bellman-Ford` are eponyms.
    let both = lookup(first) & lookup(second) & flag::GIVEN != 0;
    if both { flag::GIVEN } else { f }
}

/// Given names that are also voice or coding assistants: `Hi Claude,` addresses software.
fn is_assistant(word: &str) -> bool {
    ["Claude", "Alexa", "Siri", "Devin"].contains(&word)
}

/// The flags of the lower-case word after a single space at `end` (`queue` in
/// `Michael-Scott queue`); 0 when none.
fn next_word_flags(text: &str, end: usize) -> u32 {
    let b = text.as_bytes();
    if at(b, end) != b' ' {
        return 0;
    }
    let mut e = end + 1;
    while at(b, e).is_ascii_lowercase() && e - end <= 16 {
        e += 1;
    }
    text.get(end + 1..e).map_or(0, lookup)
}

/// Surname endings that are rare in English words, with the least number of chars before them
/// (`Kowalski`, `Þórisson`, `Petrescu`, `Papadopoulos`, `Ivanova`, `Venkataraman`), so that
/// `Ski`, `Alaska` or `Geneva` do not count.
const SURNAME_SUFFIXES: &[(&str, usize)] = &[
    ("ski", 3),
    ("ska", 4),
    ("cki", 3),
    ("cka", 3),
    ("wicz", 3),
    ("czyk", 2),
    ("czak", 2),
    ("enko", 3),
    ("chuk", 2),
    ("ović", 2),
    ("ovic", 2),
    ("ević", 2),
    ("evic", 2),
    ("escu", 3),
    ("eanu", 3),
    ("opoulos", 2),
    ("poulos", 3),
    ("akis", 3),
    ("idis", 3),
    ("oglu", 2),
    ("oğlu", 2),
    ("sson", 2),
    ("dóttir", 2),
    ("dottir", 2),
    ("shvili", 2),
    ("adze", 3),
    ("zadeh", 2),
    ("uddin", 2),
    ("ullah", 3),
    ("yan", 4),
    ("ez", 3),
    ("ov", 4),
    ("ova", 4),
    ("ev", 4),
    ("eva", 4),
    ("raman", 3),
    ("murthy", 2),
    ("swamy", 2),
    ("krishnan", 2),
];

/// True when the capitalised word `word` ends like a surname (see [`SURNAME_SUFFIXES`]).
fn surname_suffix(word: &str) -> bool {
    if matches!(word, "Nebraska" | "Athabaska" | "Moldova") {
        return false;
    }
    SURNAME_SUFFIXES.iter().any(|(suf, min)| {
        word.strip_suffix(suf)
            .is_some_and(|stem| stem.chars().count() >= *min)
    })
}

/// True when a name token in `text[from..end]` is double-barrelled (`Vasquez-Holm`) or ends
/// like a surname.
fn surname_evidence(text: &str, from: usize, end: usize) -> bool {
    text.get(from..end).is_some_and(|s| {
        s.split(' ').any(|t| {
            t.split_once('-')
                .is_some_and(|(a, b)| a.chars().count() >= 2 && b.chars().count() >= 2)
                || surname_suffix(t)
        })
    })
}

/// Flags of words that never belong to a name found without the given-name lists.
const FREE_BLOCK: u32 = flag::COMMON
    | flag::NOT_NAME
    | flag::GENERIC
    | flag::HONORIFIC
    | flag::HONORIFIC_DOT
    | flag::DETERMINER
    | flag::ADJECTIVE
    | flag::CUE
    | flag::LABEL
    | flag::SIGN_OFF
    | flag::GREETING
    | flag::PLACE
    | flag::PARTICLE
    | flag::PLACEHOLDER;

/// Word endings of English nouns, adjectives and gerunds that are not surnames (`Meeting`,
/// `Action`, `Management`, `Security`): Title Case phrases are not names.
const WORD_ENDINGS: &[&str] = &[
    "ing", "tion", "sion", "ment", "ness", "ity", "ance", "ence", "ology", "ware", "ics", "ism",
    "ful", "less", "able", "ible", "ive", "ous", "ary", "ery", "ed",
];

/// True when the capitalised word `word` (flags `f`) may be part of a name that is in no list.
fn free_token_ok(word: &str, f: u32) -> bool {
    if f & FREE_BLOCK != 0 {
        return false;
    }
    if f & (flag::GIVEN | flag::SURNAME) != 0 || word.contains('-') {
        return true;
    }
    let n = word.len();
    if WORD_ENDINGS
        .iter()
        .any(|e| n > e.len() + 2 && word.ends_with(e))
    {
        return false;
    }
    // English plurals (`Items`, `Notes`, `Docs`); surnames in `-as`, `-is`, `-os`, `-us`,
    // `-ss` (`Castellanos`, `Feldhaus`) pass.
    !word.ends_with('s')
        || ["as", "is", "os", "us", "ss"]
            .iter()
            .any(|e| word.ends_with(e))
}

/// A name of two or three capitalised tokens found without the lists.
#[derive(Debug, Clone, Copy)]
struct Group {
    /// Byte offset just past the last token.
    end: usize,
    /// Whether a token after the first ends like a surname (`Kowalski`).
    suffix: bool,
    /// Whether a token after the first is double-barrelled (`Vasquez-Holm`).
    hyphen: bool,
}

/// Parses two or three name-shaped tokens starting with the word `w` at `p` (an optional
/// middle initial allowed): `Tomasz Wierzbicki`, `Niamh O'Sullivan-Reyes`. `None` when the
/// first token or the second is not name-shaped.
fn free_group(text: &str, p: usize, w: Word) -> Option<Group> {
    let b = text.as_bytes();
    let first = text.get(p..w.end)?;
    let f = lookup(first);
    if w.chars < 2 || f & flag::PLACE != 0 || !free_token_ok(first, f) {
        return None;
    }
    let mut g = Group {
        end: w.end,
        suffix: false,
        hyphen: false,
    };
    let mut tokens = 1;
    let mut pos = w.end;
    let mut initial = false;
    while tokens < 3 && at(b, pos) == b' ' {
        let q = pos + 1;
        let c = at(b, q);
        if !initial && c.is_ascii_uppercase() && at(b, q + 1) == b'.' && at(b, q + 2) == b' ' {
            initial = true;
            pos = q + 2;
            continue;
        }
        let Some(w2) = cap_word(text, q) else { break };
        let word = text.get(q..w2.end)?;
        if w2.chars < 2 || !free_token_ok(word, lookup(word)) {
            break;
        }
        g.suffix |= surname_suffix(word);
        g.hyphen |= word.contains('-');
        tokens += 1;
        g.end = w2.end;
        pos = w2.end;
    }
    (tokens >= 2).then_some(g)
}

/// The end of up to three capitalised words (with an optional middle initial) from `w`, and
/// whether one after the first ends like a surname; no word lists are consulted.
fn token_chain(text: &str, w: Word) -> (usize, bool) {
    let b = text.as_bytes();
    let (mut end, mut suffix, mut tokens, mut initial) = (w.end, false, 1, false);
    while tokens < 3 && at(b, end) == b' ' {
        let q = end + 1;
        if !initial && at(b, q).is_ascii_uppercase() && at(b, q + 1) == b'.' && at(b, q + 2) == b' '
        {
            initial = true;
            end = q + 2;
            continue;
        }
        let Some(w2) = cap_word(text, q) else { break };
        suffix |= text.get(q..w2.end).is_some_and(surname_suffix);
        tokens += 1;
        end = w2.end;
    }
    (end, suffix)
}

/// The rules for a capitalised pair that is in no list (`w` at `p`): after a cue (`my
/// neighbour`, `attendees:`, `the family of`, `me and`), before a cue (`, who`, `has been
/// promoted`, `<e-mail>`), or with a double-barrelled or foreign-shaped surname in running text.
fn free_name(
    text: &str,
    p: usize,
    w: Word,
    candidates: &mut Vec<(usize, usize)>,
) -> Result<(usize, usize), usize> {
    let b = text.as_bytes();
    // Every rule needs a second capitalised token (or a middle initial) after one space.
    let next = at(b, w.end + 1);
    if at(b, w.end) != b' ' || !(next.is_ascii_uppercase() || next >= 0xC3) {
        return Err(w.end);
    }
    // Cheap screen before the word lookups of `free_group`: most Title Case pairs (`Rust
    // Programming`) have no cue on either side and no surname ending.
    let (chain_end, chain_suffix) = token_chain(text, w);
    let cue = cue_before(text, p);
    if !cue && !chain_suffix && !post_cue(text, chain_end) && !chain_hyphen(text, w.end, chain_end)
    {
        return Err(w.end);
    }
    let Some(g) = free_group(text, p, w) else {
        return Err(w.end);
    };
    if cue || post_cue(text, g.end) {
        return Ok((p, g.end));
    }
    if g.suffix {
        // `Russian Kalashnikov`, `Omaha Nebraska`: not after another capitalised word, an
        // article or a sentence start, and not before `algorithm`, `equation` …. A
        // double-barrelled token alone is not enough (`Tuned Boyer-Moore`, `Qualcomm
        // Real-Time`); it only confirms a given name or goes with a cue.
        let (ctx, sentence_start) = context(text, p);
        let prev_cap = word_before(text, skip_spaces_back(b, p))
            .is_some_and(|(_, v)| v.starts_with(|c: char| c.is_uppercase()));
        if !sentence_start
            && ctx == Context::Plain
            && !prev_cap
            && next_word_flags(text, g.end) & flag::NOT_NAME == 0
        {
            return Ok((p, g.end));
        }
    }
    if g.suffix || g.hyphen {
        // Not enough alone, but a list of such pairs is a list of people (see
        // `propagate_lists`).
        candidates.push((p, g.end));
    }
    Err(w.end)
}

/// True when a token in `text[from..end]` is double-barrelled (a `-` between letters).
fn chain_hyphen(text: &str, from: usize, end: usize) -> bool {
    text.get(from..end)
        .is_some_and(|s| memchr::memchr(b'-', s.as_bytes()).is_some())
}

/// The word ending at `end` without an opening quote (`'Me` → `Me`), and its start.
fn bare_word_before(text: &str, end: usize) -> Option<(usize, &str)> {
    word_before(text, end).map(|(ws, w)| (ws, w.trim_start_matches(['\'', '’'])))
}

/// The flags of the word ending at `end`, if any.
fn flags_before(text: &str, end: usize) -> Option<(usize, u32)> {
    bare_word_before(text, end).map(|(ws, w)| (ws, lookup(w)))
}

/// True for a relation or role noun written in lower case: `my neighbour`, but not the titles
/// `My Neighbour Totoro` or `GitHub Student Developer Pack`.
fn lower_cue(w: &str) -> bool {
    w.starts_with(|c: char| c.is_lowercase()) && lookup(w) & flag::CUE != 0
}

/// True when a cue for a person stands right before the token at `p`: a relation or role
/// (`my neighbour`, `employee`, `Our babysitter,`), a label and a colon (`attendees:`,
/// `Signed-off-by:`), `family of` / `addressed to` / `letter for` …, or `me and`.
fn cue_before(text: &str, p: usize) -> bool {
    let b = text.as_bytes();
    let mut j = skip_spaces_back(b, p);
    if at(b, j.wrapping_sub(1)) == b'\t' {
        j -= 1;
    }
    // A label may end the line before: `Attendees:\n  Jane Doe`.
    let mut newline = false;
    if at(b, j.wrapping_sub(1)) == b'\n' {
        newline = true;
        j -= 1;
        if at(b, j.wrapping_sub(1)) == b'\r' {
            j -= 1;
        }
    }
    if j == 0 {
        return false;
    }
    match at(b, j - 1) {
        b':' => flags_before(text, skip_spaces_back(b, j - 1))
            .is_some_and(|(_, f)| f & flag::LABEL != 0),
        _ if newline => false,
        b',' => bare_word_before(text, j - 1).is_some_and(|(_, v)| lower_cue(v)),
        c if c.is_ascii_alphabetic() || c >= 0x80 => {
            let Some((ws, w1)) = bare_word_before(text, j) else {
                return false;
            };
            if lower_cue(w1) {
                return true;
            }
            let head = || flags_before(text, skip_spaces_back(b, ws));
            if ["of", "to", "for"]
                .iter()
                .any(|x| w1.eq_ignore_ascii_case(x))
            {
                return head().is_some_and(|(_, f)| f & flag::CUE_HEAD != 0);
            }
            if w1.eq_ignore_ascii_case("and") {
                return bare_word_before(text, skip_spaces_back(b, ws)).is_some_and(|(_, v)| {
                    v.eq_ignore_ascii_case("me") || v.eq_ignore_ascii_case("myself")
                });
            }
            false
        }
        _ => false,
    }
}

/// True when what follows a name ending at `end` shows that it is a person: an e-mail address
/// in angle brackets, `, who`, `and I`, `'s wife` / `'s funeral` …, `has been promoted`,
/// `was born`, `passed away`, `(she/her)`, `, aged`.
fn post_cue(text: &str, end: usize) -> bool {
    let Some(rest) = text.get(end..) else {
        return false;
    };
    // Cheap filter on the first two bytes of every cue below.
    let (c0, c1) = (at(rest.as_bytes(), 0), at(rest.as_bytes(), 1));
    let plausible = match c0 {
        b' ' => matches!(
            c1,
            b'<' | b'w' | b'a' | b'p' | b'(' | b'n' | b'h' | b'g' | b'i'
        ),
        b',' => c1 == b' ',
        b'\'' | 0xE2 => true,
        _ => false,
    };
    if !plausible {
        return false;
    }
    if let Some(r) = rest.strip_prefix(" <") {
        // `Jane Doe <jane@example.com>`: an `@` before the closing `>` within 80 bytes.
        let head = r.as_bytes().get(..r.len().min(80)).unwrap_or(&[]);
        return memchr::memchr(b'>', head).is_some_and(|gt| {
            head.get(..gt)
                .is_some_and(|a| a.contains(&b'@') && !a.contains(&b'\n'))
        });
    }
    const PHRASES: &[&str] = &[
        ", who ",
        " who ",
        " and I ",
        " and I,",
        " and I.",
        " and me ",
        " and myself",
        " passed away",
        ", aged ",
        " (aged ",
        " (he/",
        " (she/",
        " (they/",
        " née ",
        ", née ",
    ];
    if PHRASES.iter().any(|ph| rest.starts_with(ph)) {
        return true;
    }
    // The word after the cue, at most 24 chars (longer words are in no list).
    let word_after = |s: &str| {
        let e = s
            .char_indices()
            .take(25)
            .find(|&(_, c)| !c.is_alphabetic())
            .map_or(s.len(), |(i, _)| i);
        if e > 24 * 4 {
            0
        } else {
            s.get(..e).map_or(0, lookup)
        }
    };
    if let Some(r) = rest
        .strip_prefix("'s ")
        .or_else(|| rest.strip_prefix("’s "))
    {
        return word_after(r) & flag::POSSESSED != 0;
    }
    for aux in [
        " was ",
        " has been ",
        " had been ",
        " got ",
        " is being ",
        " has just been ",
    ] {
        if let Some(r) = rest.strip_prefix(aux) {
            return word_after(r) & flag::PERSON_VERB != 0;
        }
    }
    false
}

/// Longest field key looked at, in bytes (`emergency_contact_name` and a little more).
const MAX_KEY: usize = 40;

/// The kind of key ([`flag::NAME_KEY`] or [`flag::PERSON_KEY`]) that ends just before the
/// separator at `sep` (`"first_name": `, `Last name: `, `surname=`), or 0. The key is
/// compared without `_`, `-`, `.` and spaces and lower-cased, over its last one, two or three
/// words (`Please enter your first name:` → `firstname`).
fn key_before(text: &str, sep: usize) -> u32 {
    let b = text.as_bytes();
    let mut j = skip_spaces_back(b, sep);
    if matches!(at(b, j.wrapping_sub(1)), b'"' | b'\'' | b'`') {
        j -= 1;
    }
    // Every key ends in a letter; most separators in prose and code fail here or at the first
    // lookup.
    let last = at(b, j.wrapping_sub(1));
    if j == 0 || !(last.is_ascii_alphabetic() || last >= 0x80) {
        return 0;
    }
    // The key reversed and normalised; looked up at each word start.
    let mut rev = [0u8; MAX_KEY];
    let mut n = 0usize;
    let mut words = 0;
    let mut found = 0;
    let mut k = j;
    while k > 0 && j - k < MAX_KEY {
        let c = at(b, k - 1);
        let c = if c >= 0x80 {
            // Non-ASCII letters (`prénom`): keep the bytes of one char, lower-cased.
            let Some(ch) = char_before(text, k) else {
                return found;
            };
            if !ch.is_alphabetic() {
                break;
            }
            let mut tmp = [0u8; 4];
            let lc = ch.to_lowercase().next().unwrap_or(ch);
            for &byte in lc.encode_utf8(&mut tmp).as_bytes().iter().rev() {
                let Some(slot) = rev.get_mut(n) else {
                    return found;
                };
                *slot = byte;
                n += 1;
            }
            k -= ch.len_utf8();
            continue;
        } else {
            c
        };
        match c {
            b'_' | b'-' | b'.' => {}
            b' ' => {
                words += 1;
                // Only `… name`, `… contact`, `… holder` and `next of kin` have several words.
                let tail_ok = words > 1
                    || [&b"eman"[..], b"seman", b"tcatnoc", b"redloh", b"nik"]
                        .iter()
                        .any(|t| rev.get(..n) == Some(*t));
                if words >= 3 || !tail_ok || at(b, k.wrapping_sub(2)) == b' ' {
                    break;
                }
            }
            _ if c.is_ascii_alphanumeric() => {
                let Some(slot) = rev.get_mut(n) else {
                    return found;
                };
                *slot = c.to_ascii_lowercase();
                n += 1;
            }
            _ => break,
        }
        k -= 1;
        let start = !char_before(text, k)
            .is_some_and(|ch| ch.is_alphanumeric() || matches!(ch, '_' | '-' | '.'));
        if start && c != b' ' && n >= 3 {
            let mut buf = [0u8; MAX_KEY];
            for (d, s) in buf.iter_mut().zip(rev.iter().take(n).rev()) {
                *d = *s;
            }
            let f = buf
                .get(..n)
                .and_then(|key| TABLE.get(key).copied())
                .unwrap_or(0)
                & (flag::NAME_KEY | flag::PERSON_KEY);
            if f != 0 {
                found = f;
            } else if words == 0 && at(b, k.wrapping_sub(1)) != b' ' {
                // One word that is not a key and no word before it: done.
                return 0;
            }
        }
    }
    found
}

/// The value of a name field whose separator (`:`, `=`, `=>`) is at `sep` and ends at
/// `sep_end`: a quoted string or, unquoted, the rest of the line up to `,`, `;`, `}` …; one
/// to four name-shaped words. `key` says how strict the check is.
fn field_value(text: &str, sep_end: usize, key: u32) -> Option<(usize, usize)> {
    let b = text.as_bytes();
    let mut q = sep_end;
    while matches!(at(b, q), b' ' | b'\t') && q - sep_end < 4 {
        q += 1;
    }
    let quote = at(b, q);
    let quoted = matches!(quote, b'"' | b'\'');
    if quoted {
        q += 1;
    }
    let rest = text.get(q..)?;
    let mut e = q;
    let mut closed = false;
    for (i, c) in rest.char_indices() {
        if i > 80 {
            return None;
        }
        if quoted && c.is_ascii() && c as u8 == quote {
            closed = true;
            break;
        }
        if matches!(c, '\n' | '\r')
            || (!quoted
                && matches!(
                    c,
                    ',' | ';' | '}' | ']' | '|' | '<' | '(' | ')' | '"' | '\'' | '\t'
                ))
        {
            break;
        }
        e = q + i + c.len_utf8();
    }
    if quoted && !closed {
        return None;
    }
    let v = text.get(q..e)?.trim_end();
    let v = if quoted { v } else { v.trim_end_matches('.') };
    let mut tokens = 0;
    let mut all_cap = true;
    for t in v.split(' ') {
        tokens += 1;
        let mut chars = t.chars();
        let first = chars.next()?;
        let shaped = first.is_alphabetic()
            && t.chars().count() <= 30
            && t.chars()
                .all(|c| c.is_alphabetic() || matches!(c, '-' | '\'' | '’' | '.'));
        if tokens > 4 || !shaped {
            return None;
        }
        all_cap &= first.is_uppercase();
    }
    if tokens == 1 && lookup(v) & flag::PLACEHOLDER != 0 {
        return None;
    }
    if !quoted && !all_cap {
        return None;
    }
    let ok = if key & flag::NAME_KEY != 0 {
        v.chars().filter(|c| c.is_alphabetic()).count() >= 2
    } else {
        // A weak key (`author`, `owner`) needs a value that looks like a person by itself.
        let mut it = v.split(' ');
        let f = it.next().map_or(0, lookup);
        let given = f & flag::GIVEN != 0 && f & (flag::STOP | flag::AMBIGUOUS) == 0;
        let pair = all_cap
            && tokens >= 2
            && f & flag::PLACE == 0
            && v.split(' ').all(|t| free_token_ok(t, lookup(t)));
        given || pair
    };
    ok.then_some((q, q + v.len()))
}

/// Names in key–value fields: JSON, YAML, Python or form labels such as `"first_name": "Chen"`,
/// `last_name: Yiling`, `Surname = Lefebvre`, `"author": "Tamsin Achterberg"`.
fn fields(text: &str, out: &mut Vec<Span>) {
    let b = text.as_bytes();
    for sep in memchr::memchr2_iter(b':', b'=', b) {
        let c = at(b, sep);
        let next = at(b, sep + 1);
        let prev = at(b, sep.wrapping_sub(1));
        // Not `::` paths, `==`, `!=`, `<=`, `:=` …; `=>` is a separator (PHP, Ruby).
        let sep_end = match (c, next) {
            (b':', b':') | (b'=', b'=') => continue,
            (b'=', b'>') => sep + 2,
            _ if matches!(prev, b':' | b'=' | b'!' | b'<' | b'>') => continue,
            _ => sep + 1,
        };
        let key = key_before(text, sep);
        if key == 0 {
            continue;
        }
        if let Some((s, e)) = field_value(text, sep_end, key) {
            out.push(Span::new(Kind::PersonName, s, e));
        }
    }
}

/// Most items followed from one name into a list, in each direction; bounds the work.
const MAX_ITEMS: usize = 32;

/// Inline separators between list items.
const ITEM_SEPS: &[&str] = &[", and ", ", ", "; ", " and ", " & ", " und ", " et "];

/// Where the prefix of a list line ends (indentation, a bullet, or a count or number:
/// `- `, `* `, `• `, `1. `, `2) `, `    42  ` as in `git shortlog -sn`), given the line start.
fn line_prefix_end(text: &str, ls: usize) -> usize {
    let b = text.as_bytes();
    let mut q = ls;
    while matches!(at(b, q), b' ' | b'\t') && q - ls < 16 {
        q += 1;
    }
    if matches!(at(b, q), b'-' | b'*') && at(b, q + 1) == b' ' {
        q += 2;
    } else if text.get(q..).is_some_and(|s| s.starts_with("• ")) {
        q += "• ".len();
    } else if at(b, q).is_ascii_digit() {
        let mut e = q;
        while at(b, e).is_ascii_digit() && e - q < 6 {
            e += 1;
        }
        if matches!(at(b, e), b'.' | b')') {
            e += 1;
        }
        if !matches!(at(b, e), b' ' | b'\t') {
            return q;
        }
        q = e;
    }
    while matches!(at(b, q), b' ' | b'\t') && q - ls < 32 {
        q += 1;
    }
    q
}

/// The start of the line holding byte `p`.
fn line_start(text: &str, p: usize) -> usize {
    let b = text.as_bytes();
    let lo = p.saturating_sub(64);
    b.get(lo..p)
        .and_then(|s| memchr::memrchr(b'\n', s))
        .map_or(if lo == 0 { 0 } else { usize::MAX }, |i| lo + i + 1)
}

/// True when the name `text[s..e]` fills its line apart from a list prefix (and `\r`).
fn alone_on_line(text: &str, s: usize, e: usize) -> bool {
    let b = text.as_bytes();
    let ls = line_start(text, s);
    let end_ok = matches!(at(b, e), b'\n' | b'\r' | 0) || e == text.len();
    ls != usize::MAX && end_ok && line_prefix_end(text, ls) == s
}

/// A list item of two or three name-shaped tokens starting at `q`; its end.
fn item_at(text: &str, q: usize) -> Option<usize> {
    if !left_ok(text, q) {
        return None;
    }
    let w = cap_word(text, q)?;
    let g = free_group(text, q, w)?;
    Some(g.end)
}

/// True when an inline list item may end at `e` (punctuation, a separator or the line end).
fn item_end_ok(text: &str, e: usize) -> bool {
    let b = text.as_bytes();
    matches!(
        at(b, e),
        b',' | b';' | b'.' | b'\n' | b'\r' | b')' | b':' | 0
    ) || e == text.len()
        || text
            .get(e..)
            .is_some_and(|r| ITEM_SEPS.iter().any(|s| r.starts_with(s)) || r.starts_with(" ("))
}

/// The item that ends at `e` before an inline separator: the shortest run of two or three
/// capitalised words ending there that starts a name-shaped group.
fn item_before(text: &str, e: usize) -> Option<usize> {
    let b = text.as_bytes();
    let mut starts = [usize::MAX; 3];
    let mut k = e;
    for slot in &mut starts {
        let before = text.get(..k)?;
        let mut ws = k;
        for (i, c) in before.char_indices().rev().take(MAX_WORD_CHARS + 1) {
            if c.is_alphabetic() || matches!(c, '\'' | '’' | '-' | '.') {
                ws = i;
            } else {
                break;
            }
        }
        if ws == k {
            break;
        }
        *slot = ws;
        if ws == 0 || at(b, ws - 1) != b' ' {
            break;
        }
        k = ws - 1;
    }
    // Longest first (`Tomasz Wierzbicki`, not `Wierzbicki` alone), but not a capitalised word
    // that only starts the sentence or line (`Invite Corvin Haskel, …`).
    let mut valid = starts
        .iter()
        .rev()
        .filter(|&&s| s != usize::MAX)
        .filter(|&&s| item_at(text, s) == Some(e));
    let longest = valid.next().copied()?;
    let shorter = valid.next().copied();
    let first_listed = cap_word(text, longest)
        .and_then(|w| text.get(longest..w.end))
        .is_some_and(|v| lookup(v) & (flag::GIVEN | flag::SURNAME) != 0);
    match shorter {
        Some(s2) if !first_listed && context(text, longest).1 => Some(s2),
        _ => Some(longest),
    }
}

/// Adds every other item of a list that holds a name already found: `attendees: Tomasz
/// Wierzbicki, Aiyana Castellanos, Keiko Andersen` (comma, `and`, `;`), or one name per line
/// after a bullet, a number or a `git shortlog` count. Items must be name-shaped pairs or
/// triples (`Action Items`, `Google Cloud` are not). `candidates` are pairs with surname
/// evidence that no rule accepted alone (`Ozrick Ruiz-Albornoz` after `table 4:`): they count,
/// with the rest of their list, in a list of three or more items or of two or more lines.
fn propagate_lists(text: &str, out: &mut Vec<Span>, base: usize, candidates: &[(usize, usize)]) {
    // (start, end, is a candidate), sorted; candidates that overlap a found name are dropped.
    let mut seeds: Vec<(usize, usize, bool)> = out
        .get(base..)
        .unwrap_or(&[])
        .iter()
        .map(|s| (s.start, s.end, false))
        .collect();
    let found_spans = seeds.clone();
    seeds.extend(
        candidates
            .iter()
            .filter(|&&(cs, ce)| {
                // The found spans are sorted and disjoint (after `dedupe`): check the first
                // one that ends after `cs`.
                let k = found_spans.partition_point(|&(_, e, _)| e <= cs);
                found_spans.get(k).is_none_or(|&(s, _, _)| s >= ce)
            })
            .map(|&(cs, ce)| (cs, ce, true)),
    );
    seeds.sort_unstable();
    let mut by_end = seeds.clone();
    by_end.sort_unstable_by_key(|&(_, e, _)| e);
    let b = text.as_bytes();
    let mut done = 0usize; // everything before this offset has been followed already
    let mut found: Vec<(usize, usize)> = Vec::new();
    let mut si = 0usize;
    while let Some(&(s, e, cand)) = seeds.get(si) {
        si += 1;
        if s < done {
            continue;
        }
        let lines = alone_on_line(text, s, e);
        // Items of this list, and whether it is clearly a list: one name per line, three or
        // more items, or a separator other than a comma (`Guten Tag, Herr Özdemir` is not).
        let mut items: Vec<(usize, usize)> = Vec::new();
        if cand {
            items.push((s, e));
        }
        let mut count = 1;
        let mut strong = lines;
        // Forward.
        let mut pos = e;
        for _ in 0..MAX_ITEMS {
            let (q, sep_strong) = if lines {
                let mut nl = pos;
                if at(b, nl) == b'\r' {
                    nl += 1;
                }
                if at(b, nl) != b'\n' {
                    break;
                }
                (line_prefix_end(text, nl + 1), true)
            } else {
                match ITEM_SEPS
                    .iter()
                    .find(|sep| text.get(pos..).is_some_and(|r| r.starts_with(*sep)))
                {
                    Some(sep) => (pos + sep.len(), *sep != ", "),
                    None => break,
                }
            };
            // A name found already (or a candidate) continues the list.
            if let Ok(k) = seeds.binary_search_by_key(&q, |&(s2, _, _)| s2)
                && let Some(&(_, e2, c2)) = seeds.get(k)
            {
                if c2 {
                    items.push((q, e2));
                }
                count += 1;
                strong |= sep_strong;
                pos = e2;
                continue;
            }
            let Some(e2) = item_at(text, q) else { break };
            let ok = if lines {
                alone_on_line(text, q, e2)
            } else {
                item_end_ok(text, e2)
            };
            if !ok {
                break;
            }
            count += 1;
            strong |= sep_strong;
            items.push((q, e2));
            pos = e2;
        }
        let forward_end = pos;
        // Backward, never into what an earlier seed covered.
        let mut start = s;
        for _ in 0..MAX_ITEMS {
            let item = if lines {
                let ls = line_start(text, start);
                if ls == usize::MAX || ls == 0 || ls <= done {
                    break;
                }
                let mut pe = ls - 1;
                if at(b, pe.wrapping_sub(1)) == b'\r' {
                    pe -= 1;
                }
                let pls = line_start(text, pe);
                if pls == usize::MAX {
                    break;
                }
                let q = line_prefix_end(text, pls);
                (q < pe && item_at(text, q) == Some(pe)).then_some((q, pe))
            } else {
                let Some(sep) = ITEM_SEPS
                    .iter()
                    .find(|sep| text.get(..start).is_some_and(|t| t.ends_with(*sep)))
                else {
                    break;
                };
                let pe = start - sep.len();
                if pe <= done {
                    break;
                }
                if let Ok(k) = by_end.binary_search_by_key(&pe, |&(_, e0, _)| e0)
                    && let Some(&(ps, _, c0)) = by_end.get(k)
                {
                    if c0 {
                        items.push((ps, pe));
                    }
                    strong |= *sep != ", ";
                    count += 1;
                    start = ps;
                    continue;
                }
                let item = item_before(text, pe).map(|ps| (ps, pe));
                if item.is_some() {
                    strong |= *sep != ", ";
                }
                item
            };
            let Some((ps, pe)) = item else { break };
            if ps < done {
                break;
            }
            count += 1;
            items.push((ps, pe));
            start = ps;
        }
        let clear = if cand {
            count >= 3 || (lines && count >= 2)
        } else {
            strong || count >= 3
        };
        if clear {
            found.extend(items);
        }
        done = forward_end;
    }
    for (s, e) in found {
        out.push(Span::new(Kind::PersonName, s, e));
    }
}

/// Sorts the spans from `base` on and drops those inside another one.
fn dedupe(out: &mut Vec<Span>, base: usize) {
    let Some(mine) = out.get_mut(base..) else {
        return;
    };
    mine.sort_unstable_by_key(|s| (s.start, std::cmp::Reverse(s.end)));
    let mut kept: Vec<Span> = Vec::with_capacity(mine.len());
    for s in mine.iter() {
        match kept.last() {
            Some(k) if s.end <= k.end => {}
            _ => kept.push(*s),
        }
    }
    out.truncate(base);
    out.extend(kept);
}

/// Appends a [`Kind::PersonName`] span for every name found in `text` (see the module docs for
/// the rules).
pub(crate) fn find(text: &str, out: &mut Vec<Span>) {
    let base = out.len();
    let candidates = scan(text, out);
    fields(text, out);
    dedupe(out, base);
    propagate_lists(text, out, base, &candidates);
    dedupe(out, base);
}

/// The token rules (honorifics, introductions, full and single names, names outside the lists
/// next to a cue), one capitalised token at a time. Returns the pairs with surname evidence
/// that no rule accepted alone, for [`propagate_lists`].
fn scan(text: &str, out: &mut Vec<Span>) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let mut i = 0usize;
    let mut candidates = Vec::new();
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
        match try_at(text, p, &mut candidates) {
            Ok((start, end)) => {
                out.push(Span::new(Kind::PersonName, start, end));
                i = end.max(p + 1);
            }
            Err(resume) => i = resume.max(p + 1),
        }
    }
    // Keep the first of overlapping candidates (`Invite Ozrick Ruiz-Albornoz`, then `Ozrick
    // Ruiz-Albornoz`): the list pass follows from whole items.
    let mut last_end = 0;
    candidates.retain(|&(s, e)| {
        let keep = s >= last_end;
        if keep {
            last_end = e;
        }
        keep
    });
    candidates
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::util::test_support::{assert_no_hits, found_texts, random_mix};

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
        assert_no_hits(find, include_str!("benign_prose.txt"));
    }

    #[test]
    fn intl_list_is_clean() {
        let mut prev = "";
        for w in INTL_GIVEN_NAMES.split_whitespace() {
            assert!(
                w.chars().all(|c| c.is_lowercase() || c == '-') && w.chars().count() >= 3,
                "{w:?}"
            );
            assert!(w > prev, "not sorted/unique at {w:?}");
            prev = w;
            // A listed name must never be a function word, a non-name noun or a salutation.
            let f = lookup(w);
            assert_eq!(
                f & (flag::COMMON | flag::NOT_NAME | flag::GENERIC | flag::HONORIFIC),
                0,
                "{w}"
            );
        }
        assert!(INTL_GIVEN_NAMES.split_whitespace().count() > 1500);
    }

    #[test]
    fn international_names() {
        yes("employee Lukas Feldhaus reported it", &["Lukas Feldhaus"]);
        yes("'Gunnar Þórisson has been promoted'", &["Gunnar Þórisson"]);
        yes(
            "addressed to M. Étienne Lefebvre-Akande; is it right?",
            &["M. Étienne Lefebvre-Akande"],
        );
        yes(
            "à l'attention de M. Ébrand Lefebvre",
            &["M. Ébrand Lefebvre"],
        );
        no("a M. Sc. in physics, see Appendix M. Figures");
        yes("ask Priyanka Venkataraman", &["Priyanka Venkataraman"]);
        yes("I met Niamh yesterday", &["Niamh"]);
        yes(
            "ping Jean-Baptiste Koffi Mensah",
            &["Jean-Baptiste Koffi Mensah"],
        );
        yes("with Łukasz Nowak and Zoë", &["Łukasz Nowak"]);
        no("Isla Mujeres is lovely");
        no("macOS 10.15 Catalina or newer");
        no("La Ville de Paris");
    }

    #[test]
    fn cues_before_unlisted_names() {
        yes(
            "My neighbour Zorbek Quillfeather-Mox keeps parking",
            &["Zorbek Quillfeather-Mox"],
        );
        yes(
            "Our babysitter, Quenby Farrowdale, will pick up the kids",
            &["Quenby Farrowdale"],
        );
        yes("employee Brannoc Tuvelle reported", &["Brannoc Tuvelle"]);
        yes(
            "a condolence card to the family of Ozrick Pellinore.",
            &["Ozrick Pellinore"],
        );
        yes(
            "The invoice is addressed to Vantrell Oskowicz.",
            &["Vantrell Oskowicz"],
        );
        yes(
            "a reference letter for Dorrit Ambleside-Krane, an accountant",
            &["Dorrit Ambleside-Krane"],
        );
        yes("'Me and Yelvin Drubosch was there'", &["Yelvin Drubosch"]);
        yes(
            "Signed-off-by: Torvald Henningsmark <torvald@example.com>",
            &["Torvald Henningsmark"],
        );
        yes("Author: Quillon Brask", &["Quillon Brask"]);
        yes("Attendees:\n  Quillon Brask", &["Quillon Brask"]);
        no("employee Self Service portal");
        no("My Neighbour Totoro is a film");
        no("the GitHub Student Developer Pack");
        no("The family of Python Packages grows.");
        no("addressed to Customer Service Team");
        no("Me and Visual Studio Code do not get along");
        no("attendees: Engineering Leads, Product Managers");
        no("Author: Rust Project Developers");
        no("Signed-off-by: Dependabot");
        no("From: Google Calendar <calendar@example.com>");
    }

    #[test]
    fn cues_after_unlisted_names() {
        yes(
            "Zorbek Quillfeather, who manages the warehouse, called",
            &["Zorbek Quillfeather"],
        );
        yes(
            "I spoke to Rovena Kastrati and I agreed",
            &["Rovena Kastrati"],
        );
        yes(
            "yesterday Tarquin Oduya-Blakeley's funeral",
            &["Tarquin Oduya-Blakeley"],
        );
        yes(
            "In the end Brannoc Tuvelle was promoted.",
            &["Brannoc Tuvelle"],
        );
        yes(
            "mail Quorra Vantablack <qv@example.org>",
            &["Quorra Vantablack"],
        );
        no("Google Cloud was released in 2008");
        no("the Rust Foundation's funding");
    }

    #[test]
    fn surname_shapes() {
        // A surname ending alone, mid-sentence, after a lower-case word.
        yes(
            "please ask Dorotka Wisniewski about it",
            &["Dorotka Wisniewski"],
        );
        yes("ask Yevgenia Petrescu now", &["Yevgenia Petrescu"]);
        // A double-barrelled surname confirms a given name that is also a word.
        yes("we saw Will Okafor-Smith", &["Will Okafor-Smith"]);
        no("Visit Alaska and Nebraska.");
        no("Russian Kalashnikov rifles");
        no("Use Elliptic Curve Diffie-Hellman for key exchange.");
        no("include Tuned Boyer-Moore in some cases");
        no("Rust for Hexagon QuRT (Qualcomm Real-Time OS)");
        no("the Floyd-Warshall algorithm and a Michael-Scott queue");
        no("(Addison-Wesley, 1994)");
    }

    #[test]
    fn fields() {
        yes(
            r#"{"first_name": "Chen", "last_name": "Yiling", "team": "infra"}"#,
            &["Chen", "Yiling"],
        );
        yes("first_name: Xiuying\nrole: admin", &["Xiuying"]);
        yes("Surname: Okafor-Drummond", &["Okafor-Drummond"]);
        yes(
            "full_name = \"Aurelio Bastimentos Quarry\"",
            &["Aurelio Bastimentos Quarry"],
        );
        yes(
            "{'author': 'Delphine Castellane'}",
            &["Delphine Castellane"],
        );
        yes("Please enter your first name: Ysolde", &["Ysolde"]);
        yes("$user = ['lastName' => 'quanrong'];", &["quanrong"]);
        no(r#"{"first_name": "string", "last_name": null}"#);
        no("first_name: required");
        no(r#"{"name": "Build Docker Image", "owner": "Platform Team"}"#);
        no("- name: Build Docker Image\n  run: docker build .");
        no("if first_name == last_name { return; }");
        no("let full_name: String = format!(\"{first} {last}\");");
        no("std::name::first");
    }

    #[test]
    fn lists() {
        yes(
            "attendees: Tomasz Wierzbicki, Aiyana Castellanos, Keiko Andersen. Next",
            &["Tomasz Wierzbicki", "Aiyana Castellanos", "Keiko Andersen"],
        );
        yes(
            "table 4: Quorra Vantablack, Mateo Ruiz-Albornoz, Ewa Kowalczyk-Strand, Olu Adeyemi.",
            &[
                "Quorra Vantablack",
                "Mateo Ruiz-Albornoz",
                "Ewa Kowalczyk-Strand",
                "Olu Adeyemi",
            ],
        );
        yes(
            "Invite Corvin Haskel and Sarah Connor to the call.",
            &["Corvin Haskel", "Sarah Connor"],
        );
        yes(
            concat!(
                "git shortlog -sn:\n    42  Quorra Vantablack\n",
                "    17  Dessin Marwood\n     3\tSarah Connor\n"
            ),
            &["Quorra Vantablack", "Dessin Marwood", "Sarah Connor"],
        );
        yes(
            "- Jane Doe\n- Rovena Kastrati\n- Zorbek Quillfeather\n",
            &["Jane Doe", "Rovena Kastrati", "Zorbek Quillfeather"],
        );
        // Pairs with a double-barrelled or foreign-shaped surname start a list of three or
        // more items, or of two or more lines, even when no first name is listed.
        yes(
            concat!(
                "table 4: Dorrit Venkataraman, Ozrick Ruiz-Albornoz, ",
                "Vantra Kowalczyk-Strand, Tuvelle Adeyemi."
            ),
            &[
                "Dorrit Venkataraman",
                "Ozrick Ruiz-Albornoz",
                "Vantra Kowalczyk-Strand",
                "Tuvelle Adeyemi",
            ],
        );
        yes(
            "shortlog:\n    42  Torvald Oyelowo-Sandberg\n    17  Ulbrec Achterberg\nThanks",
            &["Torvald Oyelowo-Sandberg", "Ulbrec Achterberg"],
        );
        no("Topics: Curve Diffie-Hellman, Bellman Ford");
        no("2. Fast Fourier-Transform");
        // Two items with a comma only are not a list: a greeting before a name.
        yes("Guten Tag, Herr Özdemir!", &["Herr Özdemir"]);
        yes("Kind regards, Sarah Connor", &["Sarah Connor"]);
        // Items must be name-shaped.
        yes(
            "cc: Sarah Connor, Google Cloud, Action Items and Release Notes",
            &["Sarah Connor"],
        );
        no("Meeting Notes: Action Items, Next Steps and Open Questions.");
        no("We support Apple Pay, Google Pay and Samsung Pay.");
    }

    #[test]
    fn assistants_and_function_words() {
        no("Hi Claude, can you refactor this?");
        no("Hey Siri, set a timer.");
        yes("Hi Claude Monet,", &["Claude Monet"]);
        no("Available Mon–Thu, 9:00–16:00");
        no("# 1.43.0 (Jan 8th, 2025)");
        no("given Ty: Trait");
    }

    #[test]
    fn no_panic_and_spans_valid() {
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
            "neighbour ",
            "attendees: ",
            "family of ",
            ", ",
            " and ",
            "\n    42  ",
            "- ",
            "\"first_name\": \"",
            "surname=",
            ":",
            "=",
            "Quill",
            "-Mox",
            "ski",
            ", who ",
            " <a@b.c>",
            "'s funeral",
            "Þórisson",
        ];
        for s in random_mix(0x9e37_79b9_7f4a_7c15, &pieces, 256, 40) {
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
        // Long lists, many fields and many cues stay linear.
        check(&"Jane Doe, Quorra Vantablack, ".repeat(5_000));
        check(&"- Jane Doe\n- Quorra Vantablack\n".repeat(5_000));
        check(&"\"first_name\": \"Chen\", ".repeat(5_000));
        check(&"my neighbour Zorbek Quill and ".repeat(5_000));
        check(&"first name: ".repeat(5_000));
        check(&"a_b_c_d_e_f_g_h_i_j_k_l_m_n_o_p_q_r_s_t_u_v_w: ".repeat(2_000));
        check("");
        check("J");
        check("Dr.");
        check("Dear ");
    }

    fn check(s: &str) {
        found_texts(find, &[Kind::PersonName], s);
    }
}
