/*
** school/demo_names.c — the names of the demo school's people: given and
** family names of thirteen backgrounds with their first languages and
** shares of learners, and the folding of a name into an e-mail address.
*/
#include "school/demo_internal.h"

_Static_assert(NAME_GROUPS == 13, "NAME_GROUPS is the number of backgrounds");

/* ---- names -------------------------------------------------------------- */

static const char *const ie_f[] = {
    "Aoife", "Ciara", "Saoirse", "Niamh", "Róisín", "Sinéad", "Caoimhe", "Emma", "Sophie",
    "Chloe", "Grace", "Ella", "Amy", "Sarah", "Katie", "Lauren", "Megan", "Rachel", "Leah",
    "Hannah", "Jessica", "Orla", "Éabha", "Clodagh", "Aisling", "Shauna", "Chelsea",
    "Courtney", "Molly", "Ava", "Kayla", "Nicole"};
static const char *const ie_m[] = {
    "Seán", "Conor", "Jack", "Cian", "Oisín", "Darragh", "Cillian", "Liam", "Adam", "Dylan",
    "Ryan", "Jamie", "Kyle", "Evan", "Daniel", "Michael", "Patrick", "Aaron", "Luke", "Tadhg",
    "Eoin", "Ciarán", "Shane", "Dean", "Nathan", "Josh", "Callum", "Kevin", "Mark", "Fionn",
    "Jason", "Stephen"};
static const char *const ie_fam[] = {
    "Murphy", "Kelly", "O'Sullivan", "Walsh", "Smith", "O'Brien", "Byrne", "Ryan", "O'Connor",
    "O'Neill", "Doyle", "McCarthy", "Gallagher", "Doherty", "Kennedy", "Lynch", "Murray",
    "Quinn", "Moore", "McLoughlin", "Carroll", "Connolly", "Daly", "Connell", "Wilson",
    "Dunne", "Brennan", "Burke", "Collins", "Campbell", "Clarke", "Johnston", "Hughes",
    "Farrell", "Fitzgerald", "Brown", "Martin", "Maguire", "Nolan", "Flynn", "Keane", "Power",
    "Whelan", "Cullen", "Reilly", "Hayes", "Kavanagh", "Ó Súilleabháin", "Mac Giolla Phádraig",
    "Ó Briain", "McDonagh", "Ward", "Joyce"};
static const char *const ie_fam_f[] = {
    "Murphy", "Kelly", "O'Sullivan", "Walsh", "Smith", "O'Brien", "Byrne", "Ryan", "O'Connor",
    "O'Neill", "Doyle", "McCarthy", "Gallagher", "Doherty", "Kennedy", "Lynch", "Murray",
    "Quinn", "Moore", "McLoughlin", "Carroll", "Connolly", "Daly", "Connell", "Wilson",
    "Dunne", "Brennan", "Burke", "Collins", "Campbell", "Clarke", "Johnston", "Hughes",
    "Farrell", "Fitzgerald", "Brown", "Martin", "Maguire", "Nolan", "Flynn", "Keane", "Power",
    "Whelan", "Cullen", "Reilly", "Hayes", "Kavanagh", "Ní Shúilleabháin",
    "Nic Giolla Phádraig", "Ní Bhriain", "McDonagh", "Ward", "Joyce"};

static const char *const pl_f[] = {
    "Zuzanna", "Julia", "Maja", "Zofia", "Hanna", "Lena", "Aleksandra", "Amelia", "Oliwia",
    "Natalia", "Wiktoria", "Małgorzata", "Agnieszka", "Karolina"};
static const char *const pl_m[] = {
    "Jakub", "Kacper", "Szymon", "Filip", "Mateusz", "Michał", "Bartosz", "Wojciech",
    "Łukasz", "Piotr", "Paweł", "Krzysztof", "Tomasz", "Dawid"};
