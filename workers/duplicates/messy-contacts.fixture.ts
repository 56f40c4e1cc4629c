// A labelled fixture of messy contact records from the five markets (Lithuanian, Latvian,
// Slovenian, Russian, English), as people type them into a CRM, spreadsheets and web forms:
// case and spacing, stripped diacritics, swapped first/last names, a full name in one field,
// one-letter typos, trunk-prefix vs international phone formats (8 612 34567 / +370 612 34567 /
// 00370…), company legal-form variants (UAB „X“ / X, UAB / AB X), Cyrillic vs Latin spellings,
// and hard negatives: colleagues on one switchboard number, namesakes in other companies and
// cities, father and son, husband and wife, mother and daughter, brothers in a family business.
//
// `entity` is the ground truth: records with the same entity are the same person; every other
// pair is not. Phones are raw, as typed in a workspace whose default phone country is LT.

export type FixtureRecord = {
  entity: string;
  first: string | null;
  last: string | null;
  email: string | null;
  phone: string | null;
  company: string | null;
  city: string | null;
  birthday: string | null;
};

type Extra = { e?: string; p?: string; c?: string; y?: string; b?: string };

function r(entity: string, first: string | null, last: string | null, extra: Extra = {}): FixtureRecord {
  return { entity, first, last, email: extra.e ?? null, phone: extra.p ?? null, company: extra.c ?? null, city: extra.y ?? null, birthday: extra.b ?? null };
}

