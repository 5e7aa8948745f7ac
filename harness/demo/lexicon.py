"""A small parallel lexicon (en, de, fr, es) from which the demo sample sets are generated.

Written for this project; every demo sentence is built from these phrases, so the demo data has
exact translations, known entailments and known tags without copying any benchmark text.
"""

LANGS = ("en", "de", "fr", "es")

# Subjects: per language the noun phrase (sentence-initial form) and, for fr/es, grammatical gender.
SUBJECTS = [
    {"en": "The cat", "de": "Die Katze", "fr": ("Le chat", "m"), "es": ("El gato", "m")},
    {"en": "The dog", "de": "Der Hund", "fr": ("Le chien", "m"), "es": ("El perro", "m")},
    {"en": "The child", "de": "Das Kind", "fr": ("L'enfant", "m"), "es": ("El niño", "m")},
    {"en": "The woman", "de": "Die Frau", "fr": ("La femme", "f"), "es": ("La mujer", "f")},
    {"en": "The man", "de": "Der Mann", "fr": ("L'homme", "m"), "es": ("El hombre", "m")},
    {"en": "The bird", "de": "Der Vogel", "fr": ("L'oiseau", "m"), "es": ("El pájaro", "m")},
    {"en": "The horse", "de": "Das Pferd", "fr": ("Le cheval", "m"), "es": ("El caballo", "m")},
    {"en": "The girl", "de": "Das Mädchen", "fr": ("La fille", "f"), "es": ("La niña", "f")},
    {"en": "The boy", "de": "Der Junge", "fr": ("Le garçon", "m"), "es": ("El chico", "m")},
    {"en": "The teacher", "de": "Die Lehrerin", "fr": ("La maîtresse", "f"), "es": ("La maestra", "f")},
]

VERBS = [
    {"en": "sleeps", "de": "schläft", "fr": "dort", "es": "duerme"},
    {"en": "eats", "de": "isst", "fr": "mange", "es": "come"},
    {"en": "runs", "de": "läuft", "fr": "court", "es": "corre"},
    {"en": "plays", "de": "spielt", "fr": "joue", "es": "juega"},
    {"en": "sings", "de": "singt", "fr": "chante", "es": "canta"},
    {"en": "waits", "de": "wartet", "fr": "attend", "es": "espera"},
    {"en": "reads", "de": "liest", "fr": "lit", "es": "lee"},
]

PLACES = [
    {"en": "in the garden", "de": "im Garten", "fr": "dans le jardin", "es": "en el jardín"},
    {"en": "in the kitchen", "de": "in der Küche", "fr": "dans la cuisine", "es": "en la cocina"},
    {"en": "in the park", "de": "im Park", "fr": "dans le parc", "es": "en el parque"},
    {"en": "in the house", "de": "im Haus", "fr": "dans la maison", "es": "en la casa"},
    {"en": "in the street", "de": "auf der Straße", "fr": "dans la rue", "es": "en la calle"},
    {"en": "at school", "de": "in der Schule", "fr": "à l'école", "es": "en la escuela"},
]

# Adjectives: fr/es as (masculine, feminine); es also needs ser ("es") or estar ("está").
ADJECTIVES = [
    {"en": "small", "de": "klein", "fr": ("petit", "petite"), "es": ("pequeño", "pequeña", "es")},
    {"en": "big", "de": "groß", "fr": ("grand", "grande"), "es": ("grande", "grande", "es")},
    {"en": "tired", "de": "müde", "fr": ("fatigué", "fatiguée"), "es": ("cansado", "cansada", "está")},
    {"en": "happy", "de": "glücklich", "fr": ("heureux", "heureuse"), "es": ("feliz", "feliz", "está")},
    {"en": "hungry", "de": "hungrig", "fr": ("affamé", "affamée"), "es": ("hambriento", "hambrienta", "está")},
    {"en": "old", "de": "alt", "fr": ("vieux", "vieille"), "es": ("viejo", "vieja", "es")},
    {"en": "young", "de": "jung", "fr": ("jeune", "jeune"), "es": ("joven", "joven", "es")},
]
ANTONYMS = {"small": "big", "big": "small", "old": "young", "young": "old"}

COPULA = {"en": "is", "de": "ist", "fr": "est"}
AND = {"en": "and", "de": "und", "fr": "et", "es": "y"}