static const char *const pl_fam[] = {
    "Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski",
    "Zieliński", "Szymański", "Woźniak", "Dąbrowski", "Kozłowski", "Mazur", "Jankowski",
    "Kwiatkowski", "Krawczyk"};
static const char *const pl_fam_f[] = {
    "Nowak", "Kowalska", "Wiśniewska", "Wójcik", "Kowalczyk", "Kamińska", "Lewandowska",
    "Zielińska", "Szymańska", "Woźniak", "Dąbrowska", "Kozłowska", "Mazur", "Jankowska",
    "Kwiatkowska", "Krawczyk"};

static const char *const lt_f[] = {
    "Emilija", "Gabija", "Austėja", "Ugnė", "Kamilė", "Urtė", "Viltė", "Goda", "Rūta"};
static const char *const lt_m[] = {
    "Lukas", "Matas", "Jonas", "Dominykas", "Nojus", "Mantas", "Kajus", "Rokas", "Tomas"};
static const char *const lt_fam[] = {
    "Kazlauskas", "Jankauskas", "Petrauskas", "Stankevičius", "Vasiliauskas", "Žukauskas",
    "Butkus", "Paulauskas", "Urbonas", "Kavaliauskas"};
static const char *const lt_fam_f[] = {
    "Kazlauskaitė", "Jankauskaitė", "Petrauskaitė", "Stankevičiūtė", "Vasiliauskaitė",
    "Žukauskaitė", "Butkutė", "Paulauskaitė", "Urbonaitė", "Kavaliauskaitė"};

static const char *const ro_f[] = {
    "Andreea", "Elena", "Ioana", "Maria", "Alexandra", "Bianca", "Denisa", "Cristina",
    "Larisa", "Raluca"};
static const char *const ro_m[] = {
    "Andrei", "Alexandru", "Ionuț", "Mihai", "Ștefan", "Gabriel", "Florin", "Vlad", "Cosmin",
    "Darius"};
static const char *const ro_fam[] = {
    "Popescu", "Ionescu", "Popa", "Pop", "Radu", "Dumitru", "Stan", "Stoica", "Gheorghe",
    "Matei", "Ciobanu", "Rusu", "Munteanu", "Constantin", "Marin", "Moldovan", "Lungu"};

static const char *const br_f[] = {
    "Ana", "Beatriz", "Larissa", "Gabriela", "Fernanda", "Camila", "Júlia", "Mariana",
    "Letícia", "Isabela"};
static const char *const br_m[] = {
    "João", "Gabriel", "Lucas", "Matheus", "Pedro", "Rafael", "Gustavo", "Felipe", "Thiago",
    "Vinícius"};
static const char *const br_fam[] = {
    "Silva", "Santos", "Oliveira", "Souza", "Pereira", "Costa", "Rodrigues", "Almeida",
    "Nascimento", "Lima", "Araújo", "Ferreira", "Carvalho", "Gomes", "Ribeiro"};

static const char *const ng_f[] = {
    "Chiamaka", "Adaeze", "Ngozi", "Funmilayo", "Temitope", "Blessing", "Precious",
    "Oluwaseun", "Chidinma", "Folake", "Esther", "Favour"};
static const char *const ng_m[] = {
    "Chinedu", "Emeka", "Tunde", "Ifeanyi", "Obinna", "Adebayo", "David", "Samuel", "Daniel",
    "Chukwuemeka", "Tobi", "Kelechi"};
static const char *const ng_fam[] = {
    "Okafor", "Adeyemi", "Okonkwo", "Eze", "Nwosu", "Adebayo", "Okeke", "Oladipo", "Uchenna",
    "Balogun", "Ogunleye", "Nwachukwu", "Obi", "Afolabi"};

static const char *const in_f[] = {
    "Ananya", "Priya", "Aditi", "Diya", "Sneha", "Aleena", "Anjali", "Riya", "Neha", "Meera"};