export const messyContacts: FixtureRecord[] = [
  // ---- Lithuanian ----------------------------------------------------------------------------
  r("p01", "Šarūnas", "Petrauskas", { e: "sarunas.petrauskas@alfastatyba.lt", p: "+370 612 34567", c: "UAB „Alfa Statyba“", y: "Vilnius" }),
  r("p01", "sarunas", "petrauskas", { p: "8 612 34567", c: "Alfa statyba, UAB", y: "Vilnius" }),
  r("p01", "PETRAUSKAS", "ŠARŪNAS", { e: " Sarunas.Petrauskas@AlfaStatyba.lt " }),
  r("p01", "Sarunas", "Petrauskaas", { p: "00370 612 34567", c: "AB Alfa statyba", y: "Vilnius" }),

  r("p02", "Rūta", "Kazlauskienė", { e: "ruta@zaliapieva.lt", p: "8 698 11223", c: 'MB "Žalia Pieva"', y: "Kaunas" }),
  r("p02", "Ruta", "Kazlauskiene", { p: "+37069811223", c: "Zalia pieva MB" }),
  r("p02", "Rūta  ", " Kazlauskienė", { e: "RUTA@ZALIAPIEVA.LT", y: "Kaunas" }),

  r("p03", "Tomas", "Jankauskas", { e: "tomas.j@gmail.com", p: "8 611 22334", y: "Klaipėda" }),
  r("p03", "Tomas", "Jankauskis", { p: "+370 677 10101", y: "Klaipeda" }),

  r("p04", "Mindaugas", "Vaitkus", { e: "mindaugas.vaitkus@gmail.com", p: "8 686 55443", c: "VšĮ „Sveikata visiems“", y: "Šiauliai" }),
  r("p04", "Mindaugas", "Vaitkus", { c: "Sveikata Visiems, VšĮ" }),
  r("p04", "VAITKUS", "MINDAUGAS", { p: "+370 686 55443" }),

  r("p05", "Eglė", "Žukauskaitė", { p: "8 5 212 3456", y: "Vilnius" }),
  r("p05", "Egle", "Zukauskaite", { p: "+370 5 212 3456" }),

  r("p06", "Giedrius", "Balčiūnas", { e: "giedrius@baltictrade.lt", c: "UAB Baltic Trade" }),
  r("p06", "Giedrius", "Balciunas", { e: "g.balciunas@baltictrade.lt", c: "Baltic Trade UAB", y: "Kaunas" }),

  r("p07", "Aušra", "Stankevičienė", { e: "ausra.stankeviciene@vilniausenergija.lt", y: "Vilnius" }),
  r("p07", "Ausra", "Stankeviciene", { e: "AUSRA.STANKEVICIENE@VILNIAUSENERGIJA.LT" }),
  r("p07", "Aušra", "Stankevičiene", { c: "AB Vilniaus energija", y: "Vilnius" }),

  r("p08", "Vytautas", "Žemaitis", { p: "8 620 44556", c: "UAB Žemaitijos pienas" }),
  r("p08", "V.", "Žemaitis", { p: "+370 620 44556", c: "Zemaitijos Pienas AB" }),

  r("p09", "Darius", "Urbonas", { p: "8-612-99887", y: "Panevėžys" }),
  r("p09", "Urbonas", "Darius", { p: "+37061299887" }),

  r("p10", "Laura", "Navickaitė", { e: "laura.navickaite@lexlaw.lt", c: "Lex Law" }),
  r("p10", "Laura", "Navickaite", { e: "Laura.Navickaite@LexLaw.lt", y: "Vilnius" }),

  r("p36", "Petras", "Rimkus", { e: "petras.rimkus@gmail.com", y: "Alytus" }),
  r("p36", null, null, { e: "PETRAS.RIMKUS@GMAIL.COM" }),

  r("p37", "Agnė", "Mockutė", { p: "+370 699 12121", c: "UAB Mockaus baldai" }),
  r("p37", null, null, { p: "8 699 12121" }),

  r("p38", "Jurgita", null, { p: "8 655 30303" }),
  r("p38", "Jurgita", "Šimkienė", { p: "+370 655 30303", y: "Utena" }),

  r("p39", "Kęstutis Grigas", null, { c: "UAB Grigo baldai" }),
  r("p39", "Kestutis", "Grigas", { c: "Grigo Baldai, UAB", y: "Kaunas" }),

  r("p40", "Lina", "Paulauskienė", { c: "UAB Medis", y: "Vilnius" }),
  r("p40", "Paulauskiene", "Lina", { c: "Medis", y: "Vilnius" }),
  r("p40", "Lina", "Paulauskiene", { e: "lina@medis.lt" }),

  r("p45", "Gintarė", "Rimkutė", { c: "Rimi Lietuva, UAB", y: "Vilnius" }),
  r("p45", "Gintare", "Rimkute", { c: "UAB „Rimi Lietuva“" }),
  r("p45", "Gintare", "Rinkute", { e: "gintare.rimkute@rimi.lt", c: "UAB Rimi Lietuva" }),

  // ---- Latvian -------------------------------------------------------------------------------
  r("p11", "Jānis", "Bērziņš", { e: "janis.berzins@rigaskoks.lv", p: "+371 2612 3456", c: 'SIA "Rīgas Koks"', y: "Rīga" }),
  r("p11", "Janis", "Berzins", { p: "00371 26123456", c: "Rigas koks SIA" }),
  r("p11", "Янис", "Берзиньш", { p: "+371 26123456", c: "ООО «Ригас Кокс»", y: "Рига" }),

  r("p12", "Ilze", "Ozola", { e: "ilze.ozola@balzams.lv", c: 'AS "Latvijas Balzams"' }),
  r("p12", "Ilze", "Ozola", { c: "Latvijas Balzams AS", y: "Riga" }),
  r("p12", "Ozola", "Ilze", { e: "Ilze.Ozola@balzams.lv" }),

  r("p13", "Andris", "Kalniņš", { e: "andris@balticit.lv", c: 'SIA "Baltic IT"', y: "Rīga" }),
  r("p13", "Andris", "Kalnins", { c: "Baltic IT, SIA", y: "Riga" }),

  r("p14", "Līga", "Liepiņa", { p: "+371 2944 1122", y: "Jelgava" }),
  r("p14", "Liga", "Liepina", { p: "00371 29441122" }),

  r("p15", "Mārtiņš", "Ozoliņš", { c: 'AS "Latvijas Gāze"', y: "Rīga" }),
  r("p15", "Martins", "Ozolinsh", { c: "Latvijas Gaze AS" }),

  r("p16", "Kristīne", "Kalniņa", { e: "kristine.kalnina@inbox.lv" }),
  r("p16", "Кристине", "Калнина", { e: "kristine.kalnina@inbox.lv", y: "Daugavpils" }),

  r("p41", "Ēriks", "Krūmiņš", { p: "+371 2233 4455", c: "SIA Krūmi" }),
  r("p41", "Eriks", "Krumins", { p: "+371 22334455" }),

  // ---- Slovenian -----------------------------------------------------------------------------
  r("p17", "Matej", "Novak", { e: "matej.novak@petrol.si", p: "+386 41 123 456", c: "Petrol d.d.", y: "Ljubljana" }),
  r("p17", "Matej", "Novak", { p: "00386 41 123 456", c: "PETROL, d. d." }),
  r("p17", "Novak", "Matej", { c: "Petrol d.d.", y: "Ljubljana" }),

  r("p18", "Špela", "Kranjc", { e: "spela.kranjc@gorenje.si", c: "Gorenje d.o.o.", y: "Velenje" }),
  r("p18", "Spela", "Kranjc", { c: "Gorenje, d.o.o." }),
  r("p18", "Špela", "Kranjec", { c: "GORENJE d. o. o.", y: "Velenje" }),

  r("p19", "Luka", "Horvat", { p: "00386 31 555 222", c: "Luka Horvat s.p." }),
  r("p19", "Horvat", "Luka", { p: "+386 31 555 222", c: "Horvat Luka, s. p.", y: "Celje" }),

  r("p20", "Anže", "Košir", { e: "anze.kosir@siol.net", y: "Maribor" }),
  r("p20", "Anze", "Kosir", { e: "anze.kosir@siol.net" }),

  r("p21", "Maja", "Zupančič", { c: "Krka d.d.", y: "Novo mesto" }),
  r("p21", "Zupančič", "Maja", { c: "KRKA, d. d.", y: "Novo Mesto" }),
  r("p21", "Maja", "Zupancic", { e: "maja.zupancic@krka.si" }),

  r("p42", "Tjaša", "Golob", { e: "tjasa.golob@telekom.si", y: "Koper" }),
  r("p42", "Tjasa", "Golob", { e: "tjasa.golob@telekom.si" }),

  // ---- Russian -------------------------------------------------------------------------------
  r("p22", "Иван", "Петров", { e: "ivan.petrov@romashka.ru", p: "+7 903 123-45-67", c: "ООО «Ромашка»", y: "Москва" }),
  r("p22", "Ivan", "Petrov", { p: "+79031234567", c: "Romashka LLC", y: "Moscow" }),
  r("p22", "Петров", "Иван", { e: "IVAN.PETROV@ROMASHKA.RU", c: 'ООО "Ромашка"' }),

  r("p23", "Сергей", "Смирнов", { p: "+7 (916) 200-30-40", c: "АО «Вектор»" }),
  r("p23", "Sergey", "Smirnov", { p: "+7 916 200 30 40", c: "Vektor JSC" }),

  r("p24", "Екатерина", "Волкова", { c: "ЗАО «Северный ветер»", y: "Санкт-Петербург" }),
  r("p24", "Ekaterina", "Volkova", { c: "Severny Veter CJSC", y: "Sankt-Peterburg" }),
  r("p24", "Yekaterina", "Volkova", { e: "e.volkova@severnyveter.ru" }),

  r("p25", "Дмитрий", "Кузнецов", { y: "Санкт-Петербург", p: "+7 921 111-22-33" }),
  r("p25", "Dmitry", "Kuznetsov", { y: "Sankt-Peterburg" }),

  r("p26", "Алексей", "Иванов", { e: "a.ivanov@mail.ru", y: "Казань" }),
  r("p26", "Aleksei", "Ivanov", { e: "a.ivanov@mail.ru", p: "+7 917 123 00 11" }),
  r("p26", "Alexey", "Ivanov", { p: "+79171230011" }),

  r("p27", "Ольга", "Соколова", { p: "+7 916 555-12-34" }),
  r("p27", "Olga", "Sokolova", { p: "+79165551234", y: "Moscow" }),

  r("p28", "Наталья", "Морозова", { c: "ООО «Техносила»", y: "Москва" }),
  r("p28", "Natalya", "Morozova", { c: "Tekhnosila LLC" }),

  r("p43", "Павел", "Новиков", { c: "ООО «Новые технологии»" }),
  r("p43", "Pavel", "Novikov", { c: "Novye Tekhnologii LLC", y: "Novosibirsk" }),

  // ---- English -------------------------------------------------------------------------------
  r("p29", "John", "Smith", { e: "john.smith@acme.co.uk", p: "+44 7723 456789", c: "Acme Ltd", y: "London" }),
  r("p29", "john", "smith", { p: "0044 7723 456789", c: "ACME Limited" }),
  r("p29", "Smith", "John", { c: "Acme Ltd.", y: "London" }),

  r("p30", "Sarah", "O'Connor", { e: "sarah.oconnor@brightideas.ie", c: "Bright Ideas PLC", y: "Dublin" }),
  r("p30", "Sarah", "OConnor", { c: "Bright Ideas plc", y: "Dublin" }),
  r("p30", "Sara", "O'Connor", { e: "sarah.oconnor@brightideas.ie" }),

  r("p31", "Michael", "Brown", { e: "m.brown@brownsons.co.uk", c: "Brown & Sons LLP" }),
  r("p31", "Micheal", "Brown", { e: "m.brown@brownsons.co.uk", y: "Manchester" }),

  r("p32", "Emily", "Clarke", { c: "Northwind Traders Ltd", y: "London" }),
  r("p32", "Emily", "Clark", { c: "Northwind Traders Limited", y: "London" }),

  r("p33", "Hans", "Müller", { p: "+49 30 12345678", c: "Müller Bau GmbH" }),
  r("p33", "Hans", "Mueller", { p: "+49 30 1234 5678", c: "Mueller Bau GmbH" }),

  r("p34", "Robert", "Taylor", { e: "robert.taylor@globex.com", c: "Globex Inc" }),
  r("p34", "ROBERT", "TAYLOR", { e: "r.taylor@globex.com" }),

  r("p35", "William", "Davies", { e: "w.davies@outlook.com" }),
  r("p35", "W.", "Davies", { e: "W.Davies@outlook.com", y: "Cardiff" }),

  r("p44", "Oliver", "Wright", { p: "+44 7911 123456", y: "Leeds" }),
  r("p44", "oliver", "wright", { p: "0044 7911 123456" }),
  r("p44", "WRIGHT", "OLIVER", { p: "+447911123456" }),

  // ---- Hard negatives: every record below is its own person ------------------------------------
  // Colleagues on the company switchboard (the same phone and company, clearly different names).
  r("n01a", "Jonas", "Kazlauskas", { p: "8 5 211 1111", c: "UAB „Alfa Statyba“", y: "Vilnius" }),
  r("n01b", "Ona", "Petrauskienė", { p: "+370 5 211 1111", c: "Alfa statyba, UAB", y: "Vilnius" }),
  r("n01c", "Petras", "Jonaitis", { p: "852111111", c: "UAB Alfa Statyba" }),
  r("n01d", "Laura", "Vaitkutė", { p: "8 (5) 211 1111", c: "AB Alfa statyba", y: "Vilnius" }),
  r("n14a", "Marko", "Kovač", { p: "+386 1 471 3000", c: "Petrol d.d.", y: "Ljubljana" }),
  r("n14b", "Nina", "Potočnik", { p: "00386 1 471 3000", c: "Petrol, d. d.", y: "Ljubljana" }),
  r("n14c", "Peter", "Kos", { p: "+386 1 471 3000", c: "PETROL d.d." }),
  r("n15a", "Анна", "Сидорова", { p: "+7 495 123-45-67", c: "ООО «Ромашка»", y: "Москва" }),
  r("n15b", "Олег", "Фролов", { p: "+7 (495) 123-45-67", c: "ООО «Ромашка»", y: "Москва" }),
  r("n15c", "Viktor", "Gusev", { p: "+74951234567", c: "Romashka LLC" }),
  // Namesakes: the same name, other companies (email domains) and cities.
  r("n02a", "Jonas", "Petraitis", { e: "jonas.petraitis@alfa.lt", c: "UAB Alfa", y: "Vilnius" }),
  r("n02b", "Jonas", "Petraitis", { e: "jpetraitis@beta.lt", c: "UAB Beta", y: "Kaunas" }),
  r("n02c", "Jonas", "Petraitis", { e: "jonaspetraitis@gmail.com", y: "Klaipėda" }),
  r("n06", "Ivan", "Petrov", { e: "ivan.petrov@stroymontazh.ru", c: "Stroymontazh LLC", y: "Saint Petersburg" }),
  r("n08", "Andris", "Kalniņš", { e: "andris.kalnins@rigasudens.lv", c: 'SIA "Rīgas ūdens"', y: "Rīga" }),
  r("n09a", "David", "Jones", { e: "david.jones@acme.co.uk", c: "Acme Ltd", y: "London" }),
  r("n09b", "David", "Jones", { e: "djones@globex.com", c: "Globex Inc", y: "New York" }),
  r("n10", "John", "Smith", { e: "john.smith@initech.com", c: "Initech Inc", y: "London" }),
  r("n12", "Matej", "Novak", { e: "matej.novak@mercator.si", c: "Mercator d.d.", y: "Ljubljana" }),
  // Father and son, twins' namesakes: the same name and home phone, different birthdays.
  r("n03a", "Antanas", "Kairys", { p: "8 37 233 445", y: "Kaunas", b: "1958-03-02" }),
  r("n03b", "Antanas", "Kairys", { p: "+370 37 233 445", y: "Kaunas", b: "1986-07-19" }),
  r("n16a", "James", "Wilson", { p: "+44 20 7946 0958", y: "London", b: "1970-11-30" }),
  r("n16b", "James", "Wilson", { p: "0044 20 7946 0958", y: "London", b: "2001-04-12" }),
  r("n11a", "Мария", "Иванова", { c: "ООО «Ромашка»", y: "Москва", b: "1980-02-02" }),
  r("n11b", "Maria", "Ivanova", { c: "Romashka LLC", y: "Moscow", b: "1995-09-09" }),
  // Family on one line: husband and wife, mother and daughter, brothers in the family business.
  r("n04a", "Jonas", "Grigas", { p: "8 612 00001", y: "Kėdainiai" }),
  r("n04b", "Asta", "Grigienė", { p: "+370 612 00001", y: "Kėdainiai" }),
  r("n05a", "Rasa", "Mockienė", { p: "8 618 44444", y: "Alytus", b: "1965-01-01" }),
  r("n05b", "Rasa", "Mockutė", { p: "+370 618 44444", y: "Alytus" }),
  r("n07a", "Tomas", "Butkus", { p: "8 640 12345", c: "UAB Butkaus ūkis" }),
  r("n07b", "Tadas", "Butkus", { p: "+370 640 12345", c: "Butkaus ūkis, UAB" }),
  r("n18a", "Darius", "Petrauskas", { c: "UAB Petrausko statyba", y: "Vilnius" }),
  r("n18b", "Marius", "Petrauskas", { c: "Petrausko statyba UAB", y: "Vilnius" }),
  r("n17a", "Jānis", "Ozols", { c: 'SIA "Rīgas Koks"', y: "Rīga" }),
  r("n17b", "Jānis", "Ozoliņš", { c: "Rigas Koks SIA", y: "Riga" }),
  r("n19a", "Ieva", "Kazlauskaitė", { p: "8 601 11111", c: "UAB Medis" }),
  r("n19b", "Ieva", "Kazlauskienė", { p: "+370 601 11111", c: "UAB Medis" }),
  r("n20a", "Jonas", "Jonaitis", { p: "8 699 00001", y: "Vilnius", b: "1975-05-05" }),
  r("n20b", "Jonas", "Jonaitis", { p: "8 699 00002", y: "Vilnius", b: "1990-10-10" }),
  r("n21a", "Anna", "Sidorova", { e: "anna.sidorova@yandex.ru", y: "Kazan" }),
  r("n21b", "Anna", "Sidorova", { e: "sidorova.a@globex.com", c: "Globex Inc", y: "Novosibirsk" }),

  // ---- People with nobody like them ----------------------------------------------------------
  r("s01", "Justina", "Baranauskaitė", { e: "justina@baranauskai.lt", y: "Vilnius" }),
  r("s02", "Mantas", "Kavaliauskas", { p: "8 612 77777", c: "UAB „Alfa Statyba“" }),
  r("s03", "Dace", "Liepa", { c: 'SIA "Rīgas Koks"', y: "Rīga" }),
  r("s04", "Uldis", "Zariņš", { e: "uldis@zarins.lv" }),
  r("s05", "Nejc", "Kos", { c: "Gorenje d.o.o.", y: "Velenje" }),
  r("s06", "Urška", "Novak", { c: "Krka d.d.", y: "Novo mesto" }),
  r("s07", "Борис", "Козлов", { c: "АО «Вектор»", p: "+7 916 987-65-43" }),
  r("s08", "Елена", "Павлова", { y: "Москва" }),
  r("s09", "Charlotte", "Evans", { c: "Acme Ltd", y: "London" }),
  r("s10", "George", "Hughes", { e: "george.hughes@northwind.co.uk", c: "Northwind Traders Ltd" }),
  r("s11", "Saulius", "Rimkus", { e: "saulius.rimkus@gmail.com", y: "Alytus" }),
  r("s12", "Jonas", "Vaitkus", { c: "VšĮ „Sveikata visiems“", y: "Šiauliai" }),
  r("s13", "Ivan", "Petrenko", { c: "Romashka LLC", y: "Moscow" }),
  r("s14", "Janis", "Berzinskis", { c: "SIA Rīgas Koks", y: "Rīga" }),
  r("s15", "Mikhail", "Smirnov", { c: "Vektor JSC" }),
  r("s16", null, null, { e: "office@lexlaw.lt" }),
  r("s17", "Emily", "Clarkson", { c: "Northwind Traders Ltd", y: "London" }),

  // ---- Known limits, kept so the numbers stay honest ------------------------------------------
  // A nickname is a different word to every rule here: missed.
  r("k01", "Robert", "Hughes", { c: "Initech Inc", y: "Leeds" }),
  r("k01", "Bob", "Hughes", { c: "Initech Inc" }),
  // The Lithuanian form of a Russian name on the same phone reads as a different name: missed.
  r("k02", "Aleksandras", "Ivanovas", { p: "8 611 90909", y: "Vilnius" }),
  r("k02", "Александр", "Иванов", { p: "+370 611 90909" }),
  // Two namesakes in one large company and city, nothing else to tell them apart: merged.
  r("k03a", "Elena", "Kuznetsova", { c: "ООО «Ромашка»", y: "Москва" }),
  r("k03b", "Елена", "Кузнецова", { c: "Romashka LLC", y: "Москва" }),
];
