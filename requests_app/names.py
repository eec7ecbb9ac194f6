"""The first name in a "nom et prénom" typed freely, for the one SMS that names a person: the volunteer's
confirmation once the assignment is hers ("Appelez Jeanne au …").

Only the first name: the surname stays on her proposal page. A name is typed in every order ("Jeanne Martin",
"MARTIN Jeanne", "martin jeanne", "Mme Dupont"), so the surname is told from the first name by what the writing
shows (capitals), else by the first names people bear. When nothing tells, no name is given ("Appelez la
personne au …"): better no name than the surname in an SMS.
"""

import re
import unicodedata

FIRST_NAME_LENGTH = 20  # what the SMS leaves room for

# Civil titles and the "et" of a couple, dots and case aside: a word after a title is a surname ("Mme Martin").
TITLES = frozenset({"M", "MR", "MM", "MME", "MMES", "MLLE", "MLLES", "MONSIEUR", "MESSIEURS", "MADAME", "MESDAMES",
                    "MADEMOISELLE", "DR", "DOCTEUR", "VVE", "VEUVE"})  # fmt: skip
CONNECTOR = "ET"

# First names common in France, of the people helped (born 1920–1960) and of those who ask for them; without
# accents, upper case. A name that is as often a surname (Martin, Bernard, Thomas) is in ALSO_SURNAMES instead.
FIRST_NAMES = frozenset("""
    ADELE ADRIEN AGATHE AGNES AHMED AICHA AIMEE ALAIN ALBERT ALBERTINE ALEXANDRA ALEXANDRE ALEXIS ALFRED ALICE ALINE
    ALIX AMANDINE AMELIE ANAIS ANDREE ANGELE ANGELIQUE ANNA ANNE ANNETTE ANNICK ANNIE ANTOINETTE ARLETTE ARMAND
    ARMELLE ARTHUR AUDREY AURELIE AURORE BEATRICE BERNADETTE BERTHE BRIGITTE CAMILLE CAROLE CAROLINE CATHERINE
    CECILE CELINE CHANTAL CHARLOTTE CHLOE CHRISTELLE CHRISTIAN CHRISTIANE CHRISTINE CHRISTOPHE CLAIRE CLAUDE CLAUDINE
    CLEMENCE CLOTILDE COLETTE CORINNE CYRIL DANIEL DANIELE DANIELLE DELPHINE DENISE DIDIER DOMINIQUE DOROTHEE EDITH
    EDMOND EDOUARD ELIANE ELISABETH ELISE ELODIE ELOISE EMILE EMILIE EMMA ERIC ESTELLE EUGENE EUGENIE EVELYNE FABIEN
    FABIENNE FABRICE FATIMA FERNAND FERNANDE FLORENCE FRANCINE FRANCK FRANCOISE FREDERIC FREDERIQUE GABRIELLE
    GENEVIEVE GEORGES GEORGETTE GERALDINE GERMAINE GHISLAINE GILLES GINETTE GISELE HELENE HENRIETTE HERVE HUGUETTE
    IRENE ISABELLE JACQUELINE JACQUES JEAN JEANINE JEANNE JEANNINE JEROME JOCELYNE JOEL JOELLE JOSEPH JOSETTE
    JOSIANE JUDITH JULIE JULIETTE JULIENNE JUSTINE KARIM KARINE LAETITIA LAURA LAURE LAURENCE LEA LEONIE LILIANE
    LINE LISE LOUISE LUC LUCETTE LUCIE LUCIEN LUCIENNE LYDIE MADELEINE MAGALI MANON MARCELLE MARGUERITE MARIE
    MARIELLE MARINE MARION MARTHE MARTINE MARYSE MATHILDE MAURICETTE MICHELE MICHELINE MIREILLE MOHAMED MONIQUE
    MURIEL MYRIAM NADEGE NADIA NADINE NATHALIE NELLY NICOLE NOELLE NOEMIE ODETTE ODILE OLGA PAULE PAULETTE PAULINE
    PIERRETTE RAYMONDE REGINE RENE RENEE ROBERTE ROLANDE ROSE SABINE SANDRINE SARAH SEBASTIEN SERGE SEVERINE
    SIMONE SOLANGE SONIA SOPHIE STEPHANE STEPHANIE SUZANNE SUZETTE SYLVAIN SYLVIE SYLVIANE THERESE THIERRY VALERIE
    VERONIQUE VIVIANE XAVIER YANNICK YOLANDE YVES YVETTE YVONNE YVONNICK ZOE
""".upper().split())  # fmt: skip
ALSO_SURNAMES = frozenset("""
    ADAM ANDRE ANTOINE ARNAUD BENOIT BERNARD BRUNO CHARLES CLEMENT COLIN DAVID DENIS EMMANUEL ETIENNE FRANCOIS
    GABRIEL GAUTHIER GERARD GERMAIN GILBERT GUILLAUME GUY HENRI HENRY HUBERT JULIEN LAMBERT LAURENT LEON LOUIS LUCAS
    MARC MARCEL MARTIN MATHIEU MAURICE MICHEL NICOLAS NOEL OLIVIER PASCAL PAUL PHILIPPE PIERRE RAYMOND REMY RICHARD
    ROBERT ROLAND SIMON THOMAS VINCENT
""".split()) - FIRST_NAMES  # fmt: skip
FIRST_NAME, EITHER, UNKNOWN = 2, 1, 0


