/*
** school/demo.c — the demo school: Riverside Vocational College.
**
** Writes a believable vocational college as import files, one <kind>.csv per
** import kind, in the columns of school/import_spec.c.  Every later feature is
** tested, shown and benchmarked against it, so the data has the shape of the
** real thing:
**
**   - one institution (DEMO-VET, Ireland), two sites, three terms a school
**     year with the usual breaks (Halloween, Christmas, February mid-term,
**     Easter, summer) and bank holidays;
**   - eight programmes (EQF 3-4, two or three years) with cohorts entering
**     every September, taught in groups of about 22 (EL-1A 2024/25 is the
**     same class as EL-2A 2025/26), teachers, trainers, counsellors, coaches;
**   - learners with multicultural names, birth dates, e-mails and the fairness
**     audit attributes; guardians for those under 18;
**   - enrolments that end active, completed, left_early (about one in six)
**     or transferred;
**   - per school day while enrolled: whole-day attendance, learning-platform
**     engagement, rare behaviour incidents; results per unit and assessment.
**
** Hidden model.  Each learner has a latent risk r in [0,1) that sets their
** baseline absence, lateness, results, engagement, behaviour and their
** chance of leaving.  Daily probabilities are the baseline times a calendar
** factor (Mondays and Fridays worse, winter illness, dips before breaks) and
** a class-climate factor.  In the 4-12 weeks before a learner leaves a drift
** s rises from 0 to its strength: unexcused absence, lateness, missing and
** failed work and incidents rise, engagement fades — except for about 18% of
** leavers who give no warning.  About 14% of those who stay have a bad patch
** of a few weeks with the same signs, then recover.
**
** Determinism.  Each learner draws from their own xoshiro256** stream seeded
** from (seed, learner number); the shared structure (staff, due dates,
** class climate) from hashes of the seed.  Only integer and IEEE + - * /
** arithmetic is used (no libm functions, no clock), so the same options
** give byte-identical files.
**
** Scale.  Learners are generated one at a time and their rows streamed to
** the files (rows collect in a 256 KiB buffer per file, written through a
** 1 MiB stdio buffer), so memory depends on the number of groups and staff,
** never on the number of event rows: about 14 MB for 200,000 learners.
**
** Numbers (seed 1, two school years, 2024/25-2025/26): 600 learners give
** about 143,000 attendance rows; 30,000 give 7.0 million; 45,000 give 10.5
** million.  Learners average about 234 attendance rows over two years, not
** 2 x 181 school days, because cohorts finish and enter within the period
** and some leave.  One thread writes over 10 million attendance rows (and
** 13 million engagement rows) a second when the disk keeps up.
*/
#include "school/demo.h"
#include "school/import_spec.h"
#include "base/buf.h"
#include "base/csv.h"
#include "base/date.h"
#include "base/err.h"
#include "base/mem.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof *(a))
#define DEFAULT_LEARNERS 600
#define DEFAULT_YEARS 2
#define DEFAULT_START_YEAR 2024
#define MAX_LEARNERS 10000000L
#define MAX_YEARS 10
#define FLUSH_AT (256u * 1024u)
#define CLASS_SIZE 22     /* learners a group is planned for */
#define DAY_MINUTES 360      /* a whole school day, for whole-day absences */

/* ---- random numbers ----------------------------------------------------- */