static const char *const in_m[] = {
    "Arjun", "Rahul", "Aditya", "Rohan", "Vishnu", "Abhinav", "Arun", "Jithin", "Sandeep",
    "Karan"};
static const char *const in_fam[] = {
    "Thomas", "Joseph", "Varghese", "Kumar", "Sharma", "Singh", "Patel", "Nair", "Menon",
    "Mathew", "George", "Kurian", "Gupta"};

static const char *const ua_f[] = {
    "Anastasiia", "Sofiia", "Daryna", "Viktoriia", "Yuliia", "Kateryna", "Olena", "Iryna",
    "Polina", "Mariia"};
static const char *const ua_m[] = {
    "Oleksandr", "Dmytro", "Maksym", "Artem", "Andrii", "Bohdan", "Mykola", "Yaroslav",
    "Denys", "Vladyslav"};
static const char *const ua_fam[] = {
    "Shevchenko", "Bondarenko", "Kovalenko", "Tkachenko", "Kravchenko", "Melnyk", "Boiko",
    "Oliinyk", "Lysenko", "Rudenko", "Savchenko", "Moroz", "Marchenko", "Petrenko"};

static const char *const sy_f[] = {
    "Fatima", "Aya", "Maryam", "Nour", "Rama", "Hala", "Lina", "Sara", "Yasmin", "Rasha"};
static const char *const sy_m[] = {
    "Mohammad", "Ahmad", "Omar", "Ali", "Khaled", "Yousef", "Hassan", "Ibrahim", "Mahmoud",
    "Karim"};
static const char *const sy_fam[] = {
    "Al-Hassan", "Haddad", "Al-Khatib", "Darwish", "Khalil", "Mansour", "Nasser", "Saleh",
    "Hamdan", "Al-Ahmad", "Qassem", "Youssef"};

static const char *const cn_f[] = {"Mei", "Xinyi", "Yuxin", "Jing", "Lin", "Xiaoyu", "Wen", "Hui"};
static const char *const cn_m[] = {"Wei", "Hao", "Jun", "Yang", "Zhi", "Jian", "Lei", "Ming"};
static const char *const cn_fam[] = {
    "Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Lin"};

static const char *const ph_f[] = {
    "Maria", "Angel", "Princess", "Kristine", "Jasmine", "Mary Joy", "Althea", "Camille",
    "Nicole", "Janelle"};
static const char *const ph_m[] = {
    "John Paul", "Mark", "Christian", "Jerome", "Carlo", "Miguel", "Joshua", "Angelo", "Paolo",
    "Ramon"};
static const char *const ph_fam[] = {
    "Santos", "Reyes", "Cruz", "Bautista", "Garcia", "Mendoza", "Dela Cruz", "Villanueva",
    "Ramos", "Aquino", "Castillo", "Gonzales"};

static const char *const pk_f[] = {"Ayesha", "Zainab", "Hira", "Sana", "Iqra", "Amna", "Mahnoor"};
static const char *const pk_m[] = {
    "Muhammad", "Usman", "Bilal", "Hamza", "Zain", "Ahmed", "Hassan", "Imran"};
static const char *const pk_fam[] = {
    "Khan", "Ahmed", "Hussain", "Malik", "Iqbal", "Butt", "Chaudhry", "Raza", "Shah", "Qureshi"};

static const char *const es_f[] = {
    "Lucía", "Sofía", "Martina", "María", "Paula", "Carmen", "Laura", "Alba"};
static const char *const es_m[] = {
    "Hugo", "Pablo", "Álvaro", "Daniel", "Javier", "Adrián", "Sergio", "Diego"};
static const char *const es_fam[] = {
    "García", "Fernández", "González", "Rodríguez", "López", "Martínez", "Sánchez", "Pérez",
    "Gómez", "Martín", "Jiménez", "Ruiz"};

