// Word lists for the demo and benchmark data: the five markets Rapport serves first
// (Lithuania, Latvia, Slovenia, Russia, English-speaking). Names keep their diacritics and
// scripts; emails are derived from them by transliteration (see seed.ts).

export type MarketCode = "lt" | "lv" | "sl" | "ru" | "en";

export type City = { name: string; country: string; timeZone: string; street: readonly string[] };

export type Market = {
  code: MarketCode;
  /** Share of contacts and companies. */
  weight: number;
  language: string;
  maleFirst: readonly string[];
  femaleFirst: readonly string[];
  /** [male form, female form] */
  surnames: readonly (readonly [string, string])[];
  cities: readonly City[];
  /** Optional first word of a company name. */
  companyPrefixes: readonly string[];
  companyWords: readonly string[];
  companySectors: readonly string[];
  /** Legal form and how it wraps the name. */
  legalForms: readonly ((name: string) => string)[];
  freeMail: readonly string[];
  jobTitles: readonly string[];
};

// Lithuanian women's surnames: married (-ienė) or maiden (-aitė, -iūtė, -ytė, -utė) forms.
function ltFemale(male: string, maiden: boolean): string {
  const rules: [RegExp, string, string][] = [
    [/ius$/, "ienė", "iūtė"],
    [/as$/, "ienė", "aitė"],
    [/is$/, "ienė", "ytė"],
    [/ys$/, "ienė", "ytė"],
    [/us$/, "ienė", "utė"],
  ];
  for (const [ending, married, single] of rules) {
    if (ending.test(male)) return male.replace(ending, maiden ? single : married);
  }
  return male;
}

const ltSurnames = [
  "Kazlauskas", "Jankauskas", "Petrauskas", "Stankevičius", "Vasiliauskas", "Žukauskas", "Butkus", "Paulauskas",
  "Urbonas", "Kavaliauskas", "Baranauskas", "Pocius", "Rimkus", "Navickas", "Šimkus", "Sakalauskas",
  "Ramanauskas", "Lukoševičius", "Jakubauskas", "Vaitkus", "Žemaitis", "Mockus", "Grigas", "Balčiūnas",
  "Šukys", "Jonaitis", "Kairys", "Bružas", "Čepulis", "Dambrauskas", "Gudaitis", "Malinauskas",
  "Adomaitis", "Valančius", "Bernotas", "Kučinskas", "Žilinskas", "Mikalauskas", "Račkauskas", "Šalkauskas",
].flatMap((male, i): [string, string][] => [[male, ltFemale(male, i % 3 === 0)]]);

const ruSurnames = [
  "Петров", "Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Соколов", "Михайлов", "Новиков", "Фёдоров",
  "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров", "Павлов", "Козлов", "Степанов", "Николаев",
  "Орлов", "Андреев", "Макаров", "Никитин", "Захаров", "Зайцев", "Соловьёв", "Борисов", "Яковлев", "Григорьев",
  "Романов", "Воробьёв", "Сергеев", "Кузьмин", "Фролов", "Александров", "Дмитриев", "Королёв", "Гусев", "Киселёв",
].map((male): [string, string] => [male, `${male}а`]);

const same = (names: string[]) => names.map((name): [string, string] => [name, name]);