/* The splitmix64 finaliser: a well-mixed 64-bit hash of x. */
static uint64_t mix64(uint64_t x) {
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

/* A hash of the seed and up to four small numbers, for shared structure. */
static uint64_t hash5(uint64_t seed, uint64_t a, uint64_t b, uint64_t c, uint64_t d) {
    uint64_t h = mix64(seed ^ 0x5DEECE66Dull);
    h = mix64(h ^ a);
    h = mix64(h ^ (b + 0x1000003ull));
    h = mix64(h ^ (c + 0x2000005ull));
    return mix64(h ^ (d + 0x3000007ull));
}

/* A hash as a number in [0, 1). */
static double hash01(uint64_t h) {
    return (double)(h >> 11) * 0x1.0p-53;
}

typedef struct rng {
    uint64_t s[4];
} rng;

/* Seed r for one stream (a learner, the staff list) of the demo seed. */
static void rng_seed(rng *r, uint64_t seed, uint64_t stream) {
    uint64_t x = mix64(seed) ^ mix64(stream ^ 0xD1B54A32D192ED03ull);
    for (int i = 0; i < 4; i++) r->s[i] = mix64(x + (uint64_t)i * 0x632BE59BD9B4E019ull);
}

/* Rotate x left by k bits. */
static inline uint64_t rotl64(uint64_t x, int k) {
    return (x << k) | (x >> (64 - k));
}

/* The next 64 random bits (xoshiro256**). */
static inline uint64_t rng_next(rng *r) {
    uint64_t *s = r->s;
    uint64_t out = rotl64(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl64(s[3], 45);
    return out;
}

/* A uniform number in [0, 1). */
static inline double rng_unif(rng *r) {
    return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

/* A uniform whole number in [0, n), n > 0. */
static inline int rng_below(rng *r, int n) {
    return (int)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

/* 1 with probability p. */
static inline int rng_chance(rng *r, double p) {
    return rng_unif(r) < p;
}

/* A roughly normal number, mean 0 and sd 1 (Irwin-Hall of four, no libm). */
static double rng_norm(rng *r) {
    double s = rng_unif(r) + rng_unif(r) + rng_unif(r) + rng_unif(r);
    return (s - 2.0) * 1.7320508075688772;
}

/* An index in [0, n) drawn with the given weights (not all zero). */
static int rng_weighted(rng *r, const unsigned *w, int n) {
    unsigned total = 0;
    for (int i = 0; i < n; i++) total += w[i];
    int x = rng_below(r, (int)total);
    for (int i = 0; i < n; i++) {
        if (x < (int)w[i]) return i;
        x -= (int)w[i];
    }
    return n - 1;
}

/* ---- names -------------------------------------------------------------- */

/* One background: given names by sex, family names (a female form aligned
** with the male one where the language has them), first languages. */
typedef struct name_group {
    const char *const *female, *const *male, *const *family, *const *family_f;
    int nfemale, nmale, nfamily;
    const char *lang[3];      /* first languages for those not speaking English */
    unsigned lang_w[3];
    double lang_home;         /* share whose first language is not English */
    int migrant;              /* 1 = migrant background */
    unsigned weight;          /* share of learners (of the sum of weights) */
} name_group;

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
static const name_group name_groups[] = {
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
#define NAME_GROUPS ((int)COUNT(name_groups))

/* The family name at index i in its female or male form. */
static const char *family_name(const name_group *g, int i, int female) {
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
static void fold_ascii(buf *out, const char *s) {
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

/* ---- programmes ----------------------------------------------------------- */

typedef struct programme_def {
    const char *code, *name, *field, *site;
    int eqf, years;
    double weight;        /* relative intake */
    double female;        /* share of female learners */
    double absence;       /* programme factor on unexcused absence */
    double leaving;       /* programme factor on the chance of leaving */
    const char *units[9]; /* three vocational units per year of programme */
} programme_def;

static const programme_def programmes[] = {
    {"EL", "Electrician", "Electrical engineering", "EGT", 4, 3, 1.2, 0.05, 0.95, 0.9,
     {"SAFETY", "CIRCUITS", "TOOLS", "WIRING", "MACHINES", "CONTROLS", "INSTALL", "SOLAR",
      "TESTING"}},
    {"CK", "Cook", "Hospitality and catering", "RIV", 4, 3, 1.0, 0.40, 1.10, 1.15,
     {"HYGIENE", "KNIFE", "BASICS", "PASTRY", "SAUCES", "MENU", "KITCHEN", "COSTING",
      "SERVICE"}},
    {"RT", "Retail sales assistant", "Wholesale and retail", "RIV", 3, 2, 0.9, 0.55, 1.15, 1.2,
     {"SALES", "STOCK", "CUSTOMER", "VISUAL", "ONLINE", "CASH", NULL, NULL, NULL}},
    {"HC", "Health-care assistant", "Health and social care", "RIV", 4, 3, 1.1, 0.85, 0.90, 0.85,
     {"CARE", "FIRSTAID", "BODY", "MOBILITY", "NUTRITION", "DEMENTIA", "PALLIATIVE", "MEDS",
      "RECORDS"}},
    {"IT", "IT technician", "Information and communication technologies", "EGT", 4, 3, 1.2,
     0.15, 1.00, 0.95,
     {"HARDWARE", "OS", "NETWORK", "SCRIPT", "SUPPORT", "SECURITY", "CLOUD", "DATABASE",
      "PROJECT"}},
    {"CM", "Car mechatronics technician", "Motor vehicles", "EGT", 4, 3, 1.0, 0.05, 0.95, 0.9,
     {"ENGINE", "TOOLS", "SAFETY", "BRAKES", "ELECTRICS", "DIAG", "HYBRID", "COMFORT",
      "SERVICE"}},
    {"HD", "Hairdresser", "Personal services", "RIV", 3, 3, 0.7, 0.85, 1.10, 1.1,
     {"CUT", "COLOUR", "CLIENT", "STYLE", "CHEMISTRY", "BARBER", "SALON", "BRIDAL",
      "BUSINESS"}},
    {"LG", "Warehouse and logistics operative", "Transport and logistics", "EGT", 3, 2, 0.8,
     0.20, 1.20, 1.2,
     {"WAREHOUSE", "FORKLIFT", "STOCK", "ROUTES", "CUSTOMS", "SYSTEMS", NULL, NULL, NULL}},
};
#define PROGRAMMES ((int)COUNT(programmes))
#define MAX_PROG_YEARS 3

/* ---- calendar ------------------------------------------------------------- */

typedef struct year_cal {
    int year;                        /* calendar year the school year starts in */
    int32_t first, last;             /* first and last school day */
    int32_t term_first[3], term_last[3];
    int32_t off[12][2];              /* closed ranges without school */
    int noff;
} year_cal;

/* The first day on or after d that is weekday wd (0 = Monday). */
static int32_t on_or_after(int32_t d, int wd) {
    while (date_weekday(d) != wd) d++;
    return d;
}

/* The last day on or before d that is weekday wd (0 = Monday). */
static int32_t on_or_before(int32_t d, int wd) {
    while (date_weekday(d) != wd) d--;
    return d;
}

/* Easter Sunday of year y (the anonymous Gregorian algorithm). */
static int32_t easter_sunday(int y) {
    int a = y % 19, b = y / 100, c = y % 100, d = b / 4, e = b % 4;
    int f = (b + 8) / 25, g = (b - f + 1) / 3, h = (19 * a + b - d - g + 15) % 30;
    int i = c / 4, k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7;
    int m = (a + 11 * h + 22 * l) / 451;
    int month = (h + l - 7 * m + 114) / 31, day = (h + l - 7 * m + 114) % 31 + 1;
    return date_from_ymd(y, month, day);
}

/* Add the closed range [a, b] of days without school to c. */
static void cal_off(year_cal *c, int32_t a, int32_t b) {
    c->off[c->noff][0] = a;
    c->off[c->noff][1] = b;
    c->noff++;
}

/* 1 if d is a school day of the school year c: Monday to Friday, within the
** year, not in a break or on a bank holiday. */
static int cal_is_school_day(const year_cal *c, int32_t d) {
    if (d < c->first || d > c->last || date_weekday(d) > 4) return 0;
    for (int i = 0; i < c->noff; i++)
        if (d >= c->off[i][0] && d <= c->off[i][1]) return 0;
    return 1;
}

/* The nearest school day of c at or after d (dir 1) or at or before d (-1). */
static int32_t cal_school_day(const year_cal *c, int32_t d, int dir) {
    while (!cal_is_school_day(c, d)) d += dir;
    return d;
}

/* Fill c with the school year starting in September of year y, on an Irish
** pattern: from the first Monday of September to the last Friday on or
** before 27 June, with Halloween week, Christmas (21 Dec - 5 Jan), St
** Brigid's Day, February mid-term, St Patrick's Day, two weeks at Easter and
** the May and June bank holidays off. */
static void year_cal_make(int y, year_cal *c) {
    memset(c, 0, sizeof *c);
    c->year = y;
    c->first = on_or_after(date_from_ymd(y, 9, 1), 0);
    c->last = on_or_before(date_from_ymd(y + 1, 6, 27), 4);
    int32_t h = date_from_ymd(y, 10, 31);
    int32_t mon = h - date_weekday(h);
    cal_off(c, mon, mon + 4);
    cal_off(c, date_from_ymd(y, 12, 21), date_from_ymd(y + 1, 1, 5));
    int32_t f1 = date_from_ymd(y + 1, 2, 1);
    int32_t brigid = date_weekday(f1) == 4 ? f1 : on_or_after(f1, 0);
    cal_off(c, brigid, brigid);
    int32_t f17 = date_from_ymd(y + 1, 2, 17);
    mon = f17 - date_weekday(f17);
    cal_off(c, mon, mon + 4);
    int32_t pat = date_from_ymd(y + 1, 3, 17);
    if (date_weekday(pat) > 4) pat = on_or_after(pat, 0);
    cal_off(c, pat, pat);
    int32_t easter = easter_sunday(y + 1);
    cal_off(c, easter - 6, easter + 5);
    int32_t may = on_or_after(date_from_ymd(y + 1, 5, 1), 0);
    cal_off(c, may, may);
    int32_t june = on_or_after(date_from_ymd(y + 1, 6, 1), 0);
    cal_off(c, june, june);
    c->term_first[0] = cal_school_day(c, c->first, 1);
    c->term_last[0] = cal_school_day(c, date_from_ymd(y, 12, 20), -1);
    c->term_first[1] = cal_school_day(c, date_from_ymd(y + 1, 1, 6), 1);
    c->term_last[1] = cal_school_day(c, easter - 7, -1);
    c->term_first[2] = cal_school_day(c, easter + 6, 1);
    c->term_last[2] = cal_school_day(c, c->last, -1);
}

/* One school day of the generated period with its calendar factors. */
typedef struct sday {
    int32_t date;
    char text[DATE_TEXT_LEN];
    unsigned char wday, month;
    double ill_f, unx_f, late_f, eng_f, beh_f, leave_w;
} sday;

/* ---- the plan: cohorts, groups, staff -------------------------------------- */

typedef struct cohort {
    int prog, entry;        /* programme index, calendar year of entry */
    long first, n;          /* learners [first, first + n) */
    int ngroups;
    double weight;
} cohort;

typedef struct demo {
    uint64_t seed;
    long learners;
    int years, start_year;
    year_cal *cal;          /* years school years */
    sday *days;             /* the school days of the period */
    int ndays;
    int *year_day0;         /* index of each school year's first day; [years] = ndays */
    int32_t first, last;    /* first and last school day */
    int *day_at;            /* date - first -> index of the first school day >= date */
    cohort *cohorts;
    int ncohorts;
    /* staff pools: indices into the staff numbering (S0001 = 1) */
    int *prog_teachers[PROGRAMMES], nprog_teachers[PROGRAMMES];
    int *prog_trainers[PROGRAMMES], nprog_trainers[PROGRAMMES];
    int *general, ngeneral;
    int *keyworkers, nkeyworkers;
    long guardian_seq, incident_seq;
} demo;

/* Calendar weights by month (index 1..12; July/August are never school days). */
static const double month_ill[13] = {0, 1.5, 1.35, 1.0, 0.8, 0.7, 0.7, 0, 0, 0.6, 0.8, 1.0, 1.3};
static const double month_unx[13] = {0, 1.05, 1.0, 1.0, 1.05, 1.2, 1.4, 0, 0, 0.7, 0.9, 1.0, 1.15};
static const double month_leave[13] = {0, 1.4, 1.0, 0.9, 0.8, 0.8, 0.6, 0, 0, 1.5, 1.4, 1.2, 1.1};
static const double wday_unx[5] = {1.35, 0.9, 0.85, 0.9, 1.45};
static const double wday_ill[5] = {1.2, 1.0, 1.0, 1.0, 1.05};
static const double wday_late[5] = {1.4, 1.0, 0.95, 1.0, 1.1};
static const double wday_eng[5] = {1.0, 1.05, 1.05, 1.0, 0.8};

/* Parse the options into d's basic fields; -1 with err set when one is out
** of range. */
static int demo_opts_read(const demo_opts *opts, demo *d, cairn_err *err) {
    d->seed = opts ? opts->seed : 0;
    d->learners = opts && opts->learners ? opts->learners : DEFAULT_LEARNERS;
    d->years = opts && opts->years ? opts->years : DEFAULT_YEARS;
    d->start_year = DEFAULT_START_YEAR;
    if (d->learners < 1 || d->learners > MAX_LEARNERS)
        return err_set(err, CAIRN_EINVAL, "demo: the number of learners must be between 1 and %ld "
                       "(got %ld)", MAX_LEARNERS, d->learners);
    if (d->years < 1 || d->years > MAX_YEARS)
        return err_set(err, CAIRN_EINVAL, "demo: the number of school years must be between 1 "
                       "and %d (got %d)", MAX_YEARS, d->years);
    if (opts && opts->start_year) {
        const char *s = opts->start_year;
        int y = 0, n = 0;
        for (; s[n] >= '0' && s[n] <= '9' && n < 5; n++) y = y * 10 + (s[n] - '0');
        if (n != 4 || s[n] || y < 1970 || y + d->years > 2150)
            return err_set(err, CAIRN_EINVAL, "demo: start year \"%.40s\" is not a year from "
                           "1970 to %d", s, 2150 - d->years);
        d->start_year = y;
    }
    return 0;
}

/* Build the calendar of the period: every school day with its factors. */
static void demo_calendar(demo *d) {
    d->cal = xcalloc((size_t)d->years, sizeof *d->cal);
    d->year_day0 = xcalloc((size_t)d->years + 1, sizeof *d->year_day0);
    for (int y = 0; y < d->years; y++) year_cal_make(d->start_year + y, &d->cal[y]);
    d->first = d->cal[0].first;
    d->last = d->cal[d->years - 1].last;
    size_t cap = (size_t)d->years * 200;
    d->days = xcalloc(cap, sizeof *d->days);
    d->ndays = 0;
    for (int y = 0; y < d->years; y++) {
        const year_cal *c = &d->cal[y];
        d->year_day0[y] = d->ndays;
        for (int32_t t = c->first; t <= c->last; t++) {
            if (!cal_is_school_day(c, t)) continue;
            if ((size_t)d->ndays == cap) {
                cap *= 2;
                d->days = xrealloc(d->days, cap * sizeof *d->days);
            }
            sday *s = &d->days[d->ndays++];
            memset(s, 0, sizeof *s);
            int yy, mm, dd;
            date_to_ymd(t, &yy, &mm, &dd);
            s->date = t;
            date_format(t, s->text);
            s->wday = (unsigned char)date_weekday(t);
            s->month = (unsigned char)mm;
        }
    }
    d->year_day0[d->years] = d->ndays;
    /* factors: the last two school days before a break (a gap longer than
    ** a long weekend) and the first day back are worse */
    for (int i = 0; i < d->ndays; i++) {
        sday *s = &d->days[i];
        int pre = 0, post = 0;
        for (int k = 0; k < 2 && i + k < d->ndays; k++) {
            int32_t next = i + k + 1 < d->ndays ? d->days[i + k + 1].date : s->date + 90;
            if (next - d->days[i + k].date > 4) pre = 1;
        }
        if (i > 0 && s->date - d->days[i - 1].date > 4) post = 1;
        s->ill_f = month_ill[s->month] * wday_ill[s->wday];
        s->unx_f = month_unx[s->month] * wday_unx[s->wday] * (pre ? 1.8 : 1.0) * (post ? 1.3 : 1.0);
        s->late_f = wday_late[s->wday] * (s->month == 12 || s->month <= 2 ? 1.2 : 1.0) *
                    (post ? 1.3 : 1.0);
        s->eng_f = wday_eng[s->wday] * (pre ? 0.8 : 1.0) * (s->month == 6 ? 0.85 : 1.0);
        s->beh_f = (s->wday == 4 ? 1.2 : 1.0) * (pre ? 1.3 : 1.0) * (s->month == 6 ? 0.8 : 1.0);
        s->leave_w = month_leave[s->month];
    }
    int span = d->last - d->first + 1;
    d->day_at = xmalloc((size_t)span * sizeof *d->day_at);
    int j = 0;
    for (int k = 0; k < span; k++) {
        while (j < d->ndays && d->days[j].date < d->first + k) j++;
        d->day_at[k] = j;
    }
}

/* Index of the first school day of the period on or after date t. */
static int day_index(const demo *d, int32_t t) {
    if (t <= d->first) return 0;
    if (t > d->last) return d->ndays;
    return d->day_at[t - d->first];
}

/* First and last school day of the school year starting in year y, which may
** lie outside the period (for learners who entered earlier or finish later). */
static void school_year_bounds(const demo *d, int y, int32_t *first, int32_t *last) {
    if (y >= d->start_year && y < d->start_year + d->years) {
        *first = d->cal[y - d->start_year].first;
        *last = d->cal[y - d->start_year].last;
        return;
    }
    year_cal c;
    year_cal_make(y, &c);
    *first = c.first;
    *last = c.last;
}

/* How many groups a cohort of n learners is taught in: n / 22 rounded, at
** least one (so groups hold about 16 to 33 learners, 22 on average). */
static int groups_for(long n) {
    if (n == 0) return 0;
    if (n < CLASS_SIZE + CLASS_SIZE / 2) return 1;
    return (int)((n + CLASS_SIZE / 2) / CLASS_SIZE);
}

/* Split the learners into cohorts (programme x entry year) by intake weight,
** earlier cohorts thinned by those who left before the period. */
static void demo_cohorts(demo *d) {
    int n = 0, cap = PROGRAMMES * (d->years + MAX_PROG_YEARS);
    d->cohorts = xcalloc((size_t)cap, sizeof *d->cohorts);
    double total = 0;
    for (int e = d->start_year - MAX_PROG_YEARS + 1; e < d->start_year + d->years; e++) {
        for (int p = 0; p < PROGRAMMES; p++) {
            if (e + programmes[p].years - 1 < d->start_year) continue;
            cohort *c = &d->cohorts[n++];
            c->prog = p;
            c->entry = e;
            c->weight = programmes[p].weight;
            for (int k = e; k < d->start_year; k++) c->weight *= 0.86;
            total += c->weight;
        }
    }
    d->ncohorts = n;
    /* largest remainder: floors first, then the biggest fractions */
    long given = 0;
    double *frac = xcalloc((size_t)n, sizeof *frac);
    for (int i = 0; i < n; i++) {
        double q = (double)d->learners * d->cohorts[i].weight / total;
        d->cohorts[i].n = (long)q;
        frac[i] = q - (double)d->cohorts[i].n;
        given += d->cohorts[i].n;
    }
    while (given < d->learners) {
        int best = 0;
        for (int i = 1; i < n; i++)
            if (frac[i] > frac[best]) best = i;
        d->cohorts[best].n++;
        frac[best] = -1;
        given++;
    }
    free(frac);
    long first = 0;
    for (int i = 0; i < n; i++) {
        cohort *c = &d->cohorts[i];
        c->first = first;
        first += c->n;
        c->ngroups = groups_for(c->n);
    }
}

/* The cohort of programme p that is in year k of the programme in school
** year y, or NULL. */
static const cohort *cohort_in_year(const demo *d, int p, int y, int k) {
    for (int i = 0; i < d->ncohorts; i++)
        if (d->cohorts[i].prog == p && d->cohorts[i].entry == y - k + 1) return &d->cohorts[i];
    return NULL;
}

/* Write the group letter(s) for index i: A..Z, AA, AB, ... */
static void group_letters(int i, char out[8]) {
    char tmp[8];
    int n = 0;
    i++;
    while (i > 0 && n < 7) {
        i--;
        tmp[n++] = (char)('A' + i % 26);
        i /= 26;
    }
    for (int k = 0; k < n; k++) out[k] = tmp[n - 1 - k];
    out[n] = 0;
}

/* The code ("EL-1A-2024") and name ("EL-1A 2024/25") of group letter g of
** programme p, year k of the programme, school year y. */
static void group_code(int p, int k, int g, int y, char code[48], char name[48]) {
    char l[8];
    group_letters(g, l);
    snprintf(code, 48, "%s-%d%s-%d", programmes[p].code, k, l, y);
    if (name) snprintf(name, 48, "%s-%d%s %d/%02d", programmes[p].code, k, l, y, (y + 1) % 100);
}

/* ---- output files ---------------------------------------------------------- */

typedef struct out_file {
    FILE *f;
    char *path;
    char *vbuf;
    buf b;
    long rows;
    int err;               /* errno of the first failed write, 0 = fine */
} out_file;

/* Write out what o has buffered; records a failure in o->err. */
static void out_flush(out_file *o) {
    if (o->b.len && !o->err && fwrite(o->b.data, 1, o->b.len, o->f) != o->b.len)
        o->err = errno ? errno : EIO;
    buf_reset(&o->b);
}

/* Append one cell (any text, quoted when needed) and its separator. */
static void cell(out_file *o, const char *s) {
    csv_write_field(&o->b, s, strlen(s), ',', 0);
    buf_putc(&o->b, ',');
}

/* Append a whole-number cell. */
static void cell_int(out_file *o, long v) {
    char t[24];
    int n = snprintf(t, sizeof t, "%ld,", v);
    buf_append(&o->b, t, (size_t)n);
}

/* Append a yes/no cell. */
static void cell_bool(out_file *o, int v) {
    buf_append(&o->b, v ? "yes," : "no,", v ? 4 : 3);
}

/* End the row: the last separator becomes the line end. */
static void row_end(out_file *o) {
    o->b.data[o->b.len - 1] = '\n';
    o->rows++;
    if (o->b.len >= FLUSH_AT) out_flush(o);
}

/* Create dir/<kind>.csv and write its header from the spec. */
static int out_open(out_file *o, const char *dir, import_kind k, cairn_err *err) {
    buf p = BUF_INIT;
    buf_printf(&p, "%s/%s.csv", dir, import_kind_name(k));
    o->path = buf_detach(&p);
    o->f = fopen(o->path, "wb");
    if (!o->f) return err_set(err, CAIRN_EIO, "cannot create %s: %s", o->path, strerror(errno));
    o->vbuf = xmalloc(1u << 20);
    setvbuf(o->f, o->vbuf, _IOFBF, 1u << 20);
    buf_reserve(&o->b, FLUSH_AT + 4096);
    const import_spec *sp = import_spec_of(k);
    for (size_t i = 0; i < sp->ncols; i++) cell(o, sp->cols[i].name);
    row_end(o);
    o->rows = 0;
    return 0;
}

/* Flush and close o; -1 with err set if any write failed.  Frees o's memory. */
static int out_close(out_file *o, int ok, cairn_err *err) {
    int rc = 0;
    if (o->f) {
        if (ok) out_flush(o);
        if (fclose(o->f) != 0 && !o->err) o->err = errno ? errno : EIO;
        if (ok && o->err)
            rc = err_set(err, CAIRN_EIO, "cannot write %s: %s", o->path, strerror(o->err));
    }
    free(o->vbuf);
    free(o->path);
    buf_free(&o->b);
    memset(o, 0, sizeof *o);
    return rc;
}

/* ---- the fixed files ------------------------------------------------------- */

/* Write institutions, sites, terms, programmes and groups. */
static void write_structure(demo *d, out_file *out) {
    out_file *o = &out[IMPORT_INSTITUTIONS];
    cell(o, "DEMO-VET");
    cell(o, "Riverside Vocational College");
    cell(o, "IE");
    row_end(o);

    o = &out[IMPORT_SITES];
    cell(o, "RIV");
    cell(o, "Riverside Campus");
    cell(o, "12 Quay Street, Riverside");
    row_end(o);
    cell(o, "EGT");
    cell(o, "Eastgate Technical Centre");
    cell(o, "Unit 4, Eastgate Business Park, Riverside");
    row_end(o);

    o = &out[IMPORT_TERMS];
    static const char *const term_names[3] = {"Autumn term", "Spring term", "Summer term"};
    for (int y = 0; y < d->years; y++) {
        const year_cal *c = &d->cal[y];
        char code[32], name[64], sy[16], a[DATE_TEXT_LEN], b[DATE_TEXT_LEN];
        snprintf(sy, sizeof sy, "%d/%02d", c->year, (c->year + 1) % 100);
        for (int t = 0; t < 3; t++) {
            snprintf(code, sizeof code, "%d-T%d", c->year, t + 1);
            snprintf(name, sizeof name, "%s %s", term_names[t], sy);
            date_format(c->term_first[t], a);
            date_format(c->term_last[t], b);
            cell(o, code);
            cell(o, name);
            cell(o, sy);
            cell(o, a);
            cell(o, b);
            row_end(o);
        }
    }

    o = &out[IMPORT_PROGRAMMES];
    for (int p = 0; p < PROGRAMMES; p++) {
        cell(o, programmes[p].code);
        cell(o, programmes[p].name);
        cell_int(o, programmes[p].eqf);
        cell_int(o, programmes[p].years * 12);
        cell(o, programmes[p].field);
        row_end(o);
    }

    o = &out[IMPORT_GROUPS];
    for (int y = 0; y < d->years; y++) {
        int sy = d->start_year + y;
        char syt[16];
        snprintf(syt, sizeof syt, "%d/%02d", sy, (sy + 1) % 100);
        for (int p = 0; p < PROGRAMMES; p++)
            for (int k = 1; k <= programmes[p].years; k++) {
                const cohort *c = cohort_in_year(d, p, sy, k);
                if (!c) continue;
                for (int g = 0; g < c->ngroups; g++) {
                    char code[48], name[48];
                    group_code(p, k, g, sy, code, name);
                    cell(o, code);
                    cell(o, name);
                    cell(o, programmes[p].code);
                    cell(o, syt);
                    cell_int(o, k);
                    cell(o, programmes[p].site);
                    row_end(o);
                }
            }
    }
}

/* Write one staff member with the next number; returns the number. */
static int staff_row(out_file *o, rng *r, int *seq, const char *title) {
    int n = ++*seq;
    const name_group *g = &name_groups[rng_chance(r, 0.8) ? 0 : 1 + rng_below(r, NAME_GROUPS - 1)];
    int female = rng_chance(r, 0.55);
    const char *given = female ? g->female[rng_below(r, g->nfemale)]
                               : g->male[rng_below(r, g->nmale)];
    const char *family = family_name(g, rng_below(r, g->nfamily), female);
    char id[16];
    snprintf(id, sizeof id, "S%04d", n);
    buf e = BUF_INIT;
    fold_ascii(&e, given);
    buf_putc(&e, '.');
    fold_ascii(&e, family);
    buf_printf(&e, "%d@riverside-college.example", n);
    cell(o, id);
    cell(o, given);
    cell(o, family);
    cell(o, buf_cstr(&e));
    cell(o, title);
    row_end(o);
    buf_free(&e);
    return n;
}

/* Most groups programme p has in any one school year of the period. */
static int max_groups(const demo *d, int p) {
    int best = 0;
    for (int y = 0; y < d->years; y++) {
        int n = 0;
        for (int k = 1; k <= programmes[p].years; k++) {
            const cohort *c = cohort_in_year(d, p, d->start_year + y, k);
            if (c) n += c->ngroups;
        }
        if (n > best) best = n;
    }
    return best;
}

/* Write the staff (head, deputies, counsellors, coaches, social workers,
** teachers of general subjects, programme teachers and trainers) and keep
** the pools group_staff draws from. */
static void write_staff(demo *d, out_file *o) {
    rng r;
    rng_seed(&r, d->seed, 0xC0FFEEull);
    int seq = 0, total_groups = 0, mg[PROGRAMMES];
    for (int p = 0; p < PROGRAMMES; p++) total_groups += mg[p] = max_groups(d, p);
    staff_row(o, &r, &seq, "head");
    for (int i = 0; i < 1 + total_groups / 60; i++) staff_row(o, &r, &seq, "deputy head");
    int ncouns = 2 + total_groups / 12, ncoach = 2 + total_groups / 8;
    d->nkeyworkers = ncouns + ncoach;
    d->keyworkers = xcalloc((size_t)d->nkeyworkers, sizeof(int));
    for (int i = 0; i < ncouns; i++) d->keyworkers[i] = staff_row(o, &r, &seq, "counsellor");
    for (int i = 0; i < ncoach; i++)
        d->keyworkers[ncouns + i] = staff_row(o, &r, &seq, "coach");
    for (int i = 0; i < 1 + total_groups / 40; i++) staff_row(o, &r, &seq, "social worker");
    d->ngeneral = 4 + total_groups / 3;
    d->general = xcalloc((size_t)d->ngeneral, sizeof(int));
    for (int i = 0; i < d->ngeneral; i++) d->general[i] = staff_row(o, &r, &seq, "teacher");
    for (int p = 0; p < PROGRAMMES; p++) {
        d->nprog_teachers[p] = 4 + (mg[p] * 4 + 4) / 5;
        d->prog_teachers[p] = xcalloc((size_t)d->nprog_teachers[p], sizeof(int));
        for (int i = 0; i < d->nprog_teachers[p]; i++)
            d->prog_teachers[p][i] = staff_row(o, &r, &seq, "teacher");
        d->nprog_trainers[p] = 1 + mg[p] / 4;
        d->prog_trainers[p] = xcalloc((size_t)d->nprog_trainers[p], sizeof(int));
        for (int i = 0; i < d->nprog_trainers[p]; i++)
            d->prog_trainers[p][i] = staff_row(o, &r, &seq, "trainer");
    }
}

/* One group_staff row. */
static void group_staff_row(out_file *o, const char *group, int staff, const char *role) {
    char id[16];
    snprintf(id, sizeof id, "S%04d", staff);
    cell(o, group);
    cell(o, id);
    cell(o, role);
    row_end(o);
}

/* Link every group to its class teacher, three programme teachers, two
** teachers of general subjects, a workshop trainer and a key worker. */
static void write_group_staff(const demo *d, out_file *o) {
    int gseq = 0;
    for (int y = 0; y < d->years; y++) {
        int sy = d->start_year + y;
        for (int p = 0; p < PROGRAMMES; p++) {
            int q = 0;
            for (int k = 1; k <= programmes[p].years; k++) {
                const cohort *c = cohort_in_year(d, p, sy, k);
                if (!c) continue;
                for (int g = 0; g < c->ngroups; g++, q++, gseq++) {
                    char code[48];
                    group_code(p, k, g, sy, code, NULL);
                    int nt = d->nprog_teachers[p];
                    int base = (int)((unsigned)(q * 4 + y) % (unsigned)nt);
                    group_staff_row(o, code, d->prog_teachers[p][base], "class_teacher");
                    for (int t = 1; t < 4; t++)
                        group_staff_row(o, code, d->prog_teachers[p][(base + t) % nt], "teacher");
                    int gb = (gseq * 2) % d->ngeneral;
                    group_staff_row(o, code, d->general[gb], "teacher");
                    group_staff_row(o, code, d->general[(gb + 1) % d->ngeneral], "teacher");
                    group_staff_row(o, code, d->prog_trainers[p][q % d->nprog_trainers[p]],
                                    "trainer");
                    group_staff_row(o, code, d->keyworkers[gseq % d->nkeyworkers], "key_worker");
                }
            }
        }
    }
}

/* ---- learners ------------------------------------------------------------- */

enum { ST_PRESENT, ST_LATE, ST_EXCUSED, ST_UNEXCUSED };
enum { EN_ACTIVE, EN_COMPLETED, EN_LEFT, EN_TRANSFERRED };

static const char *const en_status[] = {"active", "completed", "left_early", "transferred"};

static const char *const leave_reasons[] = {
    "wrong_choice", "employment", "personal", "academic", "health", "family", "financial",
    "behaviour", "relocation", "apprenticeship_ended", "other", "unknown"};
static const unsigned leave_reason_w[] = {20, 15, 15, 12, 8, 8, 6, 5, 4, 3, 2, 2};
enum { R_WRONG, R_EMPLOY, R_PERSONAL, R_ACADEMIC, R_HEALTH, R_FAMILY, R_FINANCIAL,
       R_BEHAVIOUR, R_RELOC, R_APPR, R_OTHER, R_UNKNOWN };

static const char *const beh_types[] = {
    "disruption", "lateness", "verbal_abuse", "aggression", "bullying", "property_damage",
    "substance", "cheating", "other"};
static const unsigned beh_type_w[] = {30, 14, 12, 5, 5, 4, 4, 6, 5};
static const unsigned sev_normal[] = {65, 28, 7};
static const unsigned sev_serious[] = {30, 45, 25};
static const unsigned sev_light[] = {80, 18, 2};

typedef struct learner {
    long idx;
    char ref[16];
    size_t reflen;
    const cohort *co;
    const programme_def *pd;
    int letter;
    /* hidden traits */
    double r, ill_base, unx_base, late_base, ability, eng_p, eng_min, beh_rate, group_f;
    int adult;
    /* enrolment */
    int32_t start, expected_end, exit;
    int status, reason;
    int d0, d1;             /* school-day indices with events, inclusive; d1 < d0 = none */
    /* drift before leaving, and a bad patch */
    int32_t drift_from;
    double drift_len, drift_str, w_unx, w_ill, w_res, w_beh, w_eng;
    int32_t patch_mid;
    double patch_half, patch_peak;
} learner;

/* How far learner l has drifted on date t: 0 = as usual, up to about 1. */
static inline double drift_at(const learner *l, int32_t t) {
    double s = 0;
    if (l->drift_str > 0 && t >= l->drift_from) {
        double x = (double)(t - l->drift_from) / l->drift_len;
        if (x > 1) x = 1;
        s = l->drift_str * x * (0.4 + 0.6 * x);
    }
    if (l->patch_peak > 0) {
        double dist = (double)(t > l->patch_mid ? t - l->patch_mid : l->patch_mid - t);
        if (dist < l->patch_half) {
            double p = l->patch_peak * (1.0 - dist / l->patch_half);
            if (p > s) s = p;
        }
    }
    return s;
}

/* Pick a school day in [a, b] weighted by the calendar's leaving weights. */
static int pick_exit_day(const demo *d, rng *r, int a, int b) {
    double total = 0;
    for (int i = a; i <= b; i++) total += d->days[i].leave_w;
    double x = rng_unif(r) * total;
    for (int i = a; i <= b; i++) {
        x -= d->days[i].leave_w;
        if (x < 0) return i;
    }
    return b;
}

/* Who a learner is: drawn first, from the learner's own stream. */
typedef struct identity {
    const name_group *g;
    const char *given, *family, *gender, *lang;
    int fam, female, adult, migrant, sen;
    int32_t birth;
} identity;

/* Draw the identity of a learner entering programme pd in year entry. */
static void identity_make(rng *r, const programme_def *pd, int entry, identity *id) {
    static const unsigned age_w[] = {10, 50, 20, 8, 5, 7};
    memset(id, 0, sizeof *id);
    unsigned ng_w[NAME_GROUPS];
    for (int i = 0; i < NAME_GROUPS; i++) ng_w[i] = name_groups[i].weight;
    id->g = &name_groups[rng_weighted(r, ng_w, NAME_GROUPS)];
    const name_group *g = id->g;
    double v = rng_unif(r);
    id->gender = v < 0.008 ? "diverse" : v < 0.023 ? "not_stated"
               : rng_unif(r) < pd->female ? "female" : "male";
    id->female = id->gender[0] == 'f' || (id->gender[0] != 'm' && rng_chance(r, 0.5));
    id->given = id->female ? g->female[rng_below(r, g->nfemale)] : g->male[rng_below(r, g->nmale)];
    id->fam = rng_below(r, g->nfamily);
    id->family = family_name(g, id->fam, id->female);
    int age = 15 + rng_weighted(r, age_w, (int)COUNT(age_w));
    if (age == 20) age = 20 + rng_below(r, 26);
    id->adult = age >= 20;
    id->birth = date_from_ymd(entry - age, 9, 1) - 1 - rng_below(r, 365);
    id->migrant = g->migrant || rng_chance(r, 0.02);
    id->lang = "en";
    if (rng_chance(r, g->lang_home)) id->lang = g->lang[rng_weighted(r, g->lang_w, 3)];
    id->sen = rng_chance(r, id->female ? 0.10 : 0.16);
}

/* Draw learner idx of cohort co: hidden traits, enrolment and how it ends.
** All draws come from r in a fixed order. */
static void learner_make(const demo *d, rng *r, const cohort *co, long idx, const identity *id,
                         learner *l) {
    memset(l, 0, sizeof *l);
    l->idx = idx;
    l->reflen = (size_t)snprintf(l->ref, sizeof l->ref, "L%06ld", idx + 1);
    l->co = co;
    l->pd = &programmes[co->prog];
    l->letter = (int)((idx - co->first) % co->ngroups);
    l->r = rng_unif(r);
    double r2 = l->r * l->r;
    l->group_f = 0.75 + 0.6 * hash01(hash5(d->seed, 11, (uint64_t)co->prog,
                                           (uint64_t)co->entry, (uint64_t)l->letter));
    l->ill_base = 0.010 + 0.018 * rng_unif(r);
    l->unx_base = (0.004 + 0.06 * r2 * (0.4 + 1.2 * rng_unif(r))) * l->pd->absence;
    l->late_base = (0.01 + 0.06 * rng_unif(r) * (0.5 + l->r)) * (id->adult ? 0.6 : 1.0);
    l->ability = 70 + 11 * rng_norm(r) - 14 * l->r;
    l->eng_p = rng_chance(r, 0.04) ? 0 : 0.9 - 0.55 * l->r * rng_unif(r);
    l->eng_min = (15 + 45 * rng_unif(r)) * (id->adult ? 1.3 : 1.0);
    double u = rng_unif(r);
    l->beh_rate = (0.0004 + 0.02 * r2 * l->r * u) * (id->adult ? 0.4 : 1.0);

    /* enrolment dates */
    int32_t yfirst, ylast;
    school_year_bounds(d, co->entry, &yfirst, &ylast);
    l->start = yfirst;
    int late_entry = co->entry >= d->start_year && rng_chance(r, 0.05);
    if (late_entry) {
        int i = d->year_day0[co->entry - d->start_year] + 5 + rng_below(r, 30);
        l->start = d->days[i].date;
    }
    int32_t efirst, elast;
    school_year_bounds(d, co->entry + l->pd->years - 1, &efirst, &elast);
    l->expected_end = elast;
    int32_t natural_last = elast < d->last ? elast : d->last;
    l->d0 = day_index(d, l->start);
    l->d1 = day_index(d, natural_last + 1) - 1;
    l->status = elast <= d->last ? EN_COMPLETED : EN_ACTIVE;
    l->exit = l->status == EN_COMPLETED ? elast : 0;
    l->reason = -1;

    /* leaving early or transferring: year by year while in the period */
    double mult = (0.3 + 2.2 * r2) * l->pd->leaving * (id->sen ? 1.2 : 1.0) *
                  (id->adult ? 1.15 : 1.0);
    for (int y = 0; y < d->years && l->d1 >= l->d0; y++) {
        int a = d->year_day0[y], b = d->year_day0[y + 1] - 1;
        if (a < l->d0) a = l->d0;
        if (b > l->d1) b = l->d1;
        if (b - a < 15) continue;
        int k = d->start_year + y - co->entry + 1;
        double frac = (double)(b - a + 1) / (double)(d->year_day0[y + 1] - d->year_day0[y]);
        double hazard = (k == 1 ? 0.17 : k == 2 ? 0.10 : 0.06) * mult * frac;
        double ul = rng_unif(r), ut = rng_unif(r);
        if (ul < hazard) {
            int i = pick_exit_day(d, r, a + 10, b);
            l->status = EN_LEFT;
            l->exit = d->days[i].date;
            l->d1 = i;
            l->reason = rng_weighted(r, leave_reason_w, (int)COUNT(leave_reason_w));
            break;
        }
        if (ut < 0.02 * frac) {
            int i = a + 10 + rng_below(r, b - a - 9);
            l->status = EN_TRANSFERRED;
            l->exit = d->days[i].date;
            l->d1 = i;
            break;
        }
    }

    /* the warning signs before leaving (none for about 18%), or a bad patch */
    if (l->status == EN_LEFT && !rng_chance(r, 0.18)) {
        l->drift_len = 28 + 56 * rng_unif(r);
        l->drift_from = l->exit - (int32_t)l->drift_len;
        l->drift_str = 0.55 + 0.45 * rng_unif(r);
        l->w_unx = 1.0;
        l->w_ill = 0.2;
        l->w_res = 1.0;
        l->w_beh = 1.0;
        l->w_eng = 1.0;
        switch (l->reason) {
        case R_HEALTH: l->w_unx = 0.35; l->w_ill = 1.2; break;
        case R_ACADEMIC: l->w_res = 1.6; break;
        case R_BEHAVIOUR: l->w_beh = 4.0; break;
        case R_WRONG: l->w_eng = 1.3; break;
        case R_FAMILY: l->w_ill = 0.6; break;
        default: break;
        }
    } else if (l->status != EN_LEFT && l->d1 - l->d0 > 40 && rng_chance(r, 0.14)) {
        int i = l->d0 + 10 + rng_below(r, l->d1 - l->d0 - 20);
        l->patch_mid = d->days[i].date;
        l->patch_half = 10 + 18 * rng_unif(r);
        l->patch_peak = 0.35 + 0.4 * rng_unif(r);
        l->w_unx = 0.8;
        l->w_ill = 0.4;
        l->w_res = 0.8;
        l->w_beh = 1.0;
        l->w_eng = 0.8;
    }
}

/* Append a learner-major event row prefix "L000001,2024-09-02," to o. */
static inline char *row_prefix(out_file *o, const learner *l, const sday *s, size_t more) {
    buf_reserve(&o->b, l->reflen + DATE_TEXT_LEN + more + 2);
    char *p = o->b.data + o->b.len;
    memcpy(p, l->ref, l->reflen);
    p += l->reflen;
    *p++ = ',';
    memcpy(p, s->text, 10);
    p += 10;
    *p++ = ',';
    return p;
}

/* Write the decimal digits of v (0 <= v < 10^9) at p; returns the end. */
static inline char *put_uint(char *p, unsigned v) {
    char t[12];
    int n = 0;
    do {
        t[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n) *p++ = t[--n];
    return p;
}

/* Close a row written directly into o's buffer up to p. */
static inline void row_done(out_file *o, char *p) {
    *p++ = '\n';
    o->b.len = (size_t)(p - o->b.data);
    o->b.data[o->b.len] = 0;
    o->rows++;
}

/* Write learner l's attendance, behaviour and engagement, day by day. */
static void learner_days(demo *d, rng *r, const learner *l, out_file *out) {
    static const char *const st_text[4] = {"present", "late", "absent_excused", "absent_unexcused"};
    static const unsigned char st_len[4] = {7, 4, 14, 16};
    out_file *att = &out[IMPORT_ATTENDANCE], *beh = &out[IMPORT_BEHAVIOUR],
             *eng = &out[IMPORT_ENGAGEMENT];
    int ill_left = 0;
    for (int i = l->d0; i <= l->d1; i++) {
        const sday *s = &d->days[i];
        double drift = drift_at(l, s->date);
        int st;
        unsigned minutes = 0;
        if (ill_left > 0) {
            st = ST_EXCUSED;
            ill_left--;
        } else {
            double u = rng_unif(r);
            double p_ill = l->ill_base * s->ill_f * (1 + 3 * drift * l->w_ill);
            double p_unx = l->unx_base * s->unx_f * l->group_f + 0.62 * drift * l->w_unx;
            double p_exc = 0.004;                   /* appointments, funerals, ... */
            double p_late = l->late_base * s->late_f + 0.10 * drift;
            if (u < p_ill) {
                st = ST_EXCUSED;
                double v = rng_unif(r);
                ill_left = (v < 0.55) + (v < 0.3) + (v < 0.15) + (v < 0.06);
            } else if ((u -= p_ill) < p_unx) {
                st = ST_UNEXCUSED;
            } else if ((u -= p_unx) < p_exc) {
                st = ST_EXCUSED;
            } else if ((u -= p_exc) < p_late) {
                st = ST_LATE;
            } else {
                st = ST_PRESENT;
            }
        }
        if (st == ST_LATE) {
            double v = rng_unif(r);
            minutes = 5 + (unsigned)(v * v * 55);
        } else if (st >= ST_EXCUSED) {
            minutes = DAY_MINUTES;
        }
        char *p = row_prefix(att, l, s, 32);
        *p++ = '0';
        *p++ = ',';
        memcpy(p, st_text[st], st_len[st]);
        p += st_len[st];
        *p++ = ',';
        p = put_uint(p, minutes);
        row_done(att, p);

        /* behaviour: on days in school, or truancy on a day skipped */
        double pb = st <= ST_LATE ? l->beh_rate * s->beh_f + 0.012 * drift * l->w_beh
                  : st == ST_UNEXCUSED ? 0.015 + 0.05 * drift : 0;
        if (pb > 0 && rng_unif(r) < pb) {
            const char *type;
            const unsigned *sev;
            if (st == ST_UNEXCUSED) {
                type = "truancy";
                sev = sev_light;
            } else if (st == ST_LATE && rng_chance(r, 0.5)) {
                type = "lateness";
                sev = sev_light;
            } else {
                int t = rng_weighted(r, beh_type_w, (int)COUNT(beh_type_w));
                type = beh_types[t];
                sev = t >= 3 && t <= 6 ? sev_serious : t == 1 || t == 7 ? sev_light : sev_normal;
            }
            int severity = 1 + rng_weighted(r, sev, 3);
            char id[24];
            snprintf(id, sizeof id, "B%07ld", ++d->incident_seq);
            cell(beh, id);
            buf_append(&beh->b, l->ref, l->reflen);
            buf_putc(&beh->b, ',');
            buf_append(&beh->b, s->text, 10);
            buf_putc(&beh->b, ',');
            cell(beh, type);
            cell_int(beh, severity);
            row_end(beh);
        }

        /* engagement with the learning platform */
        if (l->eng_p > 0) {
            double pe = l->eng_p * s->eng_f * (st >= ST_EXCUSED ? 0.35 : 1.0) *
                        (1 - 0.85 * drift * l->w_eng);
            if (rng_unif(r) < pe) {
                double v = rng_unif(r);
                unsigned logins = 1 + (v < 0.35) + (v < 0.1);
                double m = l->eng_min * (0.25 + 1.5 * rng_unif(r)) * (1 - 0.6 * drift);
                unsigned mins = m < 1 ? 1 : (unsigned)m;
                p = row_prefix(eng, l, s, 24);
                memcpy(p, "lms,logins,", 11);
                p = put_uint(p + 11, logins);
                row_done(eng, p);
                p = row_prefix(eng, l, s, 24);
                memcpy(p, "lms,minutes,", 12);
                p = put_uint(p + 12, mins);
                row_done(eng, p);
            }
        }
        if (att->b.len >= FLUSH_AT) out_flush(att);
        if (eng->b.len >= FLUSH_AT) out_flush(eng);
    }
}

/* Write learner l's results: per school year of the period they are in,
** three vocational units with an assessment each term and mathematics and
** communication with two; only those due while enrolled. */
static void learner_results(const demo *d, rng *r, const learner *l, out_file *o) {
    if (l->d1 < l->d0) return;
    int32_t from = d->days[l->d0].date, to = d->days[l->d1].date;
    for (int y = 0; y < d->years; y++) {
        int sy = d->start_year + y;
        int k = sy - l->co->entry + 1;
        if (k < 1 || k > l->pd->years) continue;
        const year_cal *c = &d->cal[y];
        for (int t = 0; t < 3; t++) {
            for (int u = 0; u < 5; u++) {
                /* common units (u 3, 4) are assessed in terms 1 and 3 only */
                if (u >= 3 && t == 1) continue;
                char unit[32], ass[8];
                if (u < 3)
                    snprintf(unit, sizeof unit, "%s-%s", l->pd->code,
                             l->pd->units[(k - 1) * 3 + u]);
                else
                    snprintf(unit, sizeof unit, "%s%d", u == 3 ? "MATH" : "COMM", k);
                snprintf(ass, sizeof ass, "A%d", u < 3 ? t + 1 : t == 0 ? 1 : 2);
                uint64_t h = hash5(d->seed, 21, (uint64_t)l->co->prog, (uint64_t)(sy * 8 + k),
                                   (uint64_t)(u * 4 + t));
                int32_t a = c->term_first[t], b = c->term_last[t];
                int32_t due = a + (int32_t)((double)(b - a) * (0.35 + 0.6 * hash01(h)));
                due = cal_school_day(c, due, -1);
                if (due < from || due > to) continue;
                double diff = -6 + 12 * hash01(mix64(h));
                double s = drift_at(l, due);
                double rs = s * l->w_res;
                int missing = rng_chance(r, 0.02 + 0.05 * l->r + 0.55 * rs);
                int late = !missing && rng_chance(r, 0.06 + 0.1 * l->r + 0.3 * rs);
                double score = l->ability + diff + 9 * rng_norm(r) - 28 * rs - (late ? 4 : 0);
                int sc = score < 0 ? 0 : score > 100 ? 100 : (int)(score + 0.5);
                char dt[DATE_TEXT_LEN];
                date_format(due, dt);
                buf_append(&o->b, l->ref, l->reflen);
                buf_putc(&o->b, ',');
                cell(o, unit);
                cell(o, ass);
                cell(o, dt);
                if (missing) buf_putc(&o->b, ',');
                else cell_int(o, sc);
                cell_int(o, 100);
                cell_bool(o, !missing && sc >= 50);
                cell_bool(o, late);
                cell_bool(o, missing);
                row_end(o);
            }
        }
    }
}

/* Write the guardians of a learner who is under 18 when the period (or their
** enrolment) starts: one or two, mostly parents. */
static void learner_guardians(demo *d, rng *r, const learner *l, const name_group *g,
                              int family, out_file *o) {
    static const char *const single[] = {"mother", "father", "grandparent", "guardian", "carer"};
    static const unsigned single_w[] = {70, 12, 8, 5, 5};
    int two = rng_chance(r, 0.65);
    const char *rel[2];
    int pr[2], female[2];
    if (two) {
        double v = rng_unif(r);
        if (v < 0.90) { rel[0] = "mother"; rel[1] = "father"; female[0] = 1; female[1] = 0; }
        else if (v < 0.95) { rel[0] = "parent"; rel[1] = "parent"; female[0] = female[1] = 1; }
        else { rel[0] = "mother"; rel[1] = "grandparent"; female[0] = 1; female[1] = 1; }
        pr[0] = 1;
        pr[1] = strcmp(rel[1], "grandparent") != 0 && !rng_chance(r, 0.08);
    } else {
        int k = rng_weighted(r, single_w, (int)COUNT(single_w));
        rel[0] = single[k];
        female[0] = k == 1 ? 0 : k == 0 ? 1 : rng_chance(r, 0.7);
        pr[0] = k == 4 ? 0 : k == 2 ? rng_chance(r, 0.6) : 1;
    }
    for (int i = 0; i < 1 + two; i++) {
        const char *given = female[i] ? g->female[rng_below(r, g->nfemale)]
                                      : g->male[rng_below(r, g->nmale)];
        int fam = family;
        if (female[i] && strcmp(rel[i], "mother") == 0 && rng_chance(r, 0.25))
            fam = rng_below(r, g->nfamily);
        const char *family_text = family_name(g, fam, female[i]);
        long n = ++d->guardian_seq;
        char id[24], phone[32];
        snprintf(id, sizeof id, "G%06ld", n);
        snprintf(phone, sizeof phone, "+353 8%d 555 %04d", 3 + rng_below(r, 7),
                 rng_below(r, 10000));
        buf e = BUF_INIT;
        fold_ascii(&e, given);
        buf_putc(&e, '.');
        fold_ascii(&e, family_text);
        buf_printf(&e, "%ld@mail.example", n);
        cell(o, id);
        cell(o, given);
        cell(o, family_text);
        cell(o, buf_cstr(&e));
        cell(o, phone);
        buf_append(&o->b, l->ref, l->reflen);
        buf_putc(&o->b, ',');
        cell(o, rel[i]);
        cell_bool(o, pr[i]);
        row_end(o);
        buf_free(&e);
    }
}

/* Generate learner idx of cohort co and write all their rows. */
static void learner_write(demo *d, const cohort *co, long idx, out_file *out) {
    rng r;
    rng_seed(&r, d->seed, 0x100000000ull + (uint64_t)idx);
    identity id;
    identity_make(&r, &programmes[co->prog], co->entry, &id);
    learner l;
    learner_make(d, &r, co, idx, &id, &l);
    const char *given = id.given, *family = id.family;

    out_file *o = &out[IMPORT_LEARNERS];
    char bd[DATE_TEXT_LEN];
    date_format(id.birth, bd);
    buf e = BUF_INIT;
    fold_ascii(&e, given);
    buf_putc(&e, '.');
    fold_ascii(&e, family);
    buf_printf(&e, "%ld@students.riverside-college.example", idx + 1);
    cell(o, l.ref);
    cell(o, given);
    cell(o, family);
    cell(o, bd);
    cell(o, buf_cstr(&e));
    cell(o, id.gender);
    cell_bool(o, id.migrant);
    cell_bool(o, id.sen);
    cell(o, id.lang);
    row_end(o);
    buf_free(&e);

    /* guardians for minors: age at the later of enrolment and period start */
    int32_t ref_day = l.start > d->first ? l.start : d->first;
    int by, bm, bdd, ry, rm, rd;
    date_to_ymd(id.birth, &by, &bm, &bdd);
    date_to_ymd(ref_day, &ry, &rm, &rd);
    int age_then = ry - by - (rm < bm || (rm == bm && rd < bdd));
    if (age_then < 18) learner_guardians(d, &r, &l, id.g, id.fam, &out[IMPORT_GUARDIANS]);

    /* enrolment */
    o = &out[IMPORT_ENROLMENTS];
    int32_t last_day = l.d1 >= l.d0 ? d->days[l.d1].date : d->first;
    int sy = d->start_year;
    for (int y = 0; y < d->years; y++)
        if (last_day >= d->cal[y].first) sy = d->start_year + y;
    int k = sy - co->entry + 1;
    if (k < 1) k = 1;
    if (k > l.pd->years) k = l.pd->years;
    char gcode[48], sd[DATE_TEXT_LEN], ed[DATE_TEXT_LEN];
    group_code(co->prog, k, l.letter, sy, gcode, NULL);
    date_format(l.start, sd);
    date_format(l.expected_end, ed);
    cell(o, l.ref);
    cell(o, l.pd->code);
    cell(o, sd);
    cell(o, gcode);
    cell(o, ed);
    cell(o, en_status[l.status]);
    if (l.status == EN_ACTIVE) {
        buf_append(&o->b, ",,", 2);
    } else {
        char xd[DATE_TEXT_LEN];
        date_format(l.exit, xd);
        cell(o, xd);
        cell(o, l.status == EN_COMPLETED ? "completed"
              : l.status == EN_LEFT ? leave_reasons[l.reason]
              : rng_chance(&r, 0.75) ? "transfer" : "relocation");
    }
    row_end(o);

    learner_days(d, &r, &l, out);
    learner_results(d, &r, &l, &out[IMPORT_RESULTS]);
    for (int f = 0; f < IMPORT_KIND_COUNT; f++)
        if (out[f].b.len >= FLUSH_AT) out_flush(&out[f]);
}

/* Release everything d holds. */
static void demo_free(demo *d) {
    free(d->cal);
    free(d->days);
    free(d->year_day0);
    free(d->day_at);
    free(d->cohorts);
    for (int p = 0; p < PROGRAMMES; p++) {
        free(d->prog_teachers[p]);
        free(d->prog_trainers[p]);
    }
    free(d->general);
    free(d->keyworkers);
    memset(d, 0, sizeof *d);
}

/* See demo.h. */
int school_demo_period(const demo_opts *opts, int32_t *first_day, int32_t *last_day,
                       cairn_err *err) {
    demo d;
    memset(&d, 0, sizeof d);
    if (demo_opts_read(opts, &d, err) < 0) return -1;
    year_cal c;
    year_cal_make(d.start_year, &c);
    *first_day = c.first;
    year_cal_make(d.start_year + d.years - 1, &c);
    *last_day = c.last;
    return 0;
}

/* See demo.h.  Nothing is returned to free; on failure the files written so
** far are left in dir. */
int school_demo_write_counted(const demo_opts *opts, const char *dir,
                              long counts[IMPORT_KIND_COUNT], cairn_err *err) {
    demo d;
    memset(&d, 0, sizeof d);
    if (demo_opts_read(opts, &d, err) < 0) return -1;
    out_file out[IMPORT_KIND_COUNT];
    memset(out, 0, sizeof out);
    int failed = 0, told = 0;      /* told: err already says what failed */
    for (int k = 0; k < IMPORT_KIND_COUNT && !failed; k++)
        if (out_open(&out[k], dir, (import_kind)k, err) < 0) failed = told = 1;
    if (!failed) {
        demo_calendar(&d);
        demo_cohorts(&d);
        write_structure(&d, out);
        write_staff(&d, &out[IMPORT_STAFF]);
        write_group_staff(&d, &out[IMPORT_GROUP_STAFF]);
        for (int c = 0; c < d.ncohorts && !failed; c++) {
            const cohort *co = &d.cohorts[c];
            for (long i = co->first; i < co->first + co->n && !failed; i++) {
                learner_write(&d, co, i, out);
                if ((i & 255) == 0)
                    for (int k = 0; k < IMPORT_KIND_COUNT; k++)
                        if (out[k].err) failed = 1;
            }
        }
    }
    for (int k = 0; k < IMPORT_KIND_COUNT; k++) {
        if (counts) counts[k] = out[k].rows;
        cairn_err e2;
        err_clear(&e2);
        if (out_close(&out[k], !told, &e2) < 0) {
            failed = 1;
            if (!told && err) *err = e2;
            told = 1;
        }
    }
    if (failed && !told) err_set(err, CAIRN_EIO, "cannot write the demo files in %s", dir);
    demo_free(&d);
    return failed ? -1 : 0;
}

/* See school.h. */
int school_demo_write(const demo_opts *opts, const char *dir, cairn_err *err) {
    return school_demo_write_counted(opts, dir, NULL, err);
}