#define NG(f, m, fam, famf) f, m, fam, famf, (int)COUNT(f), (int)COUNT(m), (int)COUNT(fam)
const name_group demo_name_groups[NAME_GROUPS] = {
    {NG(ie_f, ie_m, ie_fam, ie_fam_f), {"ga", NULL, NULL}, {1, 0, 0}, 0.02, 0, 720},
    {NG(pl_f, pl_m, pl_fam, pl_fam_f), {"pl", NULL, NULL}, {1, 0, 0}, 0.75, 1, 60},
    {NG(lt_f, lt_m, lt_fam, lt_fam_f), {"lt", NULL, NULL}, {1, 0, 0}, 0.75, 1, 20},
    {NG(ro_f, ro_m, ro_fam, NULL), {"ro", NULL, NULL}, {1, 0, 0}, 0.75, 1, 30},
    {NG(br_f, br_m, br_fam, NULL), {"pt", NULL, NULL}, {1, 0, 0}, 0.8, 1, 30},
    {NG(ng_f, ng_m, ng_fam, NULL), {"yo", "ig", NULL}, {55, 45, 0}, 0.45, 1, 30},
    {NG(in_f, in_m, in_fam, NULL), {"ml", "hi", "pa"}, {40, 35, 25}, 0.7, 1, 25},
    {NG(ua_f, ua_m, ua_fam, NULL), {"uk", "ru", NULL}, {80, 20, 0}, 0.9, 1, 30},
    {NG(sy_f, sy_m, sy_fam, NULL), {"ar", NULL, NULL}, {1, 0, 0}, 0.85, 1, 20},
    {NG(cn_f, cn_m, cn_fam, NULL), {"zh", NULL, NULL}, {1, 0, 0}, 0.8, 1, 10},
    {NG(ph_f, ph_m, ph_fam, NULL), {"fil", NULL, NULL}, {1, 0, 0}, 0.6, 1, 15},
    {NG(pk_f, pk_m, pk_fam, NULL), {"ur", NULL, NULL}, {1, 0, 0}, 0.7, 1, 10},
    {NG(es_f, es_m, es_fam, NULL), {"es", NULL, NULL}, {1, 0, 0}, 0.8, 1, 10},
};

/* The family name at index i in its female or male form. */
const char *demo_family_name(const name_group *g, int i, int female) {
    return female && g->family_f ? g->family_f[i] : g->family[i];
}

/* ASCII letters for U+00C0..U+00FF and U+0100..U+017F ('?' = drop). */
static const char fold_latin1[] =
    "aaaaaaaceeeeiiiidnooooo?ouuuuyts"
    "aaaaaaaceeeeiiiidnooooo?ouuuuyty";
static const char fold_latin_a[] =
    "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiiiijjkkkllllllllllnnnnnnnnn"
    "oooooooorrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";

/* Append to out the name s folded to lower-case ASCII letters and digits
** for an e-mail address (Róisín -> roisin, O'Brien -> obrien). */
void demo_fold_ascii(buf *out, const char *s) {
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned cp;
        if (*p < 0x80) {
            cp = *p++;
        } else if ((*p & 0xE0) == 0xC0 && p[1]) {
            cp = ((unsigned)(p[0] & 0x1F) << 6) | (p[1] & 0x3F);
            p += 2;
        } else {
            p++;                         /* longer sequences: none in the lists */
            while ((*p & 0xC0) == 0x80) p++;
            continue;
        }
        char c = 0;
        if (cp < 0x80) {
            if (cp >= 'A' && cp <= 'Z') c = (char)(cp - 'A' + 'a');
            else if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9')) c = (char)cp;
            else if (cp == '-') c = '-';
        } else if (cp >= 0xC0 && cp <= 0xFF) {
            c = fold_latin1[cp - 0xC0];
        } else if (cp >= 0x100 && cp <= 0x17F) {
            c = fold_latin_a[cp - 0x100];
        } else if (cp >= 0x218 && cp <= 0x21B) {
            c = cp < 0x21A ? 's' : 't';
        }
        if (c && c != '?') buf_putc(out, c);
    }
}