export const markets: readonly Market[] = [
  {
    code: "lt",
    companyPrefixes: ["Šiaurės", "Vakarų", "Rytų", "Pietų", "Baltoji", "Naujoji", "Senoji", "Žalioji", "Didžioji", "Auksinė"],
    weight: 35,
    language: "lt",
    maleFirst: [
      "Šarūnas", "Žygimantas", "Mindaugas", "Tomas", "Jonas", "Andrius", "Darius", "Giedrius", "Paulius", "Mantas",
      "Vytautas", "Rokas", "Lukas", "Karolis", "Marius", "Dovydas", "Justinas", "Gediminas", "Algirdas", "Kęstutis",
      "Arūnas", "Rimantas", "Audrius", "Saulius", "Tadas", "Ignas", "Domantas", "Edvinas", "Linas", "Povilas",
    ],
    femaleFirst: [
      "Ona", "Rūta", "Eglė", "Gintarė", "Jurgita", "Aistė", "Ieva", "Greta", "Kotryna", "Austėja",
      "Agnė", "Rasa", "Inga", "Laura", "Vaida", "Simona", "Indrė", "Dalia", "Lina", "Živilė",
      "Justė", "Gabija", "Milda", "Ugnė", "Viktorija", "Skaistė", "Dovilė", "Jolanta", "Neringa", "Birutė",
    ],
    surnames: ltSurnames,
    cities: [
      { name: "Vilnius", country: "LT", timeZone: "Europe/Vilnius", street: ["Gedimino pr.", "Konstitucijos pr.", "Ukmergės g.", "Vilniaus g.", "Šeimyniškių g."] },
      { name: "Kaunas", country: "LT", timeZone: "Europe/Vilnius", street: ["Laisvės al.", "Savanorių pr.", "K. Donelaičio g."] },
      { name: "Klaipėda", country: "LT", timeZone: "Europe/Vilnius", street: ["Taikos pr.", "Herkaus Manto g."] },
      { name: "Šiauliai", country: "LT", timeZone: "Europe/Vilnius", street: ["Tilžės g.", "Vilniaus g."] },
      { name: "Panevėžys", country: "LT", timeZone: "Europe/Vilnius", street: ["Respublikos g.", "Klaipėdos g."] },
    ],
    companyWords: [
      "Alfa", "Baltija", "Žalgiris", "Gintaras", "Nemunas", "Saulėtekis", "Šviesa", "Ąžuolas", "Medvilnė", "Verslo sprendimai",
      "Kodas", "Vėtrūna", "Aušra", "Dainava", "Neris", "Rasa", "Pušynas", "Žiburys", "Vilkas", "Lyderis",
    ],
    companySectors: ["", "Logistika", "Statyba", "Prekyba", "Technologijos", "Konsultacijos", "Gamyba", "Baldai", "Energija", "Agro"],
    legalForms: [(n) => `UAB "${n}"`, (n) => `UAB "${n}"`, (n) => `UAB "${n}"`, (n) => `AB "${n}"`, (n) => `MB "${n}"`],
    freeMail: ["gmail.com", "yahoo.com", "one.lt", "inbox.lt", "outlook.com"],
    jobTitles: ["Direktorius", "Pardavimų vadybininkas", "Projektų vadovė", "Finansų direktorė", "Rinkodaros specialistas", "CEO", "Sales Manager", "Head of Procurement", "Buhalterė", "IT administratorius"],
  },
  {
    code: "lv",
    companyPrefixes: ["Ziemeļu", "Rietumu", "Austrumu", "Jaunā", "Baltā", "Zaļā", "Lielā", "Zelta"],
    weight: 15,
    language: "lv",
    maleFirst: ["Jānis", "Andris", "Edgars", "Māris", "Kārlis", "Aivars", "Artūrs", "Raitis", "Roberts", "Valdis", "Guntis", "Uldis", "Mārtiņš", "Krišjānis", "Rihards", "Gatis", "Ojārs", "Dāvis", "Ēriks", "Toms"],
    femaleFirst: ["Anna", "Līga", "Ilze", "Inese", "Kristīne", "Dace", "Laura", "Santa", "Zane", "Agnese", "Baiba", "Elīna", "Ieva", "Marta", "Sanita", "Gunta", "Evija", "Madara", "Linda", "Dārta"],
    surnames: [
      ["Bērziņš", "Bērziņa"], ["Kalniņš", "Kalniņa"], ["Ozoliņš", "Ozoliņa"], ["Jansons", "Jansone"], ["Ozols", "Ozola"],
      ["Liepiņš", "Liepiņa"], ["Krūmiņš", "Krūmiņa"], ["Balodis", "Balode"], ["Eglītis", "Eglīte"], ["Zariņš", "Zariņa"],
      ["Pētersons", "Pētersone"], ["Vītols", "Vītola"], ["Kļaviņš", "Kļaviņa"], ["Kārkliņš", "Kārkliņa"], ["Vanags", "Vanaga"],
      ["Strazds", "Strazda"], ["Lācis", "Lāce"], ["Dūmiņš", "Dūmiņa"], ["Zālītis", "Zālīte"], ["Siliņš", "Siliņa"],
    ],
    cities: [
      { name: "Rīga", country: "LV", timeZone: "Europe/Riga", street: ["Brīvības iela", "Krišjāņa Barona iela", "Elizabetes iela", "Tērbatas iela"] },
      { name: "Daugavpils", country: "LV", timeZone: "Europe/Riga", street: ["Rīgas iela", "Saules iela"] },
      { name: "Liepāja", country: "LV", timeZone: "Europe/Riga", street: ["Graudu iela", "Lielā iela"] },
      { name: "Jelgava", country: "LV", timeZone: "Europe/Riga", street: ["Lielā iela", "Katoļu iela"] },
      { name: "Jūrmala", country: "LV", timeZone: "Europe/Riga", street: ["Jomas iela", "Dubultu prospekts"] },
    ],
    companyWords: ["Baltija", "Dzintars", "Zvaigzne", "Daugava", "Kurzeme", "Vidzeme", "Māja", "Zaļā Birzs", "Saules Enerģija", "Gauja", "Ķekava", "Ozols", "Jūras Vējš", "Latgale", "Rīgas Koks"],
    companySectors: ["", "Loģistika", "Būvniecība", "Tirdzniecība", "IT", "Konsultācijas", "Ražošana", "Serviss"],
    legalForms: [(n) => `SIA "${n}"`, (n) => `SIA "${n}"`, (n) => `SIA "${n}"`, (n) => `AS "${n}"`],
    freeMail: ["inbox.lv", "gmail.com", "apollo.lv", "outlook.com"],
    jobTitles: ["Valdes loceklis", "Pārdošanas vadītājs", "Projektu vadītāja", "Grāmatvede", "Mārketinga speciālists", "CEO", "Account Manager", "Head of Sales"],
  },
  {
    code: "sl",
    companyPrefixes: ["Nova", "Stara", "Zelena", "Severna", "Južna", "Bela", "Velika", "Zlata"],
    weight: 15,
    language: "sl",
    maleFirst: ["Anže", "Luka", "Matej", "Jure", "Gregor", "Tadej", "Žiga", "Rok", "Nejc", "Blaž", "Primož", "Aljaž", "Matjaž", "Janez", "Marko", "Andrej", "Boštjan", "Uroš", "Klemen", "Miha"],
    femaleFirst: ["Nina", "Maja", "Eva", "Sara", "Ana", "Špela", "Urška", "Tjaša", "Nika", "Mojca", "Petra", "Katja", "Barbara", "Manca", "Živa", "Lara", "Tina", "Anja", "Maša", "Polona"],
    surnames: same([
      "Novak", "Horvat", "Kovačič", "Krajnc", "Zupančič", "Potočnik", "Kovač", "Mlakar", "Kos", "Vidmar", "Golob", "Turk", "Božič",
      "Kralj", "Zupan", "Bizjak", "Hribar", "Korošec", "Rozman", "Košir", "Žagar", "Kastelic", "Jerič", "Petek", "Oblak",
    ]),
    cities: [
      { name: "Ljubljana", country: "SI", timeZone: "Europe/Ljubljana", street: ["Slovenska cesta", "Dunajska cesta", "Trubarjeva ulica", "Celovška cesta"] },
      { name: "Maribor", country: "SI", timeZone: "Europe/Ljubljana", street: ["Partizanska cesta", "Gosposka ulica"] },
      { name: "Celje", country: "SI", timeZone: "Europe/Ljubljana", street: ["Mariborska cesta", "Ljubljanska cesta"] },
      { name: "Kranj", country: "SI", timeZone: "Europe/Ljubljana", street: ["Koroška cesta", "Bleiweisova cesta"] },
      { name: "Koper", country: "SI", timeZone: "Europe/Ljubljana", street: ["Pristaniška ulica", "Ferrarska ulica"] },
    ],
    companyWords: ["Triglav", "Kovinar", "Sava", "Planika", "Soča", "Savinja", "Pohorje", "Kras", "Lipa", "Zlati Klas", "Bohinj", "Vrba", "Kamnik", "Drava", "Gorenjka"],
    companySectors: ["", "Sistemi", "Logistika", "Gradnje", "Trgovina", "Les", "Inženiring", "Svetovanje"],
    legalForms: [(n) => `${n} d.o.o.`, (n) => `${n} d.o.o.`, (n) => `${n} d.o.o.`, (n) => `${n} d.d.`, (n) => `${n}, s.p.`],
    freeMail: ["gmail.com", "siol.net", "t-2.net", "outlook.com"],
    jobTitles: ["Direktor", "Vodja prodaje", "Projektna vodja", "Računovodkinja", "Skrbnik ključnih kupcev", "CEO", "Sales Engineer", "Procurement Lead"],
  },
  {
    code: "ru",
    companyPrefixes: ["Евро", "Гранд", "Техно", "Бизнес", "Промо", "Нео", "Мега", "Глобал"],
    weight: 10,
    language: "ru",
    maleFirst: ["Иван", "Алексей", "Дмитрий", "Сергей", "Андрей", "Михаил", "Николай", "Владимир", "Павел", "Артём", "Максим", "Егор", "Константин", "Юрий", "Олег", "Фёдор", "Григорий", "Роман", "Илья", "Виктор"],
    femaleFirst: ["Анна", "Мария", "Елена", "Ольга", "Наталья", "Татьяна", "Ирина", "Екатерина", "Светлана", "Юлия", "Дарья", "Анастасия", "Ксения", "Алёна", "Вера", "Людмила", "Полина", "Софья", "Галина", "Надежда"],
    surnames: ruSurnames,
    cities: [
      { name: "Москва", country: "RU", timeZone: "Europe/Moscow", street: ["ул. Тверская", "Ленинский пр-т", "ул. Арбат", "Кутузовский пр-т"] },
      { name: "Санкт-Петербург", country: "RU", timeZone: "Europe/Moscow", street: ["Невский пр-т", "ул. Садовая", "Литейный пр-т"] },
      { name: "Новосибирск", country: "RU", timeZone: "Asia/Novosibirsk", street: ["Красный пр-т", "ул. Ленина"] },
      { name: "Екатеринбург", country: "RU", timeZone: "Asia/Yekaterinburg", street: ["ул. Малышева", "пр-т Ленина"] },
      { name: "Казань", country: "RU", timeZone: "Europe/Moscow", street: ["ул. Баумана", "ул. Пушкина"] },
    ],
    companyWords: ["Ромашка", "Вектор", "Северный Ветер", "Технопром", "Альфа", "Восток", "Гранит", "Меридиан", "Сибирь", "Волга", "Берёзка", "Орион", "Спектр", "Прогресс", "Элемент"],
    companySectors: ["", "Логистик", "Строй", "Торг", "Софт", "Консалтинг", "Пром", "Сервис"],
    legalForms: [(n) => `ООО «${n}»`, (n) => `ООО «${n}»`, (n) => `ООО «${n}»`, (n) => `АО «${n}»`, (n) => `ПАО «${n}»`],
    freeMail: ["mail.ru", "yandex.ru", "gmail.com", "rambler.ru"],
    jobTitles: ["Генеральный директор", "Менеджер по продажам", "Руководитель проекта", "Главный бухгалтер", "Маркетолог", "Коммерческий директор", "Head of IT", "Закупщик"],
  },
  {
    code: "en",
    companyPrefixes: ["North", "West", "East", "South", "Global", "United", "Royal", "First", "Blue", "Golden"],
    weight: 25,
    language: "en",
    maleFirst: ["James", "John", "Oliver", "William", "Harry", "George", "Jack", "Thomas", "Michael", "David", "Daniel", "Matthew", "Christopher", "Andrew", "Joshua", "Ryan", "Liam", "Noah", "Ethan", "Samuel", "Connor", "Patrick", "Seán"],
    femaleFirst: ["Olivia", "Emma", "Amelia", "Sophie", "Charlotte", "Emily", "Jessica", "Hannah", "Grace", "Chloe", "Lucy", "Sarah", "Megan", "Ella", "Isla", "Aoife", "Siobhán", "Rebecca", "Laura", "Rachel"],
    surnames: same([
      "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas", "Johnson", "Roberts", "Walker",
      "Wright", "Robinson", "Thompson", "White", "Hughes", "Edwards", "Green", "Hall", "Wood", "Harris", "Martin", "Clarke",
      "Murphy", "O'Brien", "Kelly", "Byrne", "Walsh", "Miller", "Davis", "Garcia", "Anderson", "McCarthy",
    ]),
    cities: [
      { name: "London", country: "GB", timeZone: "Europe/London", street: ["High Street", "Old Street", "King's Road", "Baker Street"] },
      { name: "Manchester", country: "GB", timeZone: "Europe/London", street: ["Deansgate", "Oxford Road"] },
      { name: "Edinburgh", country: "GB", timeZone: "Europe/London", street: ["Princes Street", "George Street"] },
      { name: "Dublin", country: "IE", timeZone: "Europe/Dublin", street: ["Grafton Street", "Baggot Street"] },
      { name: "Cork", country: "IE", timeZone: "Europe/Dublin", street: ["Patrick Street", "Oliver Plunkett Street"] },
      { name: "New York", country: "US", timeZone: "America/New_York", street: ["Broadway", "5th Avenue", "Madison Avenue"] },
      { name: "Chicago", country: "US", timeZone: "America/Chicago", street: ["Michigan Avenue", "State Street"] },
      { name: "San Francisco", country: "US", timeZone: "America/Los_Angeles", street: ["Market Street", "Mission Street"] },
    ],
    companyWords: ["Northwind", "Blue Harbour", "Redwood", "Brightline", "Oakridge", "Silverline", "Kestrel", "Foxglove", "Granite Peak", "Lakeside", "Ironbridge", "Bluebell", "Summit", "Harbourview", "Clearwater"],
    companySectors: ["", "Logistics", "Software", "Consulting", "Holdings", "Systems", "Partners", "Foods", "Energy"],
    legalForms: [(n) => `${n} Ltd`, (n) => `${n} Limited`, (n) => `${n} Inc.`, (n) => `${n} LLC`, (n) => `${n} plc`],
    freeMail: ["gmail.com", "outlook.com", "hotmail.co.uk", "yahoo.com", "icloud.com"],
    jobTitles: ["CEO", "Head of Sales", "Account Executive", "Marketing Manager", "Procurement Manager", "CFO", "Operations Director", "Office Manager", "VP Engineering", "Founder"],
  },
];