def first_name(full_name: str) -> str:
    """The first name in a full name typed freely, or "" when nothing tells it from the surname (see the module).
    Of a couple ("Jeanne et Paul Martin"), the first named."""
    words = [word.strip(".,;:()\"'") for word in full_name.split()]
    words = [word for word in words if word]
    couple = [[]]
    for word in words:
        if _plain(word) == CONNECTOR:
            couple.append([])
        else:
            couple[-1].append(word)
    for person in couple:
        if name := _one_first_name(person):
            return _shortened(name)
    return ""


def _shortened(name: str) -> str:
    """Whole names kept, those after left out: "Marie-Bernadette-Géraldine" is Marie-Bernadette."""
    while len(name) > FIRST_NAME_LENGTH and (cut := max(name.rfind(" "), name.rfind("-"))) > 0:
        name = name[:cut]
    return name[:FIRST_NAME_LENGTH]


def _one_first_name(words: list[str]) -> str:
    titled = any(_plain(word) in TITLES for word in words)
    words = [word for word in words if _plain(word) not in TITLES and len(_plain(word)) > 1]  # no initials
    if not words:
        return ""
    if len(words) == 1:  # after a title, or in capitals, a lone word is a surname ("Mme Martin", "MARTIN")
        return "" if titled or _capitals(words[0]) else _written(words[0])
    in_capitals = [_capitals(word) for word in words]
    if any(in_capitals) and not all(in_capitals):  # "MARTIN Jeanne", "DE LA TOUR Marie Claire"
        return " ".join(_written(word) for word, capitals in zip(words, in_capitals, strict=True) if not capitals)
    return _by_first_names(words)


def _by_first_names(words: list[str]) -> str:
    """Of the first and the last word, the one that is a first name and not the other: "Jeanne Martin" and "Martin
    Jeanne" are Jeanne. The first names next to it go with it ("Marie Claire Dupont"). When both or neither are,
    nothing tells ("Michel Bernard"), unless every word is a first name only ("Jeanne Marie")."""
    kinds = [_kind(word) for word in words]
    if all(kind == FIRST_NAME for kind in kinds):
        return _written(words[0])
    if kinds[0] > kinds[-1]:
        taken = words[:1] + [w for w, _k in _while_first_names(zip(words[1:-1], kinds[1:-1], strict=True))]
    elif kinds[-1] > kinds[0]:
        before = _while_first_names(zip(reversed(words[1:-1]), reversed(kinds[1:-1]), strict=True))
        taken = [w for w, _k in reversed(before)] + words[-1:]
    else:
        return ""
    return " ".join(_written(word) for word in taken)


def _while_first_names(pairs) -> list[tuple[str, int]]:
    taken = []
    for word, kind in pairs:
        if kind != FIRST_NAME:
            break
        taken.append((word, kind))
    return taken


def _kind(word: str) -> int:
    parts = _plain(word).split("-")  # Jean-Pierre, Marie-Claire: a first name when each part is one
    if all(part in FIRST_NAMES for part in parts):
        return FIRST_NAME
    if all(part in FIRST_NAMES or part in ALSO_SURNAMES for part in parts):
        return EITHER
    return UNKNOWN


def _capitals(word: str) -> bool:
    return word.isupper() and len(word.replace(".", "")) > 1


def _written(word: str) -> str:
    """As a first name is written: "jeanne" and "JEANNE" are Jeanne, "marie-claire" Marie-Claire; "Jeanne" as is."""
    if word.islower() or word.isupper():
        return "-".join(part.capitalize() for part in word.split("-"))
    return word


def _plain(word: str) -> str:
    text = unicodedata.normalize("NFKD", word.upper().replace(".", ""))
    return re.sub(r"[^A-Z-]", "", "".join(c for c in text if not unicodedata.combining(c)))