export const industries = [
  "Software", "Manufacturing", "Logistics", "Retail", "Construction", "Financial services", "Healthcare", "Agriculture",
  "Energy", "Hospitality", "Education", "Marketing", "Real estate", "Telecommunications", "Food and beverage",
] as const;

export const contactTags = ["vip", "newsletter", "webinar-2025", "trade-show", "partner", "churn-risk", "decision-maker", "influencer", "b2b", "b2c", "renewal", "beta-tester"] as const;
export const companyTags = ["customer", "prospect", "partner", "supplier", "reseller", "enterprise", "smb", "strategic"] as const;

export const leadStatuses = ["new", "attempted", "connected", "qualified", "unqualified", "nurturing"] as const;
export const sources = ["website", "referral", "event", "linkedin", "import", "form", "cold-outreach", "partner"] as const;
export const utmSources = ["google", "facebook", "linkedin", "newsletter", "bing"] as const;
export const utmMediums = ["cpc", "social", "email", "organic", "display"] as const;
export const utmCampaigns = ["spring-2025", "black-friday-2025", "webinar-crm-basics", "baltic-expo-2026", "retargeting-q3"] as const;
export const landingPages = ["https://rapport.example/pricing", "https://rapport.example/demo", "https://rapport.example/blog/crm-hygiene", "https://rapport.example/"] as const;
export const referrers = ["https://www.google.com/", "https://www.linkedin.com/", "https://www.facebook.com/", "https://news.ycombinator.com/"] as const;

/** Russian Cyrillic to ASCII for email local parts (close to ICAO 9303). */
const cyrillic: Record<string, string> = {
  а: "a", б: "b", в: "v", г: "g", д: "d", е: "e", ё: "e", ж: "zh", з: "z", и: "i", й: "i", к: "k", л: "l", м: "m",
  н: "n", о: "o", п: "p", р: "r", с: "s", т: "t", у: "u", ф: "f", х: "kh", ц: "ts", ч: "ch", ш: "sh", щ: "shch",
  ъ: "", ы: "y", ь: "", э: "e", ю: "iu", я: "ia",
};

/** ASCII letters and digits only, for emails and domains ("Šarūnas" → "sarunas", "Иван" → "ivan"). */
export function asciiSlug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[\u0400-\u04ff]/g, (ch) => cyrillic[ch] ?? "")
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .replace(/[^a-z0-9]+/g, "");
}
